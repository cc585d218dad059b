"""inspections' to-do sources of area "todo-b": the target's self-assessment (自评), the office's review of the
materials (材料审核) and its answers to appeals (申辩). Each item leaves the list once the real service has run."""

import datetime

import pytest
import time_machine

from dudao.inspections import opinions, services
from dudao.inspections.todo import appeals_to_answer, materials_to_review, self_assessments
from tests.dashboard.todo_b_helpers import beijing, queries, rows
from tests.inspections.conftest import LEAVES, expert_user, go, project  # noqa: F401 -- fixtures

pytestmark = pytest.mark.django_db


def _ready(world, project, schools):  # noqa: F811
    targets = services.targets_add(actor=world.office_a, inspection=project, schools=schools)
    for target in targets:
        services.team_assign(actor=world.office_a, target=target, user=world.inspector_a, role="leader")
    services.notice_number_set(actor=world.office_a, inspection=project, number=f"甲督〔2026〕{project.pk}号")
    return targets


def test_the_principal_self_assesses_until_scores_and_report_are_in(world, project):  # noqa: F811
    target = _ready(world, project, world.schools_a[:2])[0]
    go(world, project, "notified", "self")
    [row] = rows(world.principal_a, "inspections.self")
    assert row.todo.title == f"填写自评（已自评 0/{len(LEAVES)} 项）"
    assert row.todo.object == f"{target} · {project.name}"
    assert row.todo.url == f"/inspections/targets/{target.pk}/"
    assert row.todo.due == datetime.date(2026, 12, 31) and row.todo.region_code == target.region_code
    # the inspector (the school is in their scope) and the other district have nothing to self-assess
    assert rows(world.inspector_a, "inspections.self") == [] and rows(world.office_b, "inspections.self") == []
    for leaf in LEAVES:
        services.self_score_record(actor=world.principal_a, target=target, leaf=leaf, value="A")
    [row] = rows(world.principal_a, "inspections.self")
    assert row.todo.title == "提交自评报告和佐证材料"
    services.materials_submit(actor=world.principal_a, target=target, report="我校自评报告……")
    assert rows(world.principal_a, "inspections.self") == []


def test_the_office_reviews_materials_until_it_has_commented(world, project):  # noqa: F811
    targets = _ready(world, project, world.schools_a[:1])
    go(world, project, "notified", "self", "review")
    [row] = rows(world.office_a, "inspections.review")
    assert row.todo.title == "审核自评材料" and row.todo.url == f"/inspections/targets/{targets[0].pk}/"
    assert rows(world.office_b, "inspections.review") == [] and rows(world.leader_a, "inspections.review") == []
    services.materials_review(actor=world.office_a, target=targets[0], note="材料齐全")
    assert rows(world.office_a, "inspections.review") == []


def test_query_counts_stay_constant(world, project):  # noqa: F811
    _ready(world, project, world.schools_a[:1])
    go(world, project, "notified", "self", "review")
    one, found = queries(materials_to_review, world.office_a, datetime.date(2026, 12, 1))
    assert len(found) == 1
    second = services.inspection_create(actor=world.office_a, county=world.county_a, name="第二个项目", kind="special",
                                        framework=project.framework, year=2026, starts_on=datetime.date(2026, 11, 1),
                                        ends_on=datetime.date(2026, 12, 31))
    _ready(world, second, world.schools_a)
    go(world, second, "notified", "self", "review")
    many, found = queries(materials_to_review, world.office_a, datetime.date(2026, 12, 1))
    assert len(found) == 1 + len(world.schools_a) and many == one



def test_self_assessment_queries_do_not_grow_with_projects(world, project):  # noqa: F811
    _ready(world, project, world.schools_a[:1])
    go(world, project, "notified", "self")
    one, found = queries(self_assessments, world.principal_a, datetime.date(2026, 12, 1))
    for n in range(3):
        more = services.inspection_create(actor=world.office_a, county=world.county_a, name=f"项目{n}", kind="special",
                                          framework=project.framework, year=2026, starts_on=datetime.date(2026, 11, 1),
                                          ends_on=datetime.date(2026, 12, 31))
        _ready(world, more, world.schools_a[:1])
        go(world, more, "notified", "self")
    many, more_found = queries(self_assessments, world.principal_a, datetime.date(2026, 12, 1))
    assert (len(found), len(more_found)) == (1, 4) and many == one


def _to_feedback(world, project):  # noqa: F811
    [target] = _ready(world, project, world.schools_a[:1])
    go(world, project, "notified", "self", "review", "onsite")
    for leaf in LEAVES:
        services.score_record(actor=world.inspector_a, target=target, leaf=leaf, value="B")
    go(world, project, "deliberation", "feedback")
    return target


def test_an_appeal_waits_for_the_office_until_answered(world, project):  # noqa: F811
    with time_machine.travel(beijing(datetime.date(2026, 12, 1), 9, 0), tick=False):
        target = _to_feedback(world, project)
        appeal = opinions.appeal_submit(actor=world.principal_a, target=target, text="第3项评分有误")
    # the appeal window (inspections.appeal_days, 15) runs from the move to 意见反馈
    [row] = rows(world.office_a, "inspections.appeal", datetime.date(2026, 12, 2))
    assert row.todo.title == "答复申辩" and row.todo.due == datetime.date(2026, 12, 16)
    assert rows(world.office_b, "inspections.appeal") == [] and rows(world.principal_a, "inspections.appeal") == []
    assert len(queries(appeals_to_answer, world.office_a, datetime.date(2026, 12, 2))[1]) == 1
    opinions.appeal_respond(actor=world.office_a, appeal=appeal, response="经复核，维持原评分。")
    assert rows(world.office_a, "inspections.appeal") == []


@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (23, 30)])
def test_urgency_on_beijing_days(world, project, hour, minute):  # noqa: F811
    _ready(world, project, world.schools_a[:1])
    go(world, project, "notified", "self")
    with time_machine.travel(beijing(datetime.date(2026, 12, 31), hour, minute), tick=False):
        assert [r.urgency for r in rows(world.principal_a, "inspections.self")] == ["soon"]
    with time_machine.travel(beijing(datetime.date(2027, 1, 1), hour, minute), tick=False):
        assert [r.urgency for r in rows(world.principal_a, "inspections.self")] == ["overdue"]
