"""Issue 23 (fill): the demo inspector fills a 专项检查 checklist on a 1024 px tablet inside the visit form — the
offline draft keeps the checklist answers across a reload, a failed item is settled on the spot with a photo —
submits it and sees the checklist on the visit page; the draft is then cleared. Screenshots:
tests/browser/artifacts/checks-fill-*.png."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image

from dudao.checks.models import CheckSubmission, CheckTarget
from dudao.demo.checks.fill import SUMMER_TITLE
from dudao.rectification.models import Finding
from tests.browser.conftest import ARTIFACTS, follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(path):
    Image.new("RGB", (120, 90), (46, 125, 50)).save(path, "PNG")
    return str(path)


def test_inspector_fills_a_check_at_1024_with_a_photo(demo_snapshot, live_server, browser, shot, tmp_path):
    passwords = restore(demo_snapshot)
    target = (CheckTarget.objects.filter(round__title=SUMMER_TITLE, status="pending",
                                         inspector__user__username="demo_inspector")
              .select_related("round", "school").order_by("school__code").first())
    assert target is not None
    items = list(target.round.items.order_by("order", "id"))
    failing = next(i for i in items if i.answer_kind == "yes_no" and not i.veto)
    base = live_server.url
    page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    sign_in(page, base, "demo_inspector", passwords["demo_inspector"])
    url = f"{base}/checks/{target.round_id}/targets/{target.pk}/fill/"
    page.goto(url)
    assert target.school.name in page.inner_text("h1")
    day = max(target.round.starts_on, timezone.localdate() - datetime.timedelta(days=1))
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start", "09:00")
    page.fill("#id_end", "10:00")
    page.fill("#m_tour", "1")
    page.check("#i_special")
    page.fill("#id_narrative", "按检查清单逐项检查，查看值班记录。")
    for item in items:
        if item.answer_kind == "yes_no":
            page.click(f"label[for=a_{item.pk}_{'no' if item == failing else 'yes'}]")
        elif item.answer_kind == "number":
            page.fill(f"#n_{item.pk}", str(item.number_min if item.number_min is not None else 0))
        else:
            page.fill(f"#note_{item.pk}", "无")
    assert page.is_visible(f"#s_{failing.pk}_on_site")  # the failed item asks how it was handled
    page.check(f"#s_{failing.pk}_on_site")
    page.fill(f"#note_{failing.pk}", "值班表当场补齐")
    # the offline draft keeps the checklist: reload and find the answers again
    page.reload()
    assert page.is_visible("#draft-note")
    assert page.is_checked(f"#a_{failing.pk}_no") and page.is_checked(f"#s_{failing.pk}_on_site")
    assert page.input_value(f"#note_{failing.pk}") == "值班表当场补齐"
    key = page.get_attribute("#visit-form", "data-draft-key")
    assert key == f"dudao.check.{target.inspector.user_id}.{target.round_id}.{target.pk}"
    page.set_input_files(f"#p_{failing.pk}", _png(tmp_path / "photo.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "checks-fill-form-1024")
    follow(page, "#visit-submit")
    assert "/visits/" in page.url, page.inner_text("main")[:500]
    assert page.is_visible("#check-section")
    section = page.inner_text("#check-section")
    assert "不合格 1 项" in section and "现场整改到位" in section
    assert page.evaluate(f"localStorage.getItem('{key}')") is None  # the draft is cleared once the server has it
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "checks-fill-done-1024")
    submission = CheckSubmission.objects.get(target=target)
    finding = Finding.objects.get(source_type="checks.checkanswer", source_id=str(submission.answers.get(failed=True).pk))
    assert finding.status == "resolved_on_site" and finding.evidence.count() == 1
    assert not errors, errors
    assert (ARTIFACTS / "checks-fill-done-1024.png").exists()
