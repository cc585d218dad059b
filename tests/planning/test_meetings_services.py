"""Meeting services: a meeting with attendees of its region, minutes (text, a file replacing the link while the old
row stays), decisions, a decision turned into a plan task or a finding (once), the refusals (another county's
attendee or target, a finding without a target, a second conversion, deleting a meeting whose decisions are
tracked, an archived year — Beijing day of the start), and the audit records."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.core import registries
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.documents.models import StoredFile
from dudao.planning.models import (
    DecisionKind,
    Meeting,
    MeetingDecision,
    Plan,
    PlanSection,
    PlanTask,
    WorkArea,
)
from dudao.planning.services import meetings as services
from dudao.rectification.models import Finding, FindingSource, FindingStatus

TZ = timezone.get_current_timezone()


def at(y, m, d, hh=9, mm=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


def docx_bytes(text: str = "会议纪要") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_meeting(world, **extra) -> Meeting:
    fields = dict(actor=world.office_a, region=world.county_a, kind="annual", title="甲区2026年度教育督导工作会议",
                  starts_at=at(2026, 2, 20), place="区教育局三楼会议室", host="督导室主任",
                  attendee_users=[world.office_a.pk, world.leader_a.pk], attendee_units=[world.unit_a.pk],
                  agenda="总结上年工作\n部署本年工作")
    fields.update(extra)
    return services.meeting_create(**fields)


@pytest.fixture
def plan_section(world) -> PlanSection:
    plan = Plan.objects.create(region=world.county_a, year=2026, title="甲区2026年教育督导工作要点",
                               created_by=world.office_a)
    return PlanSection.objects.create(plan=plan, order=1, title="队伍建设", area=WorkArea.TEAM)


def test_create_with_attendees_of_the_region(world):
    meeting = make_meeting(world, attendee_users=[str(world.office_a.pk), world.leader_a.pk, world.leader_a.pk])
    assert meeting.region_id == "990102" and meeting.created_by == world.office_a
    assert set(meeting.attendee_users.all()) == {world.office_a, world.leader_a}
    assert list(meeting.attendee_units.all()) == [world.unit_a]
    log = AuditLog.objects.get(action="planning.meeting_create")
    assert log.object_id == str(meeting.pk) and log.region_code == "990102"
    assert log.after["attendee_units"] == [world.unit_a.pk] and log.after["title"] == meeting.title


def test_a_naive_start_is_beijing_time(world):
    meeting = make_meeting(world, starts_at=datetime.datetime(2026, 3, 1, 0, 30))
    assert meeting.starts_at == datetime.datetime(2026, 2, 28, 16, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize("field,value,message", [
    ("attendee_units", "unit_b", "不属于甲区"),
    ("attendee_users", "office_b", "不是甲区的工作人员"),
    ("attendee_users", "principal_a", "不是甲区的工作人员"),
    ("attendee_users", "abc", "编号“abc”无效"),
])
def test_attendees_outside_the_region_are_refused(world, field, value, message):
    posted = getattr(world, value).pk if hasattr(world, value) else value
    with pytest.raises(ApplicationError) as exc:
        make_meeting(world, **{field: [posted]})
    assert message in exc.value.message
    assert not Meeting.objects.exists() and not AuditLog.objects.filter(action__startswith="planning.").exists()


def test_town_meeting_lists_the_county_office_but_not_another_towns_unit(world):
    town = world.unit_a.region  # 甲二镇
    meeting = make_meeting(world, region=town, attendee_users=[world.office_a.pk], attendee_units=[world.unit_a.pk])
    assert meeting.region == town
    other = type(world.unit_a).objects.create(code="UA02", name="甲一街道办事处", kind="subdistrict",
                                              region_id="990102001")
    with pytest.raises(ApplicationError, match="不属于甲二镇"):
        make_meeting(world, region=town, attendee_units=[other.pk])


@pytest.mark.parametrize("kwargs,message", [
    ({"title": "  "}, "请填写会议名称"), ({"kind": "party"}, "请选择会议类型"), ({"starts_at": None}, "开始时间"),
    ({"title": "长" * 201}, "会议名称过长"), ({"region": None}, "所属区域"),
])
def test_bad_input(world, kwargs, message):
    with pytest.raises(ApplicationError, match=message):
        make_meeting(world, **kwargs)
    assert not Meeting.objects.exists()


def test_only_the_regions_office_writes(world):
    for user in (world.office_b, world.leader_a, world.principal_a):
        with pytest.raises(PermissionDenied):
            make_meeting(world, actor=user)
    meeting = make_meeting(world)
    with pytest.raises(PermissionDenied):
        services.decision_add(actor=world.leader_a, meeting=meeting, text="决定")
    with pytest.raises(PermissionDenied):
        services.minutes_set(actor=world.office_b, meeting=meeting, text="纪要")


def test_update_keeps_region_and_audits(world):
    meeting = make_meeting(world)
    services.meeting_update(actor=world.office_a, meeting=meeting, kind="committee", title="督导委员会会议",
                            starts_at=at(2026, 6, 18, 15), attendee_users=[world.leader_a.pk], attendee_units=[])
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.title, meeting.place) == ("committee", "督导委员会会议", "")
    assert list(meeting.attendee_users.all()) == [world.leader_a] and not meeting.attendee_units.exists()
    log = AuditLog.objects.get(action="planning.meeting_update")
    assert log.before["kind"] == "annual" and log.after["kind"] == "committee"
    assert sorted(log.before["attendee_users"]) == sorted([world.office_a.pk, world.leader_a.pk])
    with pytest.raises(ApplicationError, match="不属于甲区"):
        services.meeting_update(actor=world.office_a, meeting=meeting, kind="committee", title="x",
                                starts_at=at(2026, 6, 18), attendee_units=[world.unit_b.pk])
    meeting.refresh_from_db()
    assert meeting.title == "督导委员会会议"


def test_minutes_text_and_files(world):
    meeting = make_meeting(world)
    services.minutes_set(actor=world.office_a, meeting=meeting, text="  会议决定三项。 ")
    meeting.refresh_from_db()
    assert meeting.minutes == "会议决定三项。" and meeting.minutes_file is None
    services.minutes_set(actor=world.office_a, meeting=meeting,
                         upload=SimpleUploadedFile("纪要.docx", docx_bytes(), content_type="application/octet-stream"))
    meeting.refresh_from_db()
    first = meeting.minutes_file
    assert first.original_name == "纪要.docx" and first.content_type.endswith("wordprocessingml.document")
    assert meeting.minutes == "会议决定三项。"  # text None: unchanged
    services.minutes_set(actor=world.office_a, meeting=meeting, text="",
                         upload=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n"))
    meeting.refresh_from_db()
    assert meeting.minutes_file.original_name == "纪要.pdf" and meeting.minutes == ""
    assert StoredFile.objects.filter(pk=first.pk).exists()  # the old row stays
    assert AuditLog.objects.filter(action="planning.minutes_set").count() == 3


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("纪要.docx", b"not a word file"), "不是支持的文档"),
    (SimpleUploadedFile("纪要.pdf", b""), "空文件"),
    (SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40), "不是支持的文档"),
])
def test_minutes_file_checked_by_content(world, upload, message):
    meeting = make_meeting(world)
    services.minutes_set(actor=world.office_a, meeting=meeting, text="原纪要")
    with pytest.raises(ApplicationError, match=message):
        services.minutes_set(actor=world.office_a, meeting=meeting, text="新纪要", upload=upload)
    meeting.refresh_from_db()
    assert meeting.minutes == "原纪要" and meeting.minutes_file is None and not StoredFile.objects.exists()


def test_minutes_needs_something(world):
    with pytest.raises(ApplicationError, match="请填写会议纪要或上传纪要文件"):
        services.minutes_set(actor=world.office_a, meeting=make_meeting(world))


def test_decisions_add_update_delete(world):
    meeting = make_meeting(world)
    first = services.decision_add(actor=world.office_a, meeting=meeting, text="开展挂牌督导培训", owner_label="督导室",
                                  due_date=datetime.date(2026, 11, 30))
    second = services.decision_add(actor=world.office_a, meeting=meeting, text="建立整改台账")
    assert (first.order, second.order, first.kind) == (1, 2, DecisionKind.NOTE)
    services.decision_update(actor=world.office_a, decision=second, text="建立整改台账，销号管理", owner_label="各责任区",
                             due_date=datetime.date(2026, 4, 30))
    second.refresh_from_db()
    assert (second.text, second.owner_label, second.due_date) == ("建立整改台账，销号管理", "各责任区",
                                                                   datetime.date(2026, 4, 30))
    with pytest.raises(ApplicationError, match="不能早于会议日期（2026年2月20日）"):
        services.decision_add(actor=world.office_a, meeting=meeting, text="x", due_date=datetime.date(2026, 2, 19))
    with pytest.raises(ApplicationError, match="请填写决定事项"):
        services.decision_add(actor=world.office_a, meeting=meeting, text=" ")
    services.decision_delete(actor=world.office_a, decision=first)
    assert list(meeting.decisions.values_list("text", flat=True)) == ["建立整改台账，销号管理"]
    assert {"planning.decision_add", "planning.decision_update", "planning.decision_delete"} <= set(
        AuditLog.objects.values_list("action", flat=True))


def test_decision_to_finding_once(world):
    meeting = make_meeting(world)
    decision = services.decision_add(actor=world.office_a, meeting=meeting, text="甲二镇限期整治学校周边交通隐患",
                                     owner_label="甲二镇人民政府")
    finding = services.decision_to_finding(actor=world.office_a, decision=decision, unit=world.unit_a.pk,
                                           due_date=datetime.date(2026, 4, 30), requirement="设置护学岗。")
    assert (finding.source, finding.source_type, finding.source_id) == (
        FindingSource.MEETING, "planning.decision", str(decision.pk))
    assert finding.get_source_display() == "会议决定" and finding.unit == world.unit_a
    assert (finding.region_code, finding.status, finding.due_date) == ("990102002", FindingStatus.OPEN,
                                                                       datetime.date(2026, 4, 30))
    assert (finding.description, finding.requirement, finding.responsible_person, finding.category_label) == (
        "甲二镇限期整治学校周边交通隐患", "设置护学岗。", "甲二镇人民政府", "年度工作会议")
    decision.refresh_from_db()
    assert decision.kind == DecisionKind.FINDING and decision.finding == finding
    assert AuditLog.objects.filter(action="planning.decision_to_finding", object_id=str(decision.pk)).exists()
    with pytest.raises(ApplicationError, match="已列入问题整改，不能重复转办"):
        services.decision_to_finding(actor=world.office_a, decision=decision, school=world.schools_a[0],
                                     due_date=datetime.date(2026, 4, 30))
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.decision_update(actor=world.office_a, decision=decision, text="改")
    with pytest.raises(ApplicationError, match="不能删除"):
        services.decision_delete(actor=world.office_a, decision=decision)
    assert Finding.objects.count() == 1


@pytest.mark.parametrize("target,message", [
    ({}, "请选择一所学校或一个政府单位"),
    ({"school": "s0", "unit": "u"}, "请选择一所学校或一个政府单位"),
    ({"school": "sb"}, "所选学校不属于甲区"),
    ({"unit": "ub"}, "所选单位不属于甲区"),
    ({"school": "s0", "due_date": None}, "请填写整改期限"),
    ({"school": "s0", "due_date": datetime.date(2026, 1, 1)}, "不能早于会议日期"),
])
def test_decision_to_finding_refusals(world, target, message):
    objects = {"s0": world.schools_a[0], "sb": world.schools_b[0], "u": world.unit_a, "ub": world.unit_b}
    decision = services.decision_add(actor=world.office_a, meeting=make_meeting(world), text="整改")
    kwargs = {"due_date": datetime.date(2026, 5, 1)} | {k: objects.get(v, v) for k, v in target.items()}
    with pytest.raises(ApplicationError, match=message):
        services.decision_to_finding(actor=world.office_a, decision=decision, **kwargs)
    decision.refresh_from_db()
    assert decision.kind == DecisionKind.NOTE and not Finding.objects.exists()


def test_decision_to_task_once(world, plan_section):
    meeting = make_meeting(world)
    decision = services.decision_add(actor=world.office_a, meeting=meeting, text="开展挂牌督导专项培训", owner_label="督导室")
    task = services.decision_to_task(actor=world.office_a, decision=decision, section=plan_section,
                                     owner_user=world.office_a, due_date=datetime.date(2026, 11, 30))
    assert task.decision == decision and task.section == plan_section and task.plan == plan_section.plan
    assert (task.text, task.owner_user, task.due_date) == ("开展挂牌督导专项培训", world.office_a,
                                                           datetime.date(2026, 11, 30))
    decision.refresh_from_db()
    assert decision.kind == DecisionKind.TASK and decision.due_date == datetime.date(2026, 11, 30)
    with pytest.raises(ApplicationError, match="已转为工作任务，不能重复转办"):
        services.decision_to_task(actor=world.office_a, decision=decision, section=plan_section,
                                  owner_user=world.office_a, due_date=datetime.date(2026, 11, 30))
    with pytest.raises(ApplicationError, match="已转为工作任务，不能重复转办"):
        services.decision_to_finding(actor=world.office_a, decision=decision, school=world.schools_a[0],
                                     due_date=datetime.date(2026, 5, 1))
    assert PlanTask.objects.count() == 1 and not Finding.objects.exists()


def test_decision_to_task_of_another_countys_plan(world, plan_section):
    other = Plan.objects.create(region=world.county_b, year=2026, title="乙县要点", created_by=world.office_b)
    section = PlanSection.objects.create(plan=other, order=1, title="督政")
    decision = services.decision_add(actor=world.office_a, meeting=make_meeting(world), text="x")
    with pytest.raises(ApplicationError, match="只能转为本区域工作要点中的任务"):
        services.decision_to_task(actor=world.office_a, decision=decision, section=section,
                                  owner_user=world.office_a, due_date=datetime.date(2026, 11, 30))
    with pytest.raises(ApplicationError, match="请填写完成期限"):
        services.decision_to_task(actor=world.office_a, decision=decision, section=plan_section,
                                  owner_user=world.office_a, due_date=None)
    assert not PlanTask.objects.exists()


def test_delete_refused_while_decisions_are_tracked(world):
    meeting = make_meeting(world)
    services.decision_add(actor=world.office_a, meeting=meeting, text="仅记录的决定")
    tracked = services.decision_add(actor=world.office_a, meeting=meeting, text="整改")
    services.decision_to_finding(actor=world.office_a, decision=tracked, school=world.schools_a[0],
                                 due_date=datetime.date(2026, 5, 1))
    with pytest.raises(ApplicationError, match="1 项已列入问题整改，不能删除会议"):
        services.meeting_delete(actor=world.office_a, meeting=meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    plain = make_meeting(world, title="督导组工作会")
    services.decision_add(actor=world.office_a, meeting=plain, text="记录")
    services.meeting_delete(actor=world.office_a, meeting=plain)
    assert not Meeting.objects.filter(pk=plain.pk).exists() and MeetingDecision.objects.count() == 2
    assert AuditLog.objects.get(action="planning.meeting_delete").before["decisions"] == ["记录"]


@pytest.fixture
def lock_2025():
    """Archive 甲区's 2025 (as the archive part's register_year_lock will), unregistered afterwards."""
    def check(region_code: str, day: datetime.date) -> str:
        return "2025年度督导档案已归档" if region_code.startswith("990102") and day.year == 2025 else ""

    registries.register_year_lock(check)
    yield check
    registries._YEAR_LOCKS.remove(check)


def test_archived_year_is_refused(world, lock_2025):
    # 2026-01-01 00:30 Beijing is still 2025 in UTC: the Beijing day (2026) decides, so it is allowed
    open_meeting = make_meeting(world, starts_at=at(2026, 1, 1, 0, 30))
    assert open_meeting.pk
    # 2025-12-31 23:30 Beijing is 2025: refused, though in UTC it is the same day
    with pytest.raises(ApplicationError, match="会议属于已归档的年度（2025年度督导档案已归档）"):
        make_meeting(world, starts_at=at(2025, 12, 31, 23, 30))
    with pytest.raises(ApplicationError, match="已归档"):  # moving an open meeting into the archived year
        services.meeting_update(actor=world.office_a, meeting=open_meeting, kind="annual", title="x",
                                starts_at=at(2025, 12, 31, 23, 30))
    registries._YEAR_LOCKS.remove(lock_2025)
    old = make_meeting(world, title="2025年会议", starts_at=at(2025, 12, 31, 23, 30))
    decision = services.decision_add(actor=world.office_a, meeting=old, text="决定")
    registries.register_year_lock(lock_2025)
    for write in (
        lambda: services.decision_add(actor=world.office_a, meeting=old, text="再加一项"),
        lambda: services.decision_update(actor=world.office_a, decision=decision, text="改"),
        lambda: services.decision_delete(actor=world.office_a, decision=decision),
        lambda: services.decision_to_finding(actor=world.office_a, decision=decision, school=world.schools_a[0],
                                             due_date=datetime.date(2026, 1, 31)),
        lambda: services.minutes_set(actor=world.office_a, meeting=old, text="纪要"),
        lambda: services.meeting_delete(actor=world.office_a, meeting=old),
        lambda: services.meeting_update(actor=world.office_a, meeting=old, kind="annual", title="改到2026年",
                                        starts_at=at(2026, 1, 5)),
    ):
        with pytest.raises(ApplicationError, match="已归档"):
            write()
    old.refresh_from_db()
    assert old.title == "2025年会议" and old.decisions.count() == 1 and not Finding.objects.exists()
