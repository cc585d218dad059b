"""Meeting pages: the list (filters, search, Excel export, bounded queries), the form (attendee pickers, Beijing
time, another county's unit refused), the meeting page as office (forms) and leader (read only), school and
another county (404), the POST actions, and a finding made from a decision shown on the ledger with its source
会议决定."""

import datetime
import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.planning.models import DecisionKind, Meeting, PlanTask
from dudao.planning.services import meetings as services
from dudao.planning.services import plans as plan_services
from dudao.rectification.models import Finding, FindingSource
from tests.planning.test_meetings_services import TZ, at, docx_bytes, make_meeting


def _form(world, **extra) -> dict:
    data = {"region": "990102", "kind": "annual", "title": "甲区2026年度教育督导工作会议",
            "starts_at": "2026-02-20T09:00", "place": "区教育局三楼会议室", "host": "督导室主任",
            "attendee_users": [world.office_a.pk, world.leader_a.pk], "attendee_units": [world.unit_a.pk],
            "attendees_note": "各校校长", "agenda": "总结上年工作\n部署本年工作"}
    data.update(extra)
    return data


def test_list_filters_search_export(world, login):
    make_meeting(world)
    make_meeting(world, kind="committee", title="督导委员会全体会议", starts_at=at(2025, 6, 18, 15), place="行政中心")
    client = login(world.office_a)
    page = client.get(reverse("planning:meeting_list"))
    assert page.status_code == 200 and "甲区2026年度教育督导工作会议" in page.text and "登记会议" in page.text
    assert "督导委员会全体会议" not in client.get(reverse("planning:meeting_list"), {"year": 2026}).text
    assert "甲区2026年度" not in client.get(reverse("planning:meeting_list"), {"kind": "committee"}).text
    assert "督导委员会全体会议" in client.get(reverse("planning:meeting_list"), {"q": "行政中心"}).text
    assert "没有符合条件的会议" in client.get(reverse("planning:meeting_list"), {"q": "没有这个"}).text
    assert client.get(reverse("planning:meeting_list"), {"year": "abc", "kind": "x"}).status_code == 200
    export = client.get(reverse("planning:meeting_list"), {"export": "xlsx", "kind": "committee"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["编号", "会议名称", "会议类型", "区域"]
    assert [r[1:5] for r in rows[1:]] == [["督导委员会全体会议", "督导委员会会议", "甲区", "2025-06-18 15:00:00"]]


def test_list_empty_state_and_leader(world, login):
    client = login(world.leader_a)
    page = client.get(reverse("planning:meeting_list"))
    assert page.status_code == 200 and "还没有登记会议" in page.text and "登记会议</a>" not in page.text


def test_list_queries_bounded(world, login, django_assert_max_num_queries):
    for n in range(12):
        meeting = make_meeting(world, title=f"会议{n}")
        services.decision_add(actor=world.office_a, meeting=meeting, text="决定")
    client = login(world.office_a)
    client.get(reverse("planning:meeting_list"))  # the navigation's 待办 count is cached from here on (a minute)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("planning:meeting_list")).status_code == 200


def test_school_unit_inspector_and_another_county_get_404(world, login):
    meeting = make_meeting(world)
    decision = services.decision_add(actor=world.office_a, meeting=meeting, text="决定")
    for user in (world.principal_a, world.town_a, world.inspector_a, world.office_b):
        client = login(user)
        assert client.get(reverse("planning:meeting_detail", args=[meeting.pk])).status_code == 404
        assert client.get(reverse("planning:meeting_edit", args=[meeting.pk])).status_code == 404
        for name in ("planning:meeting_delete", "planning:meeting_minutes", "planning:decision_add"):
            assert client.post(reverse(name, args=[meeting.pk]), {"text": "x", "minutes": "x"}).status_code == 404
        for name in ("planning:decision_task", "planning:decision_finding", "planning:decision_edit",
                     "planning:decision_delete"):
            assert client.post(reverse(name, args=[decision.pk]), {"text": "x"}).status_code == 404
    assert login(world.principal_a).get(reverse("planning:meeting_list")).status_code == 404
    assert "甲区2026" not in login(world.office_b).get(reverse("planning:meeting_list")).text
    assert Meeting.objects.get().decisions.get().text == "决定"


def test_create_form(world, login):
    client = login(world.office_a)
    form = client.get(reverse("planning:meeting_create"))
    assert form.status_code == 200 and 'type="datetime-local"' in form.text
    assert "leader_a" in form.text and "甲二镇人民政府" in form.text and "乙一镇人民政府" not in form.text
    response = client.post(reverse("planning:meeting_create"), _form(world))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("planning:meeting_detail", args=[meeting.pk])
    # entered as Beijing time: 09:00 on 20 February is 01:00 UTC
    assert meeting.starts_at == datetime.datetime(2026, 2, 20, 1, 0, tzinfo=datetime.UTC)
    assert set(meeting.attendee_users.all()) == {world.office_a, world.leader_a}


def test_create_form_refuses_another_countys_unit(world, login):
    client = login(world.office_a)
    response = client.post(reverse("planning:meeting_create"), _form(world, attendee_units=[world.unit_b.pk]))
    assert response.status_code == 400 and "不属于甲区，不能选择" in response.text
    assert f'value="{world.office_a.pk}" id="u{world.office_a.pk}" checked' in response.text  # picks kept
    assert "甲区2026年度教育督导工作会议" in response.text
    response = client.post(reverse("planning:meeting_create"), _form(world, region="990103"))
    assert response.status_code == 400 and "所属区域" in response.text
    response = client.post(reverse("planning:meeting_create"), _form(world, starts_at="明天"))
    assert response.status_code == 400 and "开始时间" in response.text
    assert not Meeting.objects.exists()
    assert login(world.leader_a).get(reverse("planning:meeting_create")).status_code == 404


def test_edit_form_shows_beijing_time(world, login):
    meeting = make_meeting(world, starts_at=at(2026, 3, 1, 0, 30))
    client = login(world.office_a)
    page = client.get(reverse("planning:meeting_edit", args=[meeting.pk]))
    assert 'value="2026-03-01T00:30"' in page.text
    assert f'value="{world.unit_a.pk}" id="g{world.unit_a.pk}" checked' in page.text
    response = client.post(reverse("planning:meeting_edit", args=[meeting.pk]),
                           _form(world, title="改后的会议", starts_at="2026-03-01T23:30", attendee_units=[]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "改后的会议" and not meeting.attendee_units.exists()
    assert meeting.starts_at == datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC)


def test_meeting_page_office_and_leader(world, login):
    meeting = make_meeting(world)
    services.minutes_set(actor=world.office_a, meeting=meeting, text="会议纪要正文",
                         upload=SimpleUploadedFile("纪要.docx", docx_bytes()))
    services.decision_add(actor=world.office_a, meeting=meeting, text="开展专项培训", owner_label="督导室",
                          due_date=datetime.date(2026, 11, 30))
    office = login(world.office_a).get(reverse("planning:meeting_detail", args=[meeting.pk]))
    assert office.status_code == 200
    for text in ("2026年2月20日 09:00", "区教育局三楼会议室", "总结上年工作", "会议纪要正文", "纪要.docx",
                 "开展专项培训", "2026年11月30日", "仅记录", "转为工作任务", "列入问题整改", "登记决定事项",
                 "甲区第一小学", "甲二镇人民政府", "修改会议信息"):
        assert text in office.text, text
    file_link = office.text.split('纪要文件：<a href="')[1].split('"')[0]
    assert file_link.startswith("/documents/f/")
    assert login(world.leader_a).get(file_link).status_code == 200
    leader = login(world.leader_a).get(reverse("planning:meeting_detail", args=[meeting.pk]))
    assert leader.status_code == 200 and "开展专项培训" in leader.text and "纪要.docx" in leader.text
    for text in ("转为工作任务", "登记决定事项", "修改会议信息", "填写或上传纪要", "/planning/meetings/decisions/"):
        assert text not in leader.text, text
    assert leader.text.count("csrfmiddlewaretoken") == 1  # the logout form only
    assert login(world.leader_a).post(reverse("planning:decision_add", args=[meeting.pk]),
                                      {"text": "领导加的"}).status_code == 404


def test_meeting_page_queries_bounded(world, login, django_assert_max_num_queries):
    meeting = make_meeting(world)
    for n in range(8):
        decision = services.decision_add(actor=world.office_a, meeting=meeting, text=f"决定{n}")
        if n % 2:
            services.decision_to_finding(actor=world.office_a, decision=decision, school=world.schools_a[n % 5],
                                         due_date=datetime.date(2026, 5, 1))
    client = login(world.office_a)
    client.get(reverse("planning:meeting_detail", args=[meeting.pk]))  # caches the navigation's 待办 count
    with django_assert_max_num_queries(25):
        assert client.get(reverse("planning:meeting_detail", args=[meeting.pk])).status_code == 200


def test_post_actions(world, login):
    meeting = make_meeting(world)
    client = login(world.office_a)
    url = reverse("planning:decision_add", args=[meeting.pk])
    response = client.post(url, {"text": "建立整改台账", "owner_label": "督导室", "due_date": "2026-04-30"})
    assert response.status_code == 302 and response.url.endswith("#decisions")
    decision = meeting.decisions.get()
    client.post(url, {"text": "", "owner_label": ""})
    assert meeting.decisions.count() == 1
    client.post(reverse("planning:decision_edit", args=[decision.pk]), {"text": "建立整改台账，销号管理"})
    decision.refresh_from_db()
    assert decision.text == "建立整改台账，销号管理" and decision.due_date is None
    response = client.post(reverse("planning:meeting_minutes", args=[meeting.pk]),
                           {"minutes": "纪要", "file": SimpleUploadedFile("a.docx", b"bad")}, follow=True)
    assert "不是支持的文档" in response.text
    meeting.refresh_from_db()
    assert meeting.minutes == ""
    client.post(reverse("planning:meeting_minutes", args=[meeting.pk]), {"minutes": "纪要正文"})
    meeting.refresh_from_db()
    assert meeting.minutes == "纪要正文"
    response = client.post(reverse("planning:decision_finding", args=[decision.pk]),
                           {"target": f"u:{world.unit_b.pk}", "due_date": "2026-05-01"}, follow=True)
    assert "所选单位不属于甲区" in response.text and not Finding.objects.exists()
    response = client.post(reverse("planning:decision_finding", args=[decision.pk]),
                           {"target": "x:1", "due_date": "2026-05-01"}, follow=True)
    assert "请选择整改对象" in response.text
    response = client.post(reverse("planning:decision_task", args=[decision.pk]),
                           {"section": "999999", "due_date": "2026-05-01"}, follow=True)
    assert "请选择本区域工作要点中的部分" in response.text
    response = client.post(reverse("planning:meeting_delete", args=[meeting.pk]))
    assert response.status_code == 302 and response.url == reverse("planning:meeting_list")
    assert not Meeting.objects.exists()


def test_finding_from_a_decision_on_the_ledger(world, login):
    meeting = make_meeting(world)
    decision = services.decision_add(actor=world.office_a, meeting=meeting, text="甲区第一小学限期整治校门口交通隐患")
    client = login(world.office_a)
    response = client.post(reverse("planning:decision_finding", args=[decision.pk]), {
        "target": f"s:{world.schools_a[0].pk}", "due_date": "2026-05-01", "requirement": "设置护学岗"}, follow=True)
    assert "已列入问题整改" in response.text
    finding = Finding.objects.get()
    assert finding.source == FindingSource.MEETING and finding.school == world.schools_a[0]
    decision.refresh_from_db()
    assert decision.kind == DecisionKind.FINDING
    page = client.get(reverse("planning:meeting_detail", args=[meeting.pk]))
    assert reverse("rectification:finding_detail", args=[finding.pk]) in page.text and "待整改" in page.text
    assert "已转办" in page.text
    ledger = client.get(reverse("rectification:ledger"), {"source": "meeting"})
    assert ledger.status_code == 200 and "甲区第一小学限期整治" in ledger.text and "会议决定" in ledger.text
    detail = client.get(reverse("rectification:finding_detail", args=[finding.pk]))
    assert "会议决定 · 年度工作会议" in detail.text
    # the school sees its finding, with the same source
    school = login(world.principal_a).get(reverse("rectification:finding_detail", args=[finding.pk]))
    assert school.status_code == 200 and "会议决定" in school.text


def test_decision_to_task_shows_the_tasks_derived_status(world, login):
    plan = plan_services.plan_create(actor=world.office_a, region=world.county_a, year=2026, title="甲区2026年工作要点")
    section = plan_services.section_create(actor=world.office_a, plan=plan, title="队伍建设", area="team")
    meeting = make_meeting(world)
    decision = services.decision_add(actor=world.office_a, meeting=meeting, text="开展挂牌督导专项培训")
    client = login(world.office_a)
    page = client.get(reverse("planning:meeting_detail", args=[meeting.pk]))
    assert "甲区2026年工作要点" in page.text and f'<option value="{section.pk}">队伍建设</option>' in page.text
    response = client.post(reverse("planning:decision_task", args=[decision.pk]), {
        "section": section.pk, "owner_user": world.leader_a.pk, "due_date": "2026-03-31"}, follow=True)
    assert "不是本区域督导室的工作人员" in response.text and not PlanTask.objects.exists()
    with time_machine.travel(datetime.datetime(2026, 4, 1, 0, 30, tzinfo=TZ), tick=False):  # 00:30 Beijing
        response = client.post(reverse("planning:decision_task", args=[decision.pk]), {
            "section": section.pk, "owner_user": world.office_a.pk, "owner_label": "", "due_date": "2026-03-31"},
            follow=True)
        assert "已转为甲区2026年工作要点中的工作任务（队伍建设）" in response.text
        task = PlanTask.objects.get()
        assert task.decision == decision and task.owner_user == world.office_a
        cell = response.text.split(f'id="decision-{decision.pk}"')[1].split("</tr>")[0]
        assert reverse("planning:task_detail", args=[task.pk]) in cell and "已逾期" in cell  # due 31 March
    with time_machine.travel(datetime.datetime(2026, 3, 31, 23, 30, tzinfo=TZ), tick=False):  # still 31 March
        page = client.get(reverse("planning:meeting_detail", args=[meeting.pk]))
        cell = page.text.split(f'id="decision-{decision.pk}"')[1].split("</tr>")[0]
        assert "未开始" in cell and "已逾期" not in cell
    leader = login(world.leader_a).get(reverse("planning:meeting_detail", args=[meeting.pk]))
    assert reverse("planning:task_detail", args=[task.pk]) in leader.text


def test_the_task_page_names_its_meeting(world, login):
    plan = plan_services.plan_create(actor=world.office_a, region=world.county_a, year=2026, title="甲区2026年工作要点")
    section = plan_services.section_create(actor=world.office_a, plan=plan, title="督政", area="duzheng")
    meeting = make_meeting(world)
    decision = services.decision_add(actor=world.office_a, meeting=meeting, text="落实督政问题整改")
    task = services.decision_to_task(actor=world.office_a, decision=decision, section=section,
                                     owner_user=world.office_a, due_date=datetime.date(2026, 6, 30))
    page = login(world.leader_a).get(reverse("planning:task_detail", args=[task.pk]))
    assert page.status_code == 200 and "来源会议" in page.text and meeting.title in page.text
    assert reverse("planning:meeting_detail", args=[meeting.pk]) in page.text and "2026年2月20日" in page.text
