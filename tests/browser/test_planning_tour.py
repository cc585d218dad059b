"""A tour of every 工作计划 page on the demo district, as the office, the leader and a principal, at the tablet
width (1024×768) and the office PC width (1366×900): each page has its heading, Chinese text and no horizontal
scrolling at 1024 px; the demo plan's tree is not empty; the 工作计划 menu lists what the role may open. Screenshots
for review under tests/browser/artifacts/planning-tour-<role>-<page>-<width>.png."""

import re

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1024, 768), (1366, 900)]
HAN = re.compile(r"[\u4e00-\u9fff]{4,}")
# issue 24 adds 征集评选, 课题 (research) and 内审 (audits) to this area, for everyone with a scope
ISSUE24 = ["征集评选", "课题", "内审"]
STAFF_MENU = ["工作要点", "行事历", "会议", "大事记", "督导简报", "信息报送", "工作总结", "督导档案", *ISSUE24]


def _pages(role: str) -> list[tuple[str, str, str]]:
    """(name, path, a heading fragment) for every planning page the role may open on the demo."""
    from dudao.planning.models import Briefing, Meeting, Plan

    year = timezone.localdate().year
    month = f"{year}-{timezone.localdate().month:02d}"
    if role == "school":
        return [("calendar-grid", f"/planning/calendar/?month={month}", "行事历"),
                ("calendar-list", f"/planning/calendar/?month={month}&view=list", "行事历"),
                ("calendar-feed", "/planning/calendar/feed/", "行事历手机订阅")]
    plan = Plan.objects.get(region__name="示范区", year=year)
    task = plan.tasks.filter(links__isnull=False).order_by("pk").first()
    meeting = Meeting.objects.filter(region=plan.region, decisions__isnull=False).order_by("starts_at").first()
    briefing = Briefing.objects.filter(region=plan.region).order_by("-pk").first()
    pages = [("plan-list", "/planning/plans/", "工作要点"),
             ("plan-tree", f"/planning/plans/{plan.pk}/", plan.title[:6]),
             ("plan-task", f"/planning/plans/tasks/{task.pk}/", task.text[:6]),
             ("calendar-grid", f"/planning/calendar/?month={month}", "行事历"),
             ("calendar-list", f"/planning/calendar/?month={month}&view=list", "行事历"),
             ("calendar-feed", "/planning/calendar/feed/", "行事历手机订阅"),
             ("meeting-list", "/planning/meetings/", "会议"),
             ("meeting-detail", f"/planning/meetings/{meeting.pk}/", meeting.title[:6]),
             ("chronicle", "/planning/chronicle/", "大事记"),
             ("briefing-list", "/planning/briefings/", "督导简报"),
             ("briefing-editor", f"/planning/briefings/{briefing.pk}/", briefing.title[:6]),
             ("submission-list", "/planning/submissions/", "信息报送"),
             ("summary-list", "/planning/summaries/", "工作总结")]
    if role == "office":
        pages += [("plan-new", "/planning/plans/new/", "新建工作要点"), ("plan-import", "/planning/plans/import/", "导入"),
                  ("meeting-form", "/planning/meetings/new/", "登记会议"),
                  ("submission-form", "/planning/submissions/new/", "登记报送")]
    return pages


@pytest.mark.parametrize("role", ["office", "leader", "school"])
def test_planning_tour(role, demo_snapshot, live_server, browser, shot):
    from tests.demo_snapshot import restore

    passwords = restore(demo_snapshot)
    base, username = live_server.url, f"demo_{role}"
    pages = _pages(role)
    for width, height in SIZES:
        page = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN").new_page()
        sign_in(page, base, username, passwords[username])
        menu = page.locator("nav a.dropdown-toggle", has_text="工作计划")
        menu.click()
        entries = page.locator("nav .dropdown-menu.show a.dropdown-item").all_inner_texts()
        entries = [e.strip() for e in entries]
        assert entries == (["行事历", *ISSUE24] if role == "school" else STAFF_MENU), entries
        shot(page, f"planning-tour-{role}-menu-{width}")
        for name, path, heading in pages:
            response = page.goto(base + path)
            assert response.status == 200, (path, response.status)
            h1 = page.inner_text("h1")
            assert heading in h1, (path, h1)
            main = page.inner_text("main")
            assert HAN.search(main), path
            if role == "leader" and name != "calendar-feed":  # reads everything, writes nothing
                assert page.locator("main form[method=post]").count() == 0, path
                assert page.locator("main a", has_text="登记报送").count() == 0, path
            if name == "plan-tree":
                assert page.locator("tr[id^=task-]").count() >= 40 and page.locator("section.card").count() == 6
                badges = page.locator(".plan-completion .badge").all_inner_texts()
                assert badges and all(re.match(r"(已逾期|进行中|未开始) \d+$", b) for b in badges), badges
            if width == 1024:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= 1024, (path, scroll)
            shot(page, f"planning-tour-{role}-{name}-{width}")
        page.close()
