"""The office's 约谈, 问责, 回头看 and 结果公开 pages on the demo district at tablet width; screenshots for review."""

import pytest

from dudao.rectification.models import AccountabilityCase, RecheckRound, Talk
from tests.browser.conftest import sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def test_office_pages_fit_a_tablet(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    page = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "demo_office", passwords["demo_office"])
    held = Talk.objects.get(status="held")
    open_case = AccountabilityCase.objects.get(step="notified")
    pages = [
        ("rect-demo-ledger", "/rectification/?status=open", "问题台账"),
        ("rect-demo-talk", f"/rectification/talks/{held.pk}/", "约谈"),
        ("rect-demo-case", f"/rectification/cases/{open_case.pk}/", "问责案件"),
        ("rect-demo-recheck", f"/rectification/rechecks/{RecheckRound.objects.get().pk}/", "回头看"),
        ("rect-demo-publications", "/rectification/publications/", "结果公开"),
        ("rect-demo-dashboard", "/rectification/dashboard/", "整改统计"),
        ("rect-demo-record", f"/rectification/record/school/{held.school_id}/", "问题整改与激励表彰"),
    ]
    for name, path, heading in pages:
        page.goto(base + path)
        assert heading in page.inner_text("h1"), path
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, path
        shot(page, f"{name}-{WIDTH}")
    wide = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    sign_in(wide, base, "demo_office", passwords["demo_office"])
    wide.goto(f"{base}/rectification/dashboard/")
    wide.wait_for_selector("#trend canvas")
    # the overdue table shows every column, 期限 included, without a scroll bar at 1366 px
    assert wide.evaluate("(e => e.scrollWidth - e.clientWidth)(document.querySelector('#overdue-table'))") <= 0
    assert wide.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(wide, "rect-demo-dashboard-1366")
    public = browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN").new_page()
    public.goto(f"{base}/public/results/")
    assert "教育督导结果公开" in public.inner_text("h1")
    shot(public, "rect-demo-public-390")
