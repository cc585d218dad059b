"""Issue 24 (people and 课题) in the browser, on the demo: the office's list of 学校督导管理员 at 1024 px; the school
page of demo_school's school lists its two supervisors; demo_supervisor signs in and sees the school's home page;
the demo 课题 page with 开题 passed and 中期 due soon, and the owner's (demo_inspector's) to-do item for it.
Screenshots: tests/browser/artifacts/issue24-people-*.png (looked at)."""

import pytest

from dudao.people.models import SchoolSupervisor
from dudao.research.models import ResearchProject
from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=15_000)


def fits(page, width: int) -> None:
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_issue24_people_and_projects(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    mine = SchoolSupervisor.objects.select_related("school").get(user__username="demo_supervisor")
    errors: list[str] = []

    office = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    office.on("pageerror", lambda e: errors.append(f"office: {e}"))
    sign_in(office, base, "demo_office", passwords["demo_office"])
    office.goto(f"{base}/people/supervisors/")
    fits(office, 1024)
    text = office.inner_text("main")
    assert "吴晓燕" in text and mine.school.name in text and "学校督导管理员" in text
    shot(office, "issue24-people-supervisor-list-1024")

    office.goto(f"{base}/schools/{mine.school_id}/")
    fits(office, 1024)
    section = office.locator(".card", has_text="学校督导管理员").last
    assert "吴晓燕" in section.inner_text() and "郑国强" in section.inner_text()
    section.scroll_into_view_if_needed()
    shot(office, "issue24-people-school-section-1024")

    follow(office, f"a[href='/people/supervisors/{mine.pk}/']")
    fits(office, 1024)
    assert "培训档案" in office.inner_text("main") and "学校督导管理员业务培训" in office.inner_text("main")
    shot(office, "issue24-people-supervisor-detail-1024")

    project = ResearchProject.objects.get(owner__username="demo_inspector")
    office.goto(f"{base}/research/projects/{project.pk}/")
    fits(office, 1024)
    text = office.inner_text("main")
    assert "开题报告" in text and "已通过" in text and "中期报告" in text and "待提交" in text
    shot(office, "issue24-people-project-1024")

    # the supervisor's own account: the school home page, the school role given by the appointment
    supervisor = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    supervisor.on("pageerror", lambda e: errors.append(f"supervisor: {e}"))
    sign_in(supervisor, base, "demo_supervisor", passwords["demo_supervisor"])
    fits(supervisor, 390)
    assert "本校整改" in supervisor.inner_text("main")
    supervisor.goto(f"{base}/people/supervisors/{mine.pk}/")
    fits(supervisor, 390)
    shot(supervisor, "issue24-people-supervisor-own-390")

    # the owner's 工作台: the 中期 milestone due soon
    owner = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    sign_in(owner, base, "demo_inspector", passwords["demo_inspector"])
    settle(owner)
    assert "提交课题中期报告" in owner.inner_text("main")
    shot(owner, "issue24-people-owner-home-1024")
    assert not errors, errors
