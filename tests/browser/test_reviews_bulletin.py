"""The office creates last year's 公报, checks a line's source, types over a figure, tries to publish with a required
line empty (refused, the line named), fills it, publishes; the public results page shows it under 教育督导公报; the
leader reads it. Screenshots at tablet width (1024 px) for review."""

import datetime

import pytest
from django.utils import timezone

from dudao.reviews.models import Bulletin, BulletinStatus
from dudao.reviews.services import bulletin as services
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.reviews.test_bulletin_services import _finding, _stats

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    """The whole page fits a 1024 px tablet: no horizontal scroll, the navigation bar included."""
    return page.evaluate("document.documentElement.scrollWidth") <= 1024


def test_office_builds_and_publishes_the_bulletin(world, live_server, browser, shot):
    base = live_server.url
    year = timezone.localdate().year - 1
    _stats(world, year)
    tz = timezone.get_current_timezone()
    for month in (3, 5, 9):
        _finding(world, datetime.datetime(year, month, 1, 9, 0, tzinfo=tz))
    _finding(world, datetime.datetime(year, 4, 1, 9, 0, tzinfo=tz), status="closed",
             closed_at=datetime.datetime(year, 5, 1, 9, 0, tzinfo=tz))
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/reviews/bulletins/")
    assert "还没有教育督导公报" in page.inner_text("main")
    page.fill("#id_year", str(year))
    follow(page, "button:has-text('新建')")
    bulletin = Bulletin.objects.get()
    assert "公报项目表已按平台数据填好" in page.inner_text("main")
    row = page.inner_text(f"#field-{bulletin.fields.get(key='发现问题数').pk}")
    assert "4 个" in row and f"{year}-01-01 至 {year}-12-31" in row
    shot(page, "reviews-bulletin-draft-1024")
    assert _fits(page)

    # the office types over the number of students (corrected statistics)
    students = bulletin.fields.get(key="在校生数")
    page.fill(f"#field-{students.pk} input[name=value]", "1300")
    follow(page, f"#field-{students.pk} button:has-text('保存')")
    assert "已人工修改" in page.inner_text(f"#field-{students.pk}")
    # the lines the fixture has no data for were filled earlier, except 社会认可度 (required, used by the body)
    for f in bulletin.fields.filter(value="").exclude(key="社会认可度"):
        services.field_update(actor=world.office_a, bulletin=bulletin, field=f, value="0")
    bulletin.refresh_from_db()  # and the default body's "（请填写…）" prompt replaced
    services.body_update(actor=world.office_a, bulletin=bulletin, title=bulletin.title,
                         body=bulletin.body.replace("（请填写下一年度的工作安排。）", "继续推进义务教育优质均衡发展。"))
    follow(page, "#publish")
    text = page.inner_text("main")
    assert "不能发布" in text and "社会认可度" in text
    assert Bulletin.objects.get().status == BulletinStatus.DRAFT
    shot(page, "reviews-bulletin-refused-1024")
    recognition = bulletin.fields.get(key="社会认可度")
    page.fill(f"#field-{recognition.pk} input[name=value]", "94.2")
    follow(page, f"#field-{recognition.pk} button:has-text('保存')")
    follow(page, "#publish")
    assert f"已发布（甲区督公〔{year}〕1号）" in page.inner_text("main")
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED and "在校生 1300 人" in bulletin.published_body
    assert _fits(page)
    shot(page, "reviews-bulletin-published-1024")

    public = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    public.goto(f"{base}/public/results/?kind=communique")
    assert bulletin.title in public.inner_text("body")
    follow(public, f"a:has-text('{bulletin.title}')")
    text = public.inner_text("body")
    assert "社会认可度 94.2%" in text and "附：公报项目表" in text
    shot(public, "reviews-bulletin-public-1024")

    leader = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(leader, base, "leader_a", PASSWORD)
    leader.goto(f"{base}/reviews/bulletins/{bulletin.pk}/")
    text = leader.inner_text("main")
    assert "在校生 1300 人" in text and "发布" in text and "撤回" not in text
    shot(leader, "reviews-bulletin-leader-1024")
