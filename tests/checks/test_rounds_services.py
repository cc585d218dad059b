"""专项检查 round services: creation and every refusal, the workflow, targets by rule and their assignment to the
责任督学, reassigning and removing a target, the office's checklist templates."""

import datetime

import pytest

from dudao.checks.models import CheckItem, CheckRound, CheckTarget, RoundStatus, RoundTransition, TargetStatus
from dudao.checks.services import rounds as services
from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog
from dudao.schools.models import School
from tests.checks.rounds_fixtures import ITEMS, crew_fixture, make_round  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_round_create_keeps_the_checklist_in_order_and_audits(world):
    check_round = make_round(world)
    items = list(check_round.items.order_by("order"))
    assert [i.text for i in items] == ["消防器材在有效期内", "最大班额", "其他情况"]
    assert items[0].veto and items[0].photo_required and items[1].number_max == 45
    assert items[2].finding_text == "" and not items[2].veto
    assert check_round.status == RoundStatus.DRAFT
    assert RoundTransition.objects.filter(round=check_round, to_status="draft").count() == 1
    assert AuditLog.objects.filter(action="checks.round_create", object_id=str(check_round.pk)).exists()


@pytest.mark.parametrize(("items", "message"), [
    ([], "至少需要一个检查项"),
    ([{"text": "  ", "finding_text": "x"}], "没有填写检查内容"),
    ([{"text": "消防", "answer_kind": "yes_no"}], "没有填写不合格时登记的问题"),
    ([{"text": "班额", "answer_kind": "number", "finding_text": "x", "number_min": "50", "number_max": "45"}],
     "下限大于上限"),
    ([{"text": "班额", "answer_kind": "number", "finding_text": "x", "number_max": "四十五"}], "不是数字"),
    ([{"text": "班额", "answer_kind": "number", "finding_text": "x", "number_max": "NaN"}], "超出范围"),
    ([{"text": "消防", "finding_text": "x", "severity": "9"}], "严重程度"),
    ([{"text": "消防", "finding_text": "x", "answer_kind": "photo"}], "填写方式"),
    ([{"text": "消防", "finding_text": "x"}] * 101, "最多"),
])
def test_round_create_refuses_bad_checklists(world, items, message):
    with pytest.raises(ApplicationError, match=message):
        make_round(world, items=items)
    assert not CheckRound.objects.exists() and not CheckItem.objects.exists()


def test_round_create_refuses_bad_heads_and_other_districts(world):
    with pytest.raises(ApplicationError, match="结束日期不能早于开始日期"):
        make_round(world, starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="请填写检查名称"):
        make_round(world, title=" \x00 ")
    with pytest.raises(ApplicationError, match="未知的检查类别"):
        services.round_create(actor=world.office_a, region=world.county_a, title="t", kind="bogus",
                              starts_on=TODAY, ends_on=TODAY, items=ITEMS)
    with pytest.raises(ApplicationError, match="督导室"):
        services.round_create(actor=world.office_b, region=world.county_a, title="t", kind="exam",
                              starts_on=TODAY, ends_on=TODAY, items=ITEMS)
    with pytest.raises(ApplicationError, match="督导室"):
        services.round_create(actor=world.principal_a, region=world.county_a, title="t", kind="exam",
                              starts_on=TODAY, ends_on=TODAY, items=ITEMS)
    assert not CheckRound.objects.exists()


def test_nul_and_html_text_is_kept_as_text(world):
    check_round = make_round(world, title="<script>alert(1)</script>\x00检查",
                             items=[{"text": "<b>x</b>\x00", "finding_text": "问题\x00"}])
    assert check_round.title == "<script>alert(1)</script>检查"
    assert check_round.items.get().text == "<b>x</b>" and check_round.items.get().finding_text == "问题"


def test_targets_go_to_each_schools_responsible_inspector(world, crew):
    check_round = make_round(world)
    added = services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a)
    assert added == 5
    by_school = dict(CheckTarget.objects.filter(round=check_round).values_list("school_id", "inspector_id"))
    assert {by_school[s.pk] for s in world.schools_a[:3]} == {crew.inspector.pk}
    assert {by_school[s.pk] for s in world.schools_a[3:]} == {None}  # no 责任督学: flagged on the page
    assert services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a[:2]) == 0
    named = make_round(world, title="指定督学")
    services.targets_add(actor=world.office_a, round=named, schools=world.schools_a[:2], inspector=crew.other)
    assert set(named.targets.values_list("inspector_id", flat=True)) == {crew.other.pk}


def test_targets_refuse_other_districts_schools_and_inspectors(world, crew):
    check_round = make_round(world)
    with pytest.raises(ApplicationError, match="不在"):
        services.targets_add(actor=world.office_a, round=check_round, schools=[world.schools_a[0], world.schools_b[0]])
    with pytest.raises(ApplicationError, match="不是甲区聘任的督学"):
        services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a, inspector=crew.foreign)
    with pytest.raises(ApplicationError, match="督导室"):
        services.targets_add(actor=world.office_b, round=check_round, schools=world.schools_a)
    crew.other.status = "exited"
    crew.other.save()
    with pytest.raises(ApplicationError, match="不在岗"):
        services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a, inspector=crew.other)
    assert not CheckTarget.objects.exists()


def test_targets_by_rule_store_the_rule_and_the_seed(world, crew):
    check_round = make_round(world)
    assert services.targets_select(actor=world.office_a, round=check_round, rule="type", types=["primary"]) == 2
    check_round.refresh_from_db()
    assert check_round.target_rule == "type" and check_round.target_params["types"] == ["primary"]
    town = make_round(world, title="按乡镇")
    assert services.targets_select(actor=world.office_a, round=town, rule="town", towns=["990102002"]) == 2
    sampled = make_round(world, title="抽查")
    assert services.targets_select(actor=world.office_a, round=sampled, rule="sample", size=3) == 3
    sampled.refresh_from_db()
    seed = sampled.target_params["seed"]
    again = make_round(world, title="抽查复现")
    services.targets_select(actor=world.office_a, round=again, rule="sample", size=3, seed=seed)
    assert set(again.targets.values_list("school_id", flat=True)) == set(sampled.targets.values_list("school_id",
                                                                                                    flat=True))


def test_typed_list_is_all_or_nothing_with_chinese_errors(world, crew):
    check_round = make_round(world)
    codes = f"{world.schools_a[0].code}\n{world.schools_a[1].code}，{world.schools_b[0].code} 12345"
    with pytest.raises(ApplicationError, match=r"以下 2 个学校标识码不是本区划的学校：1990103001、12345；全部未添加"):
        services.targets_select(actor=world.office_a, round=check_round, rule="list", codes=codes)
    assert not CheckTarget.objects.exists()
    ok = f"{world.schools_a[0].code} {world.schools_a[1].code} {world.schools_a[1].code}"
    assert services.targets_select(actor=world.office_a, round=check_round, rule="list", codes=ok) == 2


def test_training_rule_and_refusals(world, crew):
    training = School.objects.create(code="5990102001", name="甲区启航培训学校", school_type="training",
                                     ownership="private", urban_rural="urban", region_id="990102001")
    check_round = make_round(world)
    assert services.targets_select(actor=world.office_a, round=check_round, rule="training") == 1
    assert check_round.targets.get().school == training
    with pytest.raises(ApplicationError, match="不在本次检查的区划内"):
        services.targets_select(actor=world.office_a, round=check_round, rule="town", towns=["990103001"])
    with pytest.raises(ApplicationError, match="没有找到学校"):
        services.targets_select(actor=world.office_a, round=check_round, rule="type", types=["senior"])
    with pytest.raises(ApplicationError, match="未知的检查对象确定方式"):
        services.targets_select(actor=world.office_a, round=check_round, rule="everything")
    with pytest.raises(ApplicationError, match="不能超过"):
        services.targets_select(actor=world.office_a, round=check_round, rule="sample", size=10**9, seed=1)


def test_workflow_open_close_reopen_and_refusals(world, crew):
    check_round = make_round(world)
    with pytest.raises(ApplicationError, match="还没有检查对象"):
        services.round_open(actor=world.office_a, round=check_round)
    with pytest.raises(ApplicationError, match="不能变为"):
        services.round_close(actor=world.office_a, round=check_round)
    services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a[:2])
    with pytest.raises(ApplicationError, match="督导室"):
        services.round_open(actor=world.office_b, round=check_round)
    services.round_open(actor=world.office_a, round=check_round)
    with pytest.raises(ApplicationError, match="已开始"):
        services.round_update(actor=world.office_a, round=check_round, title="改", kind="exam", starts_on=TODAY,
                              ends_on=TODAY, items=ITEMS)
    services.round_close(actor=world.office_a, round=check_round)
    with pytest.raises(ApplicationError, match="已结束"):
        services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a[2:3])
    with pytest.raises(ApplicationError, match="须填写原因"):
        services.round_reopen(actor=world.office_a, round=check_round, note=" ")
    services.round_reopen(actor=world.office_a, round=check_round, note="补查两所学校")
    check_round.refresh_from_db()
    assert check_round.status == RoundStatus.OPEN
    moves = list(RoundTransition.objects.filter(round=check_round).values_list("from_status", "to_status"))
    assert moves == [("", "draft"), ("draft", "open"), ("open", "closed"), ("closed", "open")]
    assert AuditLog.objects.filter(action="checks.round_reopen").get().after["note"] == "补查两所学校"


def test_round_update_replaces_the_checklist_in_draft(world):
    check_round = make_round(world)
    services.round_update(actor=world.office_a, round=check_round, title="新名称", kind="exam", starts_on=TODAY,
                          ends_on=TODAY, items=list(reversed(ITEMS)))
    assert [i.text for i in check_round.items.order_by("order")] == ["其他情况", "最大班额", "消防器材在有效期内"]
    with pytest.raises(ApplicationError, match="至少需要一个"):
        services.round_update(actor=world.office_a, round=check_round, title="x", kind="exam", starts_on=TODAY,
                              ends_on=TODAY, items=[])
    assert check_round.items.count() == 3


def test_reassign_and_remove_a_target(world, crew):
    check_round = make_round(world)
    services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a)
    free = CheckTarget.objects.get(round=check_round, school=world.schools_a[4])
    services.target_reassign(actor=world.office_a, target=free, inspector=crew.other)
    assert CheckTarget.objects.get(pk=free.pk).inspector == crew.other
    with pytest.raises(ApplicationError, match="不是甲区聘任的督学"):
        services.target_reassign(actor=world.office_a, target=free, inspector=crew.foreign)
    with pytest.raises(ApplicationError, match="督导室"):
        services.target_reassign(actor=world.office_b, target=free, inspector=None)
    done = CheckTarget.objects.get(round=check_round, school=world.schools_a[0])
    CheckTarget.objects.filter(pk=done.pk).update(status=TargetStatus.DONE)
    with pytest.raises(ApplicationError, match="已检查，不能移除"):
        services.target_remove(actor=world.office_a, target=done)
    with pytest.raises(ApplicationError, match="已检查，不能再调整"):
        services.target_reassign(actor=world.office_a, target=done, inspector=crew.other)
    services.target_remove(actor=world.office_a, target=free)
    assert not CheckTarget.objects.filter(pk=free.pk).exists()
    assert AuditLog.objects.filter(action="checks.target_remove").count() == 1


def test_templates_copy_edit_and_scope(world):
    template = services.template_copy(actor=world.office_a, region=world.county_a, code="canteen")
    assert template.region == world.county_a and len(template.items) == 9 and "样例" not in template.title
    items = template.items[:2] + [{"text": "新增：燃气报警器正常", "finding_text": "燃气报警器不正常"}]
    services.template_save(actor=world.office_a, template=template, title="食堂检查", kind="canteen",
                           description="", items=items)
    template.refresh_from_db()
    assert len(template.items) == 3 and template.items[2]["text"] == "新增：燃气报警器正常"
    with pytest.raises(ApplicationError, match="督导室"):
        services.template_save(actor=world.office_b, template=template, title="x", kind="canteen", description="",
                               items=items)
    with pytest.raises(ApplicationError, match="没有这个检查清单样例"):
        services.template_copy(actor=world.office_a, region=world.county_a, code="../../etc")
    with pytest.raises(ApplicationError, match="督导室"):
        services.template_copy(actor=world.office_b, region=world.county_a, code="canteen")
    check_round = services.round_create(actor=world.office_a, region=world.county_a, title="食堂", kind="canteen",
                                        starts_on=TODAY, ends_on=TODAY, items=template.items, template=template)
    assert check_round.items.count() == 3 and check_round.template == template
    with pytest.raises(ApplicationError, match="其他区划"):
        services.round_create(actor=world.office_b, region=world.county_b, title="食堂", kind="canteen",
                              starts_on=TODAY, ends_on=TODAY, items=template.items, template=template)
