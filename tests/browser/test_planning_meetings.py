"""The office registers a meeting through the form (Beijing time, attendees of its county), writes the minutes,
adds a decision and turns it into a finding at a school; the leader reads the page; screenshots for review."""

import datetime

import pytest

from dudao.planning.models import DecisionKind, Meeting
from dudao.rectification.models import Finding, FindingSource
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_meeting_decision_to_finding(world, live_server, browser, shot):
    base = live_server.url
    world.office_a.first_name = "李主任"
    world.office_a.save(update_fields=["first_name"])
    world.leader_a.first_name = "王区长"
    world.leader_a.save(update_fields=["first_name"])
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/planning/meetings/")
    assert "还没有登记会议" in page.inner_text("main")
    shot(page, "planning-meetings-list-empty-1024")
    follow(page, "a:has-text('登记会议')")
    page.select_option("#id_kind", "committee")
    page.fill("#id_title", "甲区人民政府教育督导委员会2026年第一次全体会议")
    page.fill("#id_starts_at", "2026-06-18T15:00")
    page.fill("#id_place", "区行政中心第二会议室")
    page.fill("#id_host", "王区长")
    page.fill("#id_agenda", "通报上半年督政情况\n研究学校周边环境综合治理\n审议督导结果公告")
    page.check(f"#u{world.office_a.pk}")
    page.check(f"#u{world.leader_a.pk}")
    page.check(f"#g{world.unit_a.pk}")
    assert "乙一镇" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-meeting-form-1024")
    follow(page, "button:has-text('保存')")
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime(2026, 6, 18, 7, 0, tzinfo=datetime.UTC)
    text = page.inner_text("main")
    assert "2026年6月18日 15:00" in text and "李主任、王区长" in text and "甲二镇人民政府" in text
    page.fill("#id_minutes", "会议通报了上半年督政情况，研究决定由相关单位限期整改。")
    follow(page, "button:has-text('保存纪要')")
    page.fill("#id_text", "甲区第一小学限期整治校门口交通安全隐患，设置护学岗。")
    page.fill("#id_owner_label", "甲区第一小学")
    page.fill("#id_due_date", "2026-08-31")
    follow(page, "button:has-text('添加决定事项')")
    decision = meeting.decisions.get()
    assert "仅记录" in page.inner_text("#decisions")
    page.click(f"button[data-bs-target='#finding-{decision.pk}']")
    page.wait_for_selector(f"#finding-{decision.pk}.show")
    page.select_option(f"#ft{decision.pk}", f"s:{world.schools_a[0].pk}")
    page.fill(f"#fr{decision.pk}", "设置护学岗和减速带，报送整改前后对比照片。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-meeting-finding-form-1024")
    follow(page, f"#finding-{decision.pk} button:has-text('列入问题整改')")
    assert "已列入问题整改" in page.inner_text("main")
    finding = Finding.objects.get()
    assert finding.source == FindingSource.MEETING and finding.due_date == datetime.date(2026, 8, 31)
    decision.refresh_from_db()
    assert decision.kind == DecisionKind.FINDING
    cell = page.inner_text(f"#decision-{decision.pk}")
    assert "问题整改：甲区第一小学" in cell and "待整改" in cell
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-meeting-detail-office-1024")
    follow(page, f"#decision-{decision.pk} a:has-text('甲区第一小学')")
    assert "会议决定" in page.inner_text("main")
    shot(page, "planning-meeting-finding-detail-1024")
    page.goto(f"{base}/planning/meetings/")
    shot(page, "planning-meetings-list-1024")

    leader = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(leader, base, "leader_a", PASSWORD)
    leader.goto(f"{base}/planning/meetings/{meeting.pk}/")
    text = leader.inner_text("main")
    assert "甲区第一小学限期整治" in text and "转为工作任务" not in text and "登记决定事项" not in text
    shot(leader, "planning-meeting-detail-leader-1024")
