"""约谈 records and 问责 cases: the procedure in order, forms that fit the target, and the 从重 flag."""

import datetime

import pytest
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Notification
from dudao.rectification import accountability as acc
from dudao.rectification.models import AccountabilityCase, Finding, FindingSource, Talk, TalkStatus
from tests.rectification.conftest import evidence, on_the_day

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _on_today():
    with on_the_day(TODAY):
        yield


def _steps_to_defence(case, office, start):
    for k, (step, note) in enumerate([("investigated", "调查组认定属实。"), ("notified", "已送达告知书。"),
                                      ("defended", "放弃申辩。")], start=1):
        case = acc.case_advance(actor=office, case=case, step=step, on=start + datetime.timedelta(days=k), note=note)
    return case


def test_a_talk_is_recorded_and_its_commitments_become_findings(world, ledger):
    talk = acc.talk_propose(actor=world.office_a, reason="多项问题逾期未整改。", findings=ledger.findings)
    due = TODAY + datetime.timedelta(days=30)
    with pytest.raises(ApplicationError, match="被约谈人"):
        acc.talk_hold(actor=world.office_a, talk=talk, held_on=TODAY, conducted_by="区教育督导委员会办公室",
                      persons="", content="指出问题。")
    with pytest.raises(ApplicationError, match="晚于今天"):
        acc.talk_hold(actor=world.office_a, talk=talk, held_on=TODAY, conducted_by="区教育督导委员会办公室",
                      persons="王某（校长）", content="指出问题。", commitments=[("一周内完成食堂整改", TODAY)])
    assert not Finding.objects.filter(source=FindingSource.TALK).exists()
    talk = acc.talk_hold(actor=world.office_a, talk=talk, held_on=TODAY, conducted_by="区教育督导委员会办公室会同区委组织部",
                         persons="王某（校长）", content="指出问题，提出要求。", recipients="区教育局党组",
                         commitments=[("一个月内完成食堂整改", due), ("建立消防通道日查制度", due)],
                         record=evidence("约谈记录.jpg"))
    assert talk.status == TalkStatus.HELD and talk.record is not None
    assert Notification.objects.filter(user=world.principal_a, key=f"talk:{talk.pk}:held").exists()  # sent to the school
    promised = Finding.objects.filter(source=FindingSource.TALK, source_id=str(talk.pk))
    assert promised.count() == 2 and set(promised.values_list("due_date", flat=True)) == {due}
    assert set(talk.findings.values_list("pk", flat=True)) >= set(promised.values_list("pk", flat=True))
    with pytest.raises(ApplicationError, match="已约谈"):
        acc.talk_dismiss(actor=world.office_a, talk=talk, reason="重复。")
    with pytest.raises(PermissionDenied):
        acc.talk_propose(actor=world.office_b, reason="越权。", findings=ledger.findings)


def test_the_procedure_runs_in_order_and_the_decision_fits_the_target(world, ledger):
    start = TODAY - datetime.timedelta(days=20)
    case = acc.case_file(actor=world.office_a, target_kind="person", situation="irregular", facts="违规组织补课。",
                         filed_on=start, school=world.schools_a[0], person_name="王某", person_post="校长",
                         findings=ledger.findings)
    assert case.investigation_due == start + datetime.timedelta(days=60) and not case.severe
    with pytest.raises(ApplicationError, match="陈述申辩之前"):
        acc.case_advance(actor=world.office_a, case=case, step="decided", on=TODAY, decision_form="criticism",
                         decision_basis="依据问责办法。", effective_on=TODAY)
    with pytest.raises(ApplicationError, match="依次进行"):
        acc.case_advance(actor=world.office_a, case=case, step="notified", on=TODAY)
    case = _steps_to_defence(case, world.office_a, start)
    case = acc.case_advance(actor=world.office_a, case=case, step="reviewed", on=TODAY, note="主任委员审定同意。")
    with pytest.raises(ApplicationError, match="只能是"):  # a unit's form for a person
        acc.case_advance(actor=world.office_a, case=case, step="decided", on=TODAY, decision_form="resources",
                         decision_basis="依据问责办法。", effective_on=TODAY)
    case = acc.case_advance(actor=world.office_a, case=case, step="decided", on=TODAY, decision_form="criticism",
                            decision_basis="事实清楚，依据《教育督导问责办法》。", effective_on=TODAY, document=evidence("决定书.jpg"))
    assert case.step == "decided" and case.decided_on == TODAY
    assert list(case.steps.values_list("step", flat=True)) == ["filed", "investigated", "notified", "defended",
                                                                 "reviewed", "decided"]
    with pytest.raises(ApplicationError, match="依次进行"):
        acc.case_advance(actor=world.office_a, case=case, step="decided", on=TODAY)


def test_repeat_accountability_is_flagged_severe(world, ledger):
    school = world.schools_a[0]

    def decided(n):
        start = TODAY - datetime.timedelta(days=100 - n * 30)
        case = acc.case_file(actor=world.office_a, target_kind="unit", situation="safety", facts=f"第{n}次。",
                             filed_on=start, school=school)
        case = _steps_to_defence(case, world.office_a, start)
        case = acc.case_advance(actor=world.office_a, case=case, step="reviewed", on=start + datetime.timedelta(days=4))
        return acc.case_advance(actor=world.office_a, case=case, step="decided", on=start + datetime.timedelta(days=4),
                                decision_form="bulletin", decision_basis="依据。", effective_on=start + datetime.timedelta(days=4))

    first, second = decided(0), decided(1)
    assert not first.severe and not second.severe
    third = acc.case_file(actor=world.office_a, target_kind="unit", situation="safety", facts="第三次。", filed_on=TODAY,
                          school=school, grounds=["obstruction"])
    assert third.severe_grounds == ["obstruction", "repeat"] and "一年内被问责两次及以上" in third.severe_labels
    other = acc.case_file(actor=world.office_a, target_kind="person", situation="safety", facts="个人。", filed_on=TODAY,
                          school=school, person_name="李某", person_post="副校长")
    assert not other.severe  # the school's record is not the person's


def test_bad_filings_are_refused(world, ledger):
    with pytest.raises(ApplicationError, match="民办学校"):
        acc.case_file(actor=world.office_a, target_kind="operator", situation="irregular", facts="x", filed_on=TODAY,
                      school=world.schools_a[0])
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        acc.case_file(actor=world.office_a, target_kind="unit", situation="duty", facts="x",
                      filed_on=TODAY + datetime.timedelta(days=1), unit=world.unit_a)
    with pytest.raises(ApplicationError, match="姓名"):
        acc.case_file(actor=world.office_a, target_kind="person", situation="duty", facts="x", filed_on=TODAY,
                      unit=world.unit_a)
    with pytest.raises(PermissionDenied):
        acc.case_file(actor=world.office_b, target_kind="unit", situation="duty", facts="x", filed_on=TODAY,
                      unit=world.unit_a)
    assert not AccountabilityCase.objects.exists() and not Talk.objects.exists()
