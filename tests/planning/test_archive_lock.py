"""归档 and the year lock: who may lock and when; each locked service refuses a change of the archived year with the
Chinese message and changes nothing; the rectification loop goes on; an administrator reopens with a reason and the
change then works; the office cannot reopen."""

import datetime
import uuid

import pytest
import time_machine

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.core.registries import refuse_if_archived
from dudao.frameworks import services as frameworks
from dudao.inspections import services as inspections
from dudao.inspections.models import Inspection
from dudao.planning.models import ArchiveExport, ArchiveTransition, ArchiveYear
from dudao.planning.services import archive
from dudao.quality.models import Round
from dudao.quality.services import rounds as quality_rounds
from dudao.quality.services import scores as quality_scores
from dudao.rectification import notices
from dudao.rectification.models import Finding, RectificationNotice
from dudao.rectification.services import finding_raise
from dudao.surveys import services as surveys
from dudao.surveys.models import AccessCode
from dudao.zones.models import Visit
from dudao.zones.services import assignment_set, visit_submit, zone_save
from tests.planning.archive_data import BJ, frozen_now, make_year
from tests.quality import factories as quality_factories

LOCKED = "属于已归档的年度（甲区2025年度），不能修改"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def march_2026():
    with time_machine.travel(frozen_now(), tick=False):
        yield


def lock_2025(world):
    export = archive.export_now(actor=world.office_a, region=world.county_a, year=2025)
    assert export.status == "done"
    return archive.archive_lock(actor=world.office_a, region=world.county_a, year=2025)


def reopen(world, archived):
    return archive.archive_reopen(actor=world.admin, archive=archived, reason="补录2025年12月漏报的督导纪实")


def test_lock_refusals_and_the_lock_itself(world, media, march_2026):
    make_year(world)
    with pytest.raises(ApplicationError, match="还没有成功导出的档案"):
        archive.archive_lock(actor=world.office_a, region=world.county_a, year=2025)
    with pytest.raises(ApplicationError, match="2026年度尚未结束"):
        archive.archive_lock(actor=world.office_a, region=world.county_a, year=2026)
    export = archive.export_now(actor=world.office_a, region=world.county_a, year=2025)
    for outsider in (world.office_b, world.leader_a, world.principal_a, world.inspector_a):
        with pytest.raises(PermissionDenied):
            archive.archive_lock(actor=outsider, region=world.county_a, year=2025)
    # an export still running: the latest must have finished
    pending = ArchiveExport.objects.create(archive=export.archive, requested_by=world.office_a)
    with pytest.raises(ApplicationError, match="还没有成功导出的档案"):
        archive.archive_lock(actor=world.office_a, region=world.county_a, year=2025)
    pending.delete()
    assert ArchiveYear.objects.get().status == "open"

    archived = archive.archive_lock(actor=world.office_a, region=world.county_a, year=2025)
    assert archived.status == "locked" and archived.locked_at
    move = ArchiveTransition.objects.get(archive=archived)
    assert (move.from_status, move.to_status, move.actor) == ("open", "locked", world.office_a)
    assert AuditLog.objects.get(action="planning.archive_lock").region_code == "990102"
    with pytest.raises(ApplicationError, match="不能变为"):
        archive.archive_lock(actor=world.office_a, region=world.county_a, year=2025)

    # the check: the county and its towns, the year of the day only, not another county
    assert archive.year_locked_reason("990102", datetime.date(2025, 1, 1)) == "甲区2025年度"
    assert archive.year_locked_reason("990102001", datetime.date(2025, 12, 31)) == "甲区2025年度"
    assert archive.year_locked_reason("990102001", datetime.date(2026, 1, 1)) == ""
    assert archive.year_locked_reason("990103001", datetime.date(2025, 6, 1)) == ""
    with pytest.raises(ApplicationError, match=f"大事记{LOCKED}"):
        refuse_if_archived("990102002", datetime.date(2025, 6, 1), "大事记")
    refuse_if_archived("990102002", None, "大事记")  # no date: nothing to refuse


def test_reopen_is_for_administrators_with_a_reason(world, media, march_2026):
    make_year(world)
    archived = lock_2025(world)
    for outsider in (world.office_a, world.leader_a, world.office_b):
        with pytest.raises(PermissionDenied, match="只有系统管理员"):
            archive.archive_reopen(actor=outsider, archive=archived, reason="想改")
    with pytest.raises(ApplicationError, match="请填写重新开放的理由"):
        archive.archive_reopen(actor=world.admin, archive=archived, reason="  ")
    assert ArchiveYear.objects.get().status == "locked"
    opened = reopen(world, archived)
    assert opened.status == "open" and opened.locked_at is None
    move = ArchiveTransition.objects.filter(archive=archived).last()
    assert (move.from_status, move.to_status, move.actor, move.note) == (
        "locked", "open", world.admin, "补录2025年12月漏报的督导纪实")
    record = AuditLog.objects.get(action="planning.archive_reopen")
    assert record.after["reason"] == "补录2025年12月漏报的督导纪实" and record.actor == world.admin
    with pytest.raises(ApplicationError, match="不能变为"):
        reopen(world, opened)
    assert archive.year_locked_reason("990102", datetime.date(2025, 6, 1)) == ""


def test_zones_visits_of_the_archived_year(world, media, march_2026):
    data = make_year(world)
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=data.inspector)
    assignment_set(actor=world.office_a, zone=zone, inspector=data.inspector, school=world.schools_a[0],
                   started_on=datetime.date(2024, 9, 1))
    archived = lock_2025(world)
    when = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=BJ)  # 23:30 Beijing time: 2025
    draft = dict(client_id=uuid.uuid4(), inspector=data.inspector, school=world.schools_a[0], started_at=when,
                 ended_at=when + datetime.timedelta(minutes=20), methods={"lessons": 1}, items=["r1"], narrative="补录。")
    before = Visit.objects.count()
    with pytest.raises(ApplicationError, match=f"督导纪实{LOCKED}"):
        visit_submit(actor=world.inspector_a, **draft)
    assert Visit.objects.count() == before
    # 00:30 Beijing time on 1 January 2026 belongs to 2026: accepted
    new_year = datetime.datetime(2026, 1, 1, 0, 30, tzinfo=BJ)
    visit_submit(actor=world.inspector_a, **{**draft, "client_id": uuid.uuid4(), "started_at": new_year,
                                             "ended_at": new_year + datetime.timedelta(minutes=20)})
    assert Visit.objects.count() == before + 1
    reopen(world, archived)
    visit, created = visit_submit(actor=world.inspector_a, **draft)
    assert created and Visit.objects.count() == before + 2


def test_inspections_of_the_archived_year(world, media, march_2026):
    make_year(world)
    framework = frameworks.framework_freeze(actor=world.office_a, framework=frameworks.framework_from_template(
        actor=world.office_a, region=world.county_a, template_code="zone"))
    project = inspections.inspection_create(actor=world.office_a, county=world.county_a, name="甲区2025年专项督导",
                                            kind="special", framework=framework, year=2025,
                                            starts_on=datetime.date(2025, 11, 1), ends_on=datetime.date(2025, 12, 31))
    archived = lock_2025(world)
    with pytest.raises(ApplicationError, match=f"督导项目{LOCKED}"):
        inspections.notice_number_set(actor=world.office_a, inspection=project, number="甲督〔2025〕9号")
    with pytest.raises(ApplicationError, match=f"督导项目{LOCKED}"):
        inspections.targets_add(actor=world.office_a, inspection=project, schools=world.schools_a[:1])
    with pytest.raises(ApplicationError, match=f"督导项目{LOCKED}"):
        inspections.inspection_advance(actor=world.office_a, inspection=project, to="notified")
    with pytest.raises(ApplicationError, match=f"督导项目{LOCKED}"):
        inspections.inspection_create(actor=world.office_a, county=world.county_a, name="补建项目", kind="special",
                                      framework=framework, year=2025, starts_on=datetime.date(2025, 3, 1),
                                      ends_on=datetime.date(2025, 3, 31))
    project.refresh_from_db()
    assert project.notice_number == "" and not project.targets.exists() and project.stage == "planned"
    assert Inspection.objects.count() == 1
    reopen(world, archived)
    inspections.notice_number_set(actor=world.office_a, inspection=project, number="甲督〔2025〕9号")
    assert Inspection.objects.get().notice_number == "甲督〔2025〕9号"


def test_quality_rounds_of_the_archived_year(world, media, march_2026):
    make_year(world)
    tested_2025 = quality_factories.make_round(world, year=2024, term="spring")  # tested 10 May 2025
    archived = lock_2025(world)
    rows = quality_factories.score_rows(world, schools=world.schools_a[:1])
    with pytest.raises(ApplicationError, match=f"质量监测轮次{LOCKED}"):
        quality_scores.scores_import(actor=world.office_a, round=tested_2025,
                                     data=quality_factories.csv_bytes(rows), filename="成绩.csv")
    with pytest.raises(ApplicationError, match=f"质量监测轮次{LOCKED}"):
        quality_rounds.round_publish(actor=world.office_a, round=tested_2025)
    with pytest.raises(ApplicationError, match=f"质量监测轮次{LOCKED}"):
        quality_factories.service_round(world, year=2024, term="spring", test_date=datetime.date(2025, 6, 1))
    assert Round.objects.count() == 1 and not tested_2025.scores.exists()
    reopen(world, archived)
    quality_factories.service_round(world, year=2024, term="spring", test_date=datetime.date(2025, 6, 1))
    assert Round.objects.count() == 2


def test_survey_rounds_of_the_archived_year(world, media, march_2026):
    make_year(world)
    q = surveys.questionnaire_publish(actor=world.office_a, questionnaire=surveys.questionnaire_from_template(
        actor=world.office_a, county=world.county_a, template_code="parent_school"))
    survey = surveys.round_create(actor=world.office_a, questionnaire=q, name="甲区2025年家长满意度调查", year=2025,
                                  schools=world.schools_a[:2], use_codes=True,
                                  opens_at=datetime.datetime(2025, 5, 1, 8, tzinfo=BJ),
                                  closes_at=datetime.datetime(2025, 5, 30, 18, tzinfo=BJ))
    archived = lock_2025(world)
    with pytest.raises(ApplicationError, match=f"满意度调查{LOCKED}"):
        surveys.codes_generate(actor=world.office_a, survey_round=survey, school=world.schools_a[0], label="一班",
                               count=3)
    with pytest.raises(ApplicationError, match=f"满意度调查{LOCKED}"):
        surveys.round_create(actor=world.office_a, questionnaire=q, name="补建", year=2025, schools=world.schools_a[:1],
                             opens_at=datetime.datetime(2025, 9, 1, 8, tzinfo=BJ),
                             closes_at=datetime.datetime(2025, 9, 5, 8, tzinfo=BJ))
    assert not AccessCode.objects.exists()
    reopen(world, archived)
    assert len(surveys.codes_generate(actor=world.office_a, survey_round=survey, school=world.schools_a[0],
                                      label="一班", count=3)) == 3


def test_findings_of_the_archived_year_keep_their_loop(world, media, march_2026):
    make_year(world)
    finding = finding_raise(actor=world.office_a, source="visit", school=world.schools_a[0], follow_up="report",
                            description="食堂留样记录不全。", raised_at=datetime.datetime(2025, 12, 1, 10, tzinfo=BJ))
    archived = lock_2025(world)
    with pytest.raises(ApplicationError, match=f"问题{LOCKED}"):
        notices.finding_update(actor=world.office_a, finding=finding, description="改写问题描述。")
    assert Finding.objects.get().description == "食堂留样记录不全。"
    # the loop goes on: a new deadline, a notice, its report and verification are not refused
    notices.finding_update(actor=world.office_a, finding=finding, due_date=datetime.date(2026, 4, 30))
    notice = notices.notice_issue(actor=world.office_a, findings=[finding], due_date=datetime.date(2026, 4, 30))
    assert RectificationNotice.objects.get() == notice and Finding.objects.get().due_date == datetime.date(2026, 4, 30)
    reopen(world, archived)
    notices.finding_update(actor=world.office_a, finding=finding, description="改写问题描述。")
    assert Finding.objects.get().description == "改写问题描述。"
