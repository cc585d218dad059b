"""兼职督学劳务补贴 services: a month against the hand count (tests/workforce/allowances_fixtures.py), month
boundaries in Beijing time, no rates, the workflow, adjustments, and every change after approval refused."""

import datetime
from decimal import Decimal

import pytest

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.workforce.models import AllowanceLine, AllowanceMonth, AllowanceMonthTransition
from dudao.workforce.services import allowances as services
from tests.workforce.allowances_fixtures import (  # noqa: F401
    HAND_TOTAL,
    MONTH,
    YEAR,
    at,
    make_visit,
    month_fixture,
    set_rates,
)

pytestmark = pytest.mark.django_db


def compute(world, **kw):
    return services.allowance_compute(actor=world.office_a, region=world.county_a, year=kw.pop("year", YEAR),
                                      month=kw.pop("month", MONTH), **kw)


def test_month_against_hand_count(world, month):
    result = compute(world)
    assert result.status == "draft" and result.inspectors == 1 and result.total == Decimal(HAND_TOTAL)
    [line] = AllowanceLine.objects.filter(allowance_month=result)
    assert line.inspector == month.part_time
    assert (line.visits, line.half_days, line.checks, line.inspection_days, line.trips) == (2, 3, 1, 2, 5)
    assert (line.visit_amount, line.half_day_amount, line.check_amount, line.inspection_amount,
            line.transport_amount, line.total) == (100, 90, 40, 400, 100, 730)
    refs = {(d["k"], d["ref"]) for d in line.detail}
    assert ("visit", str(month.visits[0].pk)) in refs and ("visit", str(month.visits[1].pk)) in refs
    assert ("check", str(month.check.pk)) in refs
    assert ("visit", str(month.check_visit.pk)) not in refs  # the check's visit is not a second visit
    assert sorted(d["on"] for d in line.detail if d["k"] == "day") == ["2025-03-20", "2025-03-21"]
    assert result.rates["visit"] == "50" and result.rates["half_day_minutes"] == 240
    assert AuditLog.objects.filter(action="workforce.allowance_compute", object_id=str(result.pk)).exists()
    assert [t.to_status for t in AllowanceMonthTransition.history(result)] == ["draft"]


def test_month_boundaries_in_beijing_time(world, month):
    """00:30 on 1 March and 23:30 on 31 March belong to March; 23:30 on 28 February to February; 00:30 on 1 April
    to April (in UTC the first is still February and the last already April... of March 31 15:30: March)."""
    march = compute(world)
    days = {d["on"] for d in AllowanceLine.objects.get(allowance_month=march).detail if d["k"] == "visit"}
    assert days == {"2025-03-01", "2025-03-31"}
    feb = compute(world, month=2)
    [line] = AllowanceLine.objects.filter(allowance_month=feb)
    assert [d["on"] for d in line.detail] == ["2025-02-28"] and line.visits == 1
    april = compute(world, month=4)
    assert [d["on"] for d in AllowanceLine.objects.get(allowance_month=april).detail if d["k"] == "visit"] == [
        "2025-04-01"]


def test_no_rates_refused_naming_them(world, month):
    for name in ("visit", "half_day", "check", "inspection_day", "transport"):
        set_rates(world.admin, world.county_a.code, **{name: 0})
    with pytest.raises(ApplicationError) as exc:
        compute(world)
    for label in ("每次督导纪实补贴", "每半天在校补贴", "每次专项检查补贴", "督导评估每天补贴", "每次交通补贴"):
        assert label in exc.value.message
    assert not AllowanceMonth.objects.exists()


def test_rates_missing_for_the_records_present(world, month):
    set_rates(world.admin, world.county_a.code, check=0, inspection_day=0)
    with pytest.raises(ApplicationError) as exc:
        compute(world)
    assert "每次专项检查补贴" in exc.value.message and "督导评估每天补贴" in exc.value.message
    assert "督导纪实" not in exc.value.message.split("：", 1)[1]
    assert not AllowanceMonth.objects.exists()


def test_negative_rate_refused(world, month):
    set_rates(world.admin, world.county_a.code, transport=-5)
    with pytest.raises(ApplicationError, match="每次交通补贴"):
        compute(world)


def test_no_rates_in_another_county(world, month):
    """乙县 set nothing: its office is refused, whatever 甲区 set."""
    with pytest.raises(ApplicationError, match="乙县尚未设置"):
        services.allowance_compute(actor=world.office_b, region=world.county_b, year=YEAR, month=MONTH)


@pytest.mark.parametrize("year,mon,message", [
    ("2025", "13", "年份或月份有误"), ("1999", "3", "年份或月份有误"), ("abc", "3", "请选择年份和月份"),
    ("", "", "请选择年份和月份"), ("9999", "1", "年份或月份有误")])
def test_bad_months_refused(world, month, year, mon, message):
    with pytest.raises(ApplicationError, match=message):
        compute(world, year=year, month=mon)


def test_month_not_ended_refused(world, month):
    with pytest.raises(ApplicationError, match="尚未结束"):
        compute(world, today=datetime.date(2025, 3, 31))
    assert compute(world, today=datetime.date(2025, 4, 1)).total == Decimal(HAND_TOTAL)


def test_only_the_regions_office(world, month):
    for actor in (world.office_b, world.leader_a, world.inspector_a, world.principal_a):
        with pytest.raises(PermissionDenied):
            services.allowance_compute(actor=actor, region=world.county_a, year=YEAR, month=MONTH)
    result = compute(world)
    with pytest.raises(PermissionDenied):
        services.allowance_approve(actor=world.leader_a, month=result)
    with pytest.raises(PermissionDenied):
        services.allowance_adjust(actor=world.office_b, month=result, inspector=month.part_time, amount="10",
                                  reason="x")


def test_workflow_and_changes_after_approval_refused(world, month):
    result = compute(world)
    with pytest.raises(ApplicationError, match="不能变为“已批准”"):
        services.allowance_approve(actor=world.office_a, month=result)
    services.allowance_review(actor=world.office_a, month=result)
    with pytest.raises(ApplicationError, match="请填写原因"):
        services.allowance_return(actor=world.office_a, month=result, note=" ")
    result = services.allowance_approve(actor=world.office_a, month=result)
    assert result.status == "approved" and result.approved_by == world.office_a
    refusals = [
        lambda: compute(world),
        lambda: services.allowance_adjust(actor=world.office_a, month=result, inspector=month.part_time,
                                          amount="10", reason="补发"),
        lambda: services.allowance_delete(actor=world.office_a, month=result),
        lambda: services.allowance_review(actor=world.office_a, month=result),
        lambda: services.allowance_return(actor=world.office_a, month=result, note="重算"),
        lambda: services.allowance_approve(actor=world.office_a, month=result),
    ]
    for refuse in refusals:
        with pytest.raises(ApplicationError) as exc:
            refuse()
        assert "已批准" in exc.value.message
    result.refresh_from_db()
    assert result.status == "approved" and result.total == Decimal(HAND_TOTAL)
    assert AllowanceLine.objects.filter(allowance_month=result).count() == 1


def test_adjustment_line_removed_after_approval_refused(world, month):
    result = compute(world)
    adj = services.allowance_adjust(actor=world.office_a, month=result, inspector=month.part_time, amount="-30",
                                    reason="3月12日检查与纪实重复，扣减交通补贴")
    services.allowance_review(actor=world.office_a, month=result)
    services.allowance_approve(actor=world.office_a, month=result)
    with pytest.raises(ApplicationError, match="已批准"):
        services.allowance_adjust_remove(actor=world.office_a, line=adj)
    assert AllowanceLine.objects.filter(pk=adj.pk).exists()


def test_adjustments_and_recompute(world, month):
    result = compute(world)
    services.allowance_review(actor=world.office_a, month=result)
    adj = services.allowance_adjust(actor=world.office_a, month=result, inspector=month.part_time, amount="25.5",
                                    reason="补记 3 月 18 日电话家访交通费")
    result.refresh_from_db()
    assert result.status == "draft" and result.total == Decimal("755.50")  # a reviewed month is reviewed again
    # one more visit, recompute: the computed line follows the records, the adjustment stays
    make_visit(world, month.part_time, world.schools_a[0], at(2025, 3, 18, 14, 0), 60)
    result = compute(world)
    assert result.total == Decimal(HAND_TOTAL + 50 + 30 + 20) + Decimal("25.5")
    assert AllowanceLine.objects.filter(allowance_month=result).count() == 2
    services.allowance_adjust_remove(actor=world.office_a, line=adj)
    result.refresh_from_db()
    assert result.total == Decimal(HAND_TOTAL + 100)
    computed = AllowanceLine.objects.get(allowance_month=result)
    with pytest.raises(ApplicationError, match="不能删除"):
        services.allowance_adjust_remove(actor=world.office_a, line=computed)


@pytest.mark.parametrize("amount,reason,message", [
    ("", "原因", "请填写调整金额"), ("0", "原因", "不能为 0"), ("abc", "原因", "应为数字"), ("1e5", "原因", "应为数字"),
    ("NaN", "原因", "应为数字"), ("12.345", "原因", "应为数字"), ("123456789", "原因", "应为数字"),
    ("10", "", "请填写调整原因"), ("10", "\x00 ", "请填写调整原因"), ("10", "长" * 256, "不能超过"),
    ("-800", "扣减", "负数")])
def test_bad_adjustments_refused(world, month, amount, reason, message):
    result = compute(world)
    with pytest.raises(ApplicationError, match=message):
        services.allowance_adjust(actor=world.office_a, month=result, inspector=month.part_time, amount=amount,
                                  reason=reason)
    assert AllowanceLine.objects.filter(allowance_month=result).count() == 1


def test_adjustment_only_for_the_regions_part_time_inspectors(world, month):
    result = compute(world)
    for inspector in (month.full_time, month.other_county, None):
        with pytest.raises(ApplicationError, match="兼职督学"):
            services.allowance_adjust(actor=world.office_a, month=result, inspector=inspector, amount="10",
                                      reason="x")


def test_delete_before_approval(world, month):
    result = compute(world)
    services.allowance_delete(actor=world.office_a, month=result)
    assert not AllowanceMonth.objects.exists() and not AllowanceLine.objects.exists()
    assert AuditLog.objects.filter(action="workforce.allowance_delete").exists()


def test_monthly_cap(world, month):
    set_rates(world.admin, world.county_a.code, monthly_cap=500)
    result = compute(world)
    line = AllowanceLine.objects.get(allowance_month=result)
    assert line.cap_cut == 230 and line.total == 500 and result.total == 500


def test_province_month_gathers_its_counties(world, month):
    """A province office computing for the province: every county's part-time inspectors (乙县's 兼职丙 too)."""
    from dudao.core.models import Role
    from dudao.core.services import role_assign
    from dudao.regions.models import Region

    province = Region.objects.get(code="990000")
    role_assign(actor=world.admin, user=world.leader_a, role=Role.OFFICE, region=province)
    set_rates(world.admin, province.code, visit=10, half_day=0, check=10, inspection_day=10, transport=0)
    result = services.allowance_compute(actor=world.leader_a, region=province, year=YEAR, month=MONTH)
    # one month, one set of rates: the province's, for every county under it
    assert result.inspectors == 2 and result.rates["visit"] == "10"
    assert result.total == 2 * 10 + 10 + 2 * 10 + 10  # 兼职甲: 2 visits, 1 check, 2 days; 兼职丙: 1 visit


def test_todo_last_month_and_year_figures(world, month):
    from dudao.workforce.todo_allowances import allowances_last_month
    from dudao.workforce.year_allowances import allowance_year_figures

    today = datetime.date(2025, 4, 10)
    [item] = allowances_last_month(world.office_a, today)
    assert item.title == "计算上月兼职督学劳务补贴" and "2025年3月" in item.object
    [other] = allowances_last_month(world.office_b, today)  # 乙县 has 兼职丙: its own county only
    assert other.object.startswith("乙县") and other.region_code == world.county_b.code
    result = compute(world)
    assert [i.title for i in allowances_last_month(world.office_a, today)] == ["复核劳务补贴"]
    services.allowance_review(actor=world.office_a, month=result)
    assert [i.title for i in allowances_last_month(world.office_a, today)] == ["批准劳务补贴"]
    figures = {f.key: f.value for f in allowance_year_figures(world.county_a.code, datetime.date(2025, 1, 1),
                                                              datetime.date(2025, 12, 31))}
    assert figures == {"workforce.allowance_total": 0.0, "workforce.allowance_people": 0}  # not approved yet
    services.allowance_approve(actor=world.office_a, month=result)
    assert allowances_last_month(world.office_a, today) == []
    assert allowances_last_month(world.inspector_a, today) == [] and allowances_last_month(world.leader_a, today) == []
    figures = {f.key: f.value for f in allowance_year_figures(world.county_a.code, datetime.date(2025, 1, 1),
                                                              datetime.date(2025, 12, 31))}
    assert figures == {"workforce.allowance_total": float(HAND_TOTAL), "workforce.allowance_people": 1}
    assert allowance_year_figures(world.county_b.code, datetime.date(2025, 1, 1),
                                  datetime.date(2025, 12, 31))[0].value == 0.0
