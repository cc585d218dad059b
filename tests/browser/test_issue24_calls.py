"""Issue 24, 征集评选: an expert scores anonymised entries on a 1024 px tablet. The call of district A is in 评审中
with three entries (one from the expert's own school is withheld by recusal); the expert opens the list, scores
an entry leaf by leaf, sees an out-of-range score refused in Chinese, fixes it, and finds the total on the list.
Neither page names an author, a school or a file name. The office then sees the scores with the authors.
Screenshots: tests/browser/artifacts/issue24-calls-*.png (looked at)."""

import pytest

from dudao.research.models import EntryScore
from tests.browser.conftest import follow, sign_in
from tests.research import calls_support
from tests.research.calls_support import close, docx_upload, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
cw = calls_support.cw  # the fixture
PASSWORD = "Test-pass-2026"


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=15_000)


def fits(page, width: int) -> None:
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_expert_scores_anonymised_entries_on_a_tablet(world, cw, live_server, browser, shot):
    a = submit(world.principal_a, cw.call, title="家校共育的实践", co_authors="李四",
               upload=docx_upload("王小明的案例.docx", author="王小明"))
    b = submit(world.inspector_a, cw.call, title="课后服务“1+N”模式", category="教学")
    submit(cw.expert_users[1], cw.call, title="本人提交的案例", option=f"school:{world.schools_a[0].pk}")
    close(world, cw.call)
    base = live_server.url
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page.on("pageerror", lambda e: errors.append(str(e)))
    # expert 2 is the principal of school 0: entries a and their own are withheld
    sign_in(page, base, cw.expert_users[1].username, PASSWORD)
    page.goto(f"{base}/research/calls/{cw.call.pk}/score/")
    fits(page, 1024)
    text = page.inner_text("main")
    assert b.code in text and a.code not in text and "按回避规定未分配给您" in text
    page.close()

    page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, world.expert.username, PASSWORD)
    page.goto(f"{base}/research/calls/{cw.call.pk}/score/")
    fits(page, 1024)
    listing = page.inner_text("main")
    assert a.code in listing and b.code in listing
    for secret in ("王小明", "李四", "赵督学", world.schools_a[0].name, "甲区教研室", ".docx"):
        assert secret not in listing, secret
    shot(page, "issue24-calls-expert-list-1024")
    follow(page, f"a[href='/research/calls/score/{a.pk}/']")
    fits(page, 1024)
    body = page.inner_text("main")
    for secret in ("王小明", "李四", world.schools_a[0].name, "王小明的案例"):
        assert secret not in body, secret
    assert "满分 25" in body and f"匿名稿 {a.code}" in body
    page.fill("#leaf-A1", "24")
    page.fill("#leaf-A2", "28")
    page.fill("#leaf-A3", "27")
    page.fill("#leaf-A4", "13")
    page.fill("#comment", "做法扎实，成效数据充分。")
    shot(page, "issue24-calls-expert-score-1024")
    page.evaluate("document.querySelector('#leaf-A1').removeAttribute('max')")  # a hostile value past the form
    page.fill("#leaf-A1", "40")
    follow(page, "button.btn-lg")
    settle(page)
    assert "超出 0—25" in page.inner_text("body")
    assert not EntryScore.objects.exists()
    page.fill("#leaf-A1", "24")
    follow(page, "button.btn-lg")
    fits(page, 1024)
    assert "92" in page.inner_text("#score-list")
    shot(page, "issue24-calls-expert-scored-1024")
    assert EntryScore.objects.get().total == 92
    page.close()

    office = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    sign_in(office, base, "office_a", PASSWORD)
    office.goto(f"{base}/research/calls/{cw.call.pk}/")
    fits(office, 1024)
    assert "李四" in office.inner_text("#entries") and "92" in office.inner_text("#entries")
    shot(office, "issue24-calls-office-1024")
    assert errors == []
