"""迎检 services: the review's status flow, the indicator import (errors with sheet/row/column, weight warnings
confirmed, cycles, duplicates, re-import refused once assigned), assignments (another county's unit, staff of
another office, due-date bounds), evidence versions (kinds, sizes, counts, never edited), decisions (old version,
twice, a unit user, the assignee itself), self-scores and the audit trail."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Notification, Role
from dudao.core.services import role_assign
from dudao.reviews.models import Assignment, AssignmentStatus, Evidence, ReviewStatus, ReviewTransition
from dudao.reviews.services import upward as services
from tests.reviews.upward_helpers import (
    ROWS,
    dept,
    due,
    import_rows,
    leaf,
    make_review,
    pdf,
    png,
    unit_user,
    workbook,
)

pytestmark = pytest.mark.django_db


def test_review_create_records_first_status_and_audit(world):
    review = make_review(world)
    assert review.status == ReviewStatus.PREPARING
    assert ReviewTransition.objects.filter(review=review, to_status="preparing").count() == 1
    assert AuditLog.objects.filter(action="reviews.review_create").count() == 1


def test_review_create_refused_outside_office(world):
    with pytest.raises(PermissionDenied):
        make_review(world, actor=world.office_b)
    with pytest.raises(PermissionDenied):
        make_review(world, actor=world.town_a)
    with pytest.raises(ApplicationError, match="实地督查结束日期"):
        make_review(world, visit_starts=datetime.date(2026, 5, 10), visit_ends=datetime.date(2026, 5, 1))


def test_status_moves_declared_once(world):
    review = make_review(world)
    with pytest.raises(ApplicationError, match="不能变为“已结束”"):
        services.review_move(actor=world.office_a, review=review, to=ReviewStatus.CLOSED)
    with pytest.raises(ApplicationError, match="还没有导入指标"):
        services.review_move(actor=world.office_a, review=review, to=ReviewStatus.SUBMITTED)
    import_rows(world, review)
    services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "1.1").pk],
                                units=[world.unit_a.pk], due_on=due())
    with pytest.raises(ApplicationError, match="1 项分工的材料未采纳"):
        services.review_move(actor=world.office_a, review=review, to=ReviewStatus.SUBMITTED)
    Assignment.objects.update(status=AssignmentStatus.ACCEPTED)
    services.review_move(actor=world.office_a, review=review, to=ReviewStatus.SUBMITTED)
    with pytest.raises(ApplicationError, match="请填写原因"):
        services.review_move(actor=world.office_a, review=review, to=ReviewStatus.PREPARING)
    with pytest.raises(PermissionDenied):
        services.review_move(actor=world.leader_a, review=review, to=ReviewStatus.VISITED)
    services.review_move(actor=world.office_a, review=review, to=ReviewStatus.VISITED)
    services.review_move(actor=world.office_a, review=review, to=ReviewStatus.CLOSED)
    assert list(ReviewTransition.objects.filter(review=review).values_list("to_status", flat=True)) == [
        "preparing", "submitted", "visited", "closed"]


# ---- import --------------------------------------------------------------------------------------------------------

def test_import_creates_tree_with_derived_parents(world):
    review = make_review(world)
    result = import_rows(world, review)
    assert result.imported == 6
    assert leaf(review, "1.2").parent.code == "1"
    assert leaf(review, "2").parent is None


def test_import_three_levels_and_explicit_parent(world):
    review = make_review(world)
    rows = [["A", "", "一级", 100, ""], ["A1", "A", "二级", 100, ""], ["A1.1", "", "三级", 60, ""],
            ["A1.2", "", "三级乙", 40, ""]]
    import_rows(world, review, rows)
    assert leaf(review, "A1.2").parent.parent.code == "A"


def test_import_weight_warning_needs_confirmation(world):
    review = make_review(world)
    rows = [r[:] for r in ROWS]
    rows[0][3] = 30  # 1 = 30 but its children sum to 40; top level 90
    data = workbook(rows)
    preview = services.indicators_import(actor=world.office_a, review=review, data=data, filename="x.xlsx")
    assert preview.imported == 0 and review.indicators.count() == 0
    assert any("一级指标分值合计为 90" in w for w in preview.warnings)
    assert any("指标“1”分值为 30，其下级指标分值合计为 40" in w for w in preview.warnings)
    wrong = services.indicators_import(actor=world.office_a, review=review, data=data, filename="x.xlsx",
                                       confirmed_digest="0" * 64)
    assert wrong.imported == 0
    done = services.indicators_import(actor=world.office_a, review=review, data=data, filename="x.xlsx",
                                      confirmed_digest=preview.digest)
    assert done.imported == 6


def test_import_confirm_from_kept_rows(world):
    review = make_review(world)
    rows = [r[:] for r in ROWS]
    rows[3][3] = 50
    preview = services.indicators_import(actor=world.office_a, review=review, data=workbook(rows), filename="x.xlsx")
    with pytest.raises(ApplicationError, match="已失效或已变化"):
        services.indicators_confirm(actor=world.office_a, review=review, rows=preview.rows[:-1], filename="x",
                                    digest=preview.digest)
    with pytest.raises(PermissionDenied):
        services.indicators_confirm(actor=world.office_b, review=review, rows=preview.rows, filename="x",
                                    digest=preview.digest)
    done = services.indicators_confirm(actor=world.office_a, review=review, rows=preview.rows, filename="x",
                                       digest=preview.digest)
    assert done.imported == 6


def _errors(world, rows, header=None):
    review = make_review(world)
    with pytest.raises(ApplicationError) as caught:
        services.indicators_import(actor=world.office_a, review=review,
                                   data=workbook(rows, **({"header": header} if header else {})), filename="x.xlsx")
    assert review.indicators.count() == 0
    return [(e.sheet, e.row, e.column, e.message) for e in caught.value.errors]


def test_import_duplicate_codes(world):
    errors = _errors(world, ROWS + [["1.1", "", "重复", 1, ""]])
    assert ("指标", 8, "A（编号）", "编号“1.1”与第 3 行重复。") in errors


def test_import_unknown_parent(world):
    errors = _errors(world, ROWS + [["3.1", "", "没有上级", 1, ""], ["4", "9", "上级不存在", 1, ""]])
    assert ("指标", 8, "B（上级编号）", "按编号推出的上级指标“3”在表中不存在。") in errors
    assert ("指标", 9, "B（上级编号）", "上级编号“9”在表中不存在。") in errors


def test_import_cycle(world):
    errors = _errors(world, [["X", "Y", "甲", 50, ""], ["Y", "Z", "乙", 50, ""], ["Z", "X", "丙", 0, ""]])
    assert len([e for e in errors if "循环" in e[3]]) == 1
    assert any("X → Y → Z → X" in e[3] for e in errors)


def test_import_self_parent_and_bad_cells(world):
    errors = _errors(world, [["1", "1", "自己", "abc", ""], ["", "", "没有编号", 5, ""]])
    assert any(e[2] == "D（分值）" and "应为数字" in e[3] for e in errors)
    assert any(e[1] == 3 and "必填项为空" in e[3] for e in errors)


def test_import_unknown_header_and_negative(world):
    errors = _errors(world, [["1", "", "x", -5, ""]])
    assert any("不能为负数" in e[3] for e in errors)
    errors = _errors(world, [["1", "", "x", 5, ""]], header=["编号", "上级编号", "指标", "分值", "佐证材料要求"])
    assert any("缺少必填列“指标内容”" in e[3] for e in errors)


def test_import_formula_injection_kept_as_text(world):
    review = make_review(world)
    import_rows(world, review, [["1", "", "=HYPERLINK(\"http://x\")", 100, "{{ 7*7 }}"]])
    assert leaf(review, "1").text.startswith("=HYPERLINK")


def test_reimport_refused_once_assigned(world):
    review = make_review(world)
    import_rows(world, review)
    services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "1.1").pk],
                                units=[world.unit_a.pk], due_on=due())
    with pytest.raises(ApplicationError, match="已有 1 项指标分工，不能重新导入"):
        import_rows(world, review)


def test_import_refused_for_other_office_and_wrong_file(world):
    review = make_review(world)
    with pytest.raises(PermissionDenied):
        services.indicators_import(actor=world.office_b, review=review, data=workbook(), filename="x.xlsx")
    with pytest.raises(ApplicationError, match="只能导入"):
        services.indicators_import(actor=world.office_a, review=review, data=b"%PDF-1.4", filename="x.pdf")


# ---- assignments ---------------------------------------------------------------------------------------------------

def test_assign_bulk_and_notify(world):
    review = make_review(world)
    import_rows(world, review)
    finance = dept(world)
    finance_user = unit_user(world, finance)
    new = services.assignments_create(actor=world.office_a, review=review,
                                      indicators=[leaf(review, "1.1").pk, leaf(review, "1.2").pk],
                                      units=[world.unit_a.pk, finance.pk], users=[world.office_a.pk],
                                      request="近三年决算", due_on=due())
    assert len(new) == 6
    assert Notification.objects.filter(user=world.town_a, kind="review_assigned").count() == 1
    assert Notification.objects.filter(user=finance_user, kind="review_assigned").count() == 1
    with pytest.raises(ApplicationError, match="没有新的分工"):
        services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "1.1").pk],
                                    units=[world.unit_a.pk], due_on=due())


def test_assign_refuses_foreign_ids_and_bad_dates(world):
    review = make_review(world, visit_starts=due(30))
    import_rows(world, review)
    other = make_review(world, title="另一个")
    import_rows(world, other)
    one = [leaf(review, "1.1").pk]
    with pytest.raises(ApplicationError, match="不属于受检区县"):
        services.assignments_create(actor=world.office_a, review=review, indicators=one, units=[world.unit_b.pk],
                                    due_on=due())
    with pytest.raises(ApplicationError, match="不是本区县督导室的工作人员"):
        services.assignments_create(actor=world.office_a, review=review, indicators=one, users=[world.office_b.pk],
                                    due_on=due())
    with pytest.raises(ApplicationError, match="不属于本次迎检"):
        services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(other, "1.1").pk],
                                    units=[world.unit_a.pk], due_on=due())
    with pytest.raises(ApplicationError, match="无效"):
        services.assignments_create(actor=world.office_a, review=review, indicators=["1 OR 1=1"],
                                    units=[world.unit_a.pk], due_on=due())
    with pytest.raises(ApplicationError, match="已过"):
        services.assignments_create(actor=world.office_a, review=review, indicators=one, units=[world.unit_a.pk],
                                    due_on=due(-1))
    with pytest.raises(ApplicationError, match="不能晚于实地督查开始日期"):
        services.assignments_create(actor=world.office_a, review=review, indicators=one, units=[world.unit_a.pk],
                                    due_on=due(31))
    with pytest.raises(ApplicationError, match="2000 年到 2100 年"):
        services.assignments_create(actor=world.office_a, review=review, indicators=one, units=[world.unit_a.pk],
                                    due_on=datetime.date(9999, 1, 1))
    with pytest.raises(PermissionDenied):
        services.assignments_create(actor=world.town_a, review=review, indicators=one, units=[world.unit_a.pk],
                                    due_on=due())


@pytest.mark.parametrize("clock", ["2026-03-10 00:30", "2026-03-10 23:30"])
def test_due_today_accepted_in_beijing_time(world, clock):
    with time_machine.travel(datetime.datetime.fromisoformat(clock + "+08:00"), tick=False):
        review = make_review(world)
        import_rows(world, review)
        one = [leaf(review, "1.1").pk]
        (a,) = services.assignments_create(actor=world.office_a, review=review, indicators=one,
                                           units=[world.unit_a.pk], due_on=datetime.date(2026, 3, 10))
        assert a.due_on == datetime.date(2026, 3, 10)
        with pytest.raises(ApplicationError, match="已过"):
            services.assignment_update(actor=world.office_a, assignment=a, due_on=datetime.date(2026, 3, 9))


def _assigned(world, **extra):
    review = make_review(world)
    import_rows(world, review)
    (a,) = services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "1.1").pk],
                                       units=[world.unit_a.pk], due_on=due(), **extra)
    return review, a


def test_edit_and_delete_refused_once_evidence_exists(world):
    review, a = _assigned(world)
    services.assignment_update(actor=world.office_a, assignment=a, request="新要求", due_on=due(5))
    services.evidence_submit(actor=world.town_a, assignment=a, statement="已落实")
    with pytest.raises(ApplicationError, match="已就指标 1.1 提交了 1 版材料，不能修改"):
        services.assignment_update(actor=world.office_a, assignment=a, request="x", due_on=due(5))
    with pytest.raises(ApplicationError, match="不能删除"):
        services.assignment_delete(actor=world.office_a, assignment=a)


# ---- evidence and decisions ------------------------------------------------------------------------------------------

def test_evidence_versions_and_decisions(world):
    review, a = _assigned(world)
    e1 = services.evidence_submit(actor=world.town_a, assignment=a, statement="第一版说明", uploads=[pdf(), png()])
    assert e1.version == 1 and e1.files.count() == 2
    a.refresh_from_db()
    assert a.status == AssignmentStatus.SUBMITTED
    assert Notification.objects.filter(user=world.office_a, kind="review_evidence").exists()
    with pytest.raises(ApplicationError, match="尚待督导室审核"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="再交")
    with pytest.raises(ApplicationError, match="请填写退回理由"):
        services.evidence_decide(actor=world.office_a, evidence=e1, accept=False, reason="  ")
    services.evidence_decide(actor=world.office_a, evidence=e1, accept=False, reason="缺少2025年决算表")
    assert Notification.objects.filter(user=world.town_a, kind="review_decision").count() == 1
    with pytest.raises(ApplicationError, match="不能重复审核"):
        services.evidence_decide(actor=world.office_a, evidence=e1, accept=True)
    e2 = services.evidence_submit(actor=world.town_a, assignment=a, statement="补充了决算表", uploads=[pdf("决算.pdf")])
    assert e2.version == 2
    with pytest.raises(ApplicationError, match="第 1 版不是最新版本"):
        services.evidence_decide(actor=world.office_a, evidence=Evidence.objects.get(pk=e1.pk), accept=True)
    services.evidence_decide(actor=world.office_a, evidence=e2, accept=True)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACCEPTED
    with pytest.raises(ApplicationError, match="已被采纳"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="又一版")
    e1.refresh_from_db()
    assert e1.statement == "第一版说明" and e1.decision == "returned"  # versions are never edited
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"reviews.evidence_submit", "reviews.evidence_return", "reviews.evidence_accept"} <= actions


def test_decision_refusals_by_role(world):
    review, a = _assigned(world)
    e = services.evidence_submit(actor=world.town_a, assignment=a, statement="说明")
    with pytest.raises(PermissionDenied, match="只有本区县督导室"):
        services.evidence_decide(actor=world.town_a, evidence=e, accept=True)
    with pytest.raises(PermissionDenied):
        services.evidence_decide(actor=world.office_b, evidence=e, accept=True)
    with pytest.raises(PermissionDenied):
        services.evidence_decide(actor=world.leader_a, evidence=e, accept=True)
    # an office user who is also a user of the assigned unit: a department accepting its own evidence
    role_assign(actor=world.admin, user=world.office_a, role=Role.UNIT, unit=world.unit_a)
    office = type(world.office_a).objects.get(pk=world.office_a.pk)
    with pytest.raises(PermissionDenied, match="责任单位不能采纳自己的材料"):
        services.evidence_decide(actor=office, evidence=e, accept=True)


def test_staff_assignee_cannot_accept_own_evidence(world):
    review = make_review(world)
    import_rows(world, review)
    (a,) = services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "2.1").pk],
                                       users=[world.office_a.pk], due_on=due())
    e = services.evidence_submit(actor=world.office_a, assignment=a, statement="本人负责的材料")
    with pytest.raises(PermissionDenied, match="不能审核本人或本单位提交的材料"):
        services.evidence_decide(actor=world.office_a, evidence=e, accept=True)
    with pytest.raises(PermissionDenied, match="只有该项分工的责任单位或责任人"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="不是我的")


def test_evidence_file_checks(world, settings):
    review, a = _assigned(world)
    with pytest.raises(ApplicationError, match="请填写情况说明"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="  ")
    with pytest.raises(ApplicationError, match="过长"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="字" * 2001)
    exe = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    with pytest.raises(ApplicationError, match="类型不受支持"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="说明", uploads=[exe])
    html = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ApplicationError, match="类型不受支持"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="说明", uploads=[html])
    from dudao.core.models import Policy

    Policy.objects.create(key="reviews.evidence_file_mb", region_code="", value=1)
    with pytest.raises(ApplicationError, match="超过每个文件 1 MB"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="说明", uploads=[pdf(size=1_100_000)])
    Policy.objects.create(key="reviews.evidence_max_files", region_code="", value=2)
    with pytest.raises(ApplicationError, match="最多上传 2 个文件"):
        services.evidence_submit(actor=world.town_a, assignment=a, statement="说明", uploads=[pdf(), pdf(), pdf()])
    assert not Evidence.objects.exists()


# ---- scores ----------------------------------------------------------------------------------------------------------

def test_self_scores_within_weight_and_rolled_up(world):
    from dudao.reviews.selectors.upward import review_view

    review = make_review(world)
    import_rows(world, review)
    ids = {c: leaf(review, c).pk for c in ("1", "1.1", "1.2", "2.1")}
    with pytest.raises(ApplicationError, match="超过其分值 20"):
        services.self_scores_set(actor=world.office_a, review=review, scores={ids["1.1"]: 21})
    with pytest.raises(ApplicationError, match="有下级指标"):
        services.self_scores_set(actor=world.office_a, review=review, scores={ids["1"]: 10})
    with pytest.raises(ApplicationError, match="不能为负数"):
        services.self_scores_set(actor=world.office_a, review=review, scores={ids["1.1"]: -1})
    with pytest.raises(ApplicationError, match="应为数字"):
        services.self_scores_set(actor=world.office_a, review=review, scores={ids["1.1"]: "nan-ish"})
    with pytest.raises(PermissionDenied):
        services.self_scores_set(actor=world.town_a, review=review, scores={ids["1.1"]: 1})
    services.self_scores_set(actor=world.office_a, review=review,
                             scores={ids["1.1"]: 18, ids["1.2"]: 19.5, ids["2.1"]: 25})
    view = review_view(world.office_a, review)
    by_code = {r.indicator.code: r.score for r in view.rows}
    assert by_code["1"] == 37.5 and by_code["2"] == 25 and view.total == 62.5
