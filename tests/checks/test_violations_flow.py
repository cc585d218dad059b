"""违规查处 (issue 23 item 4): register → verify → decide (penalties, one finding, a credit entry) → close, and the
refusals: a unit that is not responsible, dates in the future, bad amounts, a complaint or check item of another
institution, closing before rectification; who may register."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from dudao.checks.models import (
    AnswerValue,
    CheckAnswer,
    CheckSubmission,
    CreditEntry,
    CreditKind,
    Violation,
    ViolationStatus,
    ViolationTransition,
)
from dudao.checks.services import rounds as round_services
from dudao.checks.services import violations as services
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.rectification.models import Finding, FindingStatus
from dudao.zones.services import complaint_receive
from tests.checks.violations_data import appoint_inspector, cases

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _register(world, c, **extra):
    args = dict(actor=world.office_a, school=c.training, source="department", kind="subject_training",
                description="周末开设初中数学学科类培训班。", found_on=TODAY() - datetime.timedelta(days=3),
                source_note="区市场监管局移送")
    args.update(extra)
    return services.violation_register(**args)


def _verified(world, c, unit=None, **extra):
    v = _register(world, c, **extra)
    return services.violation_verify(actor=world.office_a, violation=v, verification="现场核实属实，有招生简章为证。",
                                     responsible_unit=unit or c.bureau)


def _decide(actor, v, **extra):
    args = dict(actor=actor, violation=v, decision="责令停止违规培训，没收违法所得。", requirement="停止学科类培训并退还费用。",
                penalties=["confiscation", "credit"], decided_on=TODAY(), confiscated_amount="12800.50",
                document_number="甲教罚〔2026〕3号")
    args.update(extra)
    return services.violation_decide(**args)


def test_register_verify_decide_credit_close(world):
    c = cases(world)
    v = _register(world, c)
    assert v.status == ViolationStatus.REGISTERED and v.region_code == c.training.region_id
    v = services.violation_verify(actor=world.office_a, violation=v, verification="属实", responsible_unit=c.bureau)
    assert v.status == ViolationStatus.VERIFIED and v.responsible_unit == c.bureau
    v = _decide(c.bureau_user, v)
    v.refresh_from_db()
    assert v.status == ViolationStatus.DECIDED
    assert v.penalties == ["confiscation", "credit"] and v.confiscated_amount == Decimal("12800.50")
    # one finding, open, in the notice flow, due after the policy's 30 days
    findings = Finding.objects.filter(source="violation", school=c.training)
    assert findings.count() == 1
    finding = findings.get()
    assert v.finding == finding and finding.status == FindingStatus.OPEN and finding.follow_up == "suggestion"
    assert finding.requirement == "停止学科类培训并退还费用。"
    assert finding.due_date == TODAY() + datetime.timedelta(days=30)
    # one negative credit entry, a penalty, saying 记入诚信记录
    entry = CreditEntry.objects.get(school=c.training)
    assert entry.negative and entry.kind == CreditKind.PENALTY and entry.violation == v
    assert "记入诚信记录" in entry.text and "12800.50" in entry.text and "甲教罚〔2026〕3号" in entry.text
    assert [t.to_status for t in ViolationTransition.history(v)] == ["registered", "verified", "decided"]
    assert "甲区教育局作出处理决定" in ViolationTransition.history(v).last().note
    # close refused while the finding is open
    with pytest.raises(ApplicationError, match="整改尚未完成"):
        services.violation_close(actor=world.office_a, violation=v)
    Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.CLOSED)
    v = services.violation_close(actor=world.office_a, violation=v)
    assert v.status == ViolationStatus.CLOSED
    actions = set(AuditLog.objects.filter(object_type="checks.violation").values_list("action", flat=True))
    assert actions == {"checks.violation_create", "checks.violation_verify", "checks.violation_decide",
                       "checks.violation_close"}


def test_decision_without_sanction_is_a_violation_entry_and_office_on_behalf_is_recorded(world):
    c = cases(world)
    v = _verified(world, c)
    v = _decide(world.office_a, v, penalties=["self_check"], confiscated_amount=None, document_number="")
    entry = CreditEntry.objects.get(violation=v)
    assert entry.kind == CreditKind.VIOLATION and entry.negative and "记入诚信记录" not in entry.text
    assert "督导室代甲区教育局录入" in ViolationTransition.history(v).last().note
    assert AuditLog.objects.get(action="checks.violation_decide").after["decided_as"] == "office"


def test_decide_twice_raises_one_finding(world):
    c = cases(world)
    v = _verified(world, c)
    _decide(c.bureau_user, v)
    with pytest.raises(ApplicationError, match="已作出处理决定"):
        _decide(c.bureau_user, Violation.objects.get(pk=v.pk))
    assert Finding.objects.filter(source_type="checks.violation").count() == 1
    assert CreditEntry.objects.count() == 1


def test_unit_that_is_not_responsible_is_refused(world):
    c = cases(world)
    v = _verified(world, c, unit=c.bureau)
    for outsider in (c.market_user, world.town_a, world.principal_a, c.training_user, world.inspector_a):
        with pytest.raises(PermissionDenied, match="不是负责查处的部门"):
            _decide(outsider, Violation.objects.get(pk=v.pk))
    assert Violation.objects.get(pk=v.pk).status == ViolationStatus.VERIFIED
    assert not Finding.objects.exists() and not CreditEntry.objects.exists()


def test_decision_inputs_are_checked(world):
    c = cases(world)
    v = _verified(world, c)
    bad = [
        (dict(decided_on=TODAY() + datetime.timedelta(days=1)), "不能晚于今天"),
        (dict(decided_on=v.found_on - datetime.timedelta(days=1)), "不能早于发现日期"),
        (dict(confiscated_amount="-5"), "大于 0"),
        (dict(confiscated_amount="0"), "大于 0"),
        (dict(confiscated_amount="12.345"), "两位小数"),
        (dict(confiscated_amount="abc"), "应为数字"),
        (dict(confiscated_amount="NaN"), "大于 0"),
        (dict(confiscated_amount="1e30"), "过大"),
        (dict(confiscated_amount=None), "请填写罚没金额"),
        (dict(penalties=["credit"]), "未选择“罚没违法所得”"),
        (dict(penalties=["ban"], confiscated_amount=None), "禁止年限"),
        (dict(penalties=["ban"], confiscated_amount=None, ban_years=11), "禁止年限"),
        (dict(penalties=["credit"], confiscated_amount=None, ban_years=2), "未选择“从业禁止”"),
        (dict(penalties=["discipline"]), "处理方式有误"),
        (dict(decision="  "), "处理决定"),
        (dict(requirement=""), "整改要求"),
        (dict(document_number="号" * 65), "决定文号"),
    ]
    for extra, message in bad:
        with pytest.raises(ApplicationError, match=message):
            _decide(c.bureau_user, Violation.objects.get(pk=v.pk), **extra)
    assert Violation.objects.get(pk=v.pk).status == ViolationStatus.VERIFIED
    assert not Finding.objects.exists() and not CreditEntry.objects.exists()
    v = _decide(c.bureau_user, Violation.objects.get(pk=v.pk), penalties=["ban", "talk"], confiscated_amount="",
                ban_years=3)
    assert v.penalties == ["talk", "ban"] and v.ban_years == 3 and "从业禁止 3 年" in v.credit.get().text


def test_register_refusals(world):
    c = cases(world)
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        _register(world, c, found_on=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="不是民办学校"):
        _register(world, c, school=world.schools_a[0])
    with pytest.raises(PermissionDenied):
        _register(world, c, school=c.training_b)  # district B's institution
    with pytest.raises(PermissionDenied):
        _register(world, c, actor=world.office_b)
    with pytest.raises(ApplicationError, match="移送"):
        _register(world, c, source_note="")
    with pytest.raises(ApplicationError, match="违规事实"):
        _register(world, c, description="\x00  ")
    with pytest.raises(ApplicationError, match="违规类型"):
        _register(world, c, kind="murder")
    assert not Violation.objects.exists()
    # the register form's "school" may be a town or school user: nobody but the office and county inspectors
    for user in (world.principal_a, c.training_user, world.town_a, world.leader_a, c.bureau_user, world.inspector_a):
        with pytest.raises(PermissionDenied):
            _register(world, c, actor=user)


def test_inspector_appointed_in_the_county_may_register_and_follows_it(world):
    c = cases(world)
    appoint_inspector(world)
    v = _register(world, c, actor=world.inspector_a)
    assert Violation.objects.visible_to(world.inspector_a).filter(pk=v.pk).exists()
    with pytest.raises(PermissionDenied):  # but verifying is the office's
        services.violation_verify(actor=world.inspector_a, violation=v, verification="x", responsible_unit=c.bureau)


def test_complaint_source_must_be_about_the_same_institution(world):
    c = cases(world)
    own = complaint_receive(actor=world.office_a, school=c.training, kind="report", channel="hotline",
                            content="该机构周末违规开展数学培训。")
    other = complaint_receive(actor=world.office_a, school=c.private_kg, kind="report", channel="hotline",
                              content="该幼儿园收费不公示。")
    with pytest.raises(ApplicationError, match="请选择来源投诉"):
        _register(world, c, source="complaint")
    with pytest.raises(ApplicationError, match="反映的不是甲区启明培训学校"):
        _register(world, c, source="complaint", complaint=other)
    v = _register(world, c, source="complaint", complaint=own)
    assert v.complaint == own


def test_check_source_must_be_a_failed_item_of_the_same_institution(world):
    c = cases(world)
    inspector = appoint_inspector(world)
    check_round = round_services.round_create(
        actor=world.office_a, region=world.county_a, title="暑期违规补课检查", kind="summer_tutoring",
        starts_on=TODAY() - datetime.timedelta(days=10), ends_on=TODAY(),
        items=[{"text": "是否开展学科类培训", "finding_text": "违规开展学科类培训"}])
    round_services.targets_add(actor=world.office_a, round=check_round, schools=[c.training, c.private_kg],
                               inspector=inspector)
    item = check_round.items.get()
    answers = {}
    for target in check_round.targets.all():
        sub = CheckSubmission.objects.create(target=target, inspector=inspector, submitted_by=world.inspector_a,
                                             submitted_at=timezone.now())
        answers[target.school_id] = CheckAnswer.objects.create(submission=sub, item=item, value=AnswerValue.NO,
                                                               failed=target.school_id == c.training.pk)
    with pytest.raises(ApplicationError, match="不是对甲区启明培训学校的检查结果"):
        _register(world, c, source="check", check_answer=answers[c.private_kg.pk])
    with pytest.raises(ApplicationError, match="合格"):
        _register(world, c, school=c.private_kg, source="check", check_answer=answers[c.private_kg.pk])
    v = _register(world, c, source="check", check_answer=answers[c.training.pk])
    assert v.check_answer == answers[c.training.pk]


def test_verify_refusals_and_unfounded(world):
    c = cases(world)
    v = _register(world, c)
    with pytest.raises(ApplicationError, match="不是本区（县）的督导委员会成员单位"):
        services.violation_verify(actor=world.office_a, violation=v, verification="属实", responsible_unit=c.bureau_b)
    with pytest.raises(ApplicationError, match="不是本区（县）的督导委员会成员单位"):
        services.violation_verify(actor=world.office_a, violation=v, verification="属实", responsible_unit=world.unit_a)
    with pytest.raises(ApplicationError, match="请选择负责查处的部门"):
        services.violation_verify(actor=world.office_a, violation=v, verification="属实", responsible_unit=None)
    with pytest.raises(PermissionDenied):
        services.violation_verify(actor=world.office_b, violation=v, verification="属实", responsible_unit=c.bureau)
    v = services.violation_unfounded(actor=world.office_a, violation=v, verification="经查该机构已停业，举报不属实。")
    assert v.status == ViolationStatus.UNFOUNDED
    assert not CreditEntry.objects.exists() and not Finding.objects.exists()
    with pytest.raises(ApplicationError, match="不能变为"):
        services.violation_verify(actor=world.office_a, violation=v, verification="属实", responsible_unit=c.bureau)


def test_close_refused_before_decision_and_by_others(world):
    c = cases(world)
    v = _verified(world, c)
    with pytest.raises(ApplicationError, match="不能变为"):
        services.violation_close(actor=world.office_a, violation=v)
    v = _decide(c.bureau_user, v)
    Finding.objects.filter(pk=v.finding_id).update(status=FindingStatus.RESOLVED_ON_SITE)
    with pytest.raises(PermissionDenied):
        services.violation_close(actor=c.bureau_user, violation=v)
    assert services.violation_close(actor=world.office_a, violation=v).status == ViolationStatus.CLOSED


@pytest.mark.parametrize("clock", ["00:30", "23:30"])
def test_today_is_the_beijing_day(world, clock):
    """At 00:30 Beijing time (16:30 UTC the day before) and at 23:30, "today" for found_on and decided_on is the
    Beijing date: the Beijing today is accepted, the day after refused."""
    c = cases(world)
    hour, minute = map(int, clock.split(":"))
    beijing = datetime.datetime(2026, 6, 1, hour, minute, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    with time_machine.travel(beijing, tick=False):
        today = datetime.date(2026, 6, 1)
        assert timezone.localdate() == today
        with pytest.raises(ApplicationError, match="不能晚于今天"):
            _register(world, c, found_on=today + datetime.timedelta(days=1))
        v = _verified(world, c, found_on=today)
        with pytest.raises(ApplicationError, match="不能晚于今天"):
            _decide(c.bureau_user, v, decided_on=today + datetime.timedelta(days=1))
        v = _decide(c.bureau_user, Violation.objects.get(pk=v.pk), decided_on=today)
        assert v.finding.due_date == datetime.date(2026, 7, 1)
