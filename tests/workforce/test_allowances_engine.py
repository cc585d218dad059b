"""allowance_engine against hand counts (pure; no database)."""

import datetime
from decimal import Decimal

import pytest

from dudao.workforce import allowance_engine as engine
from dudao.workforce.allowance_engine import CHECK, DAY, VISIT, Rates, Record

D = datetime.date
RATES = Rates(visit=Decimal("50"), half_day=Decimal("30"), check=Decimal("40"), inspection_day=Decimal("200"),
              transport=Decimal("20"), half_day_minutes=240)
FIRST, LAST = D(2026, 11, 1), D(2026, 11, 30)


def test_month_span_and_half_days():
    assert engine.month_span(2026, 2) == (D(2026, 2, 1), D(2026, 2, 28))
    assert engine.month_span(2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
    assert engine.month_span(2026, 12) == (D(2026, 12, 1), D(2026, 12, 31))
    assert [engine.half_days(m, 240) for m in (0, 30, 240, 241, 480, 500)] == [1, 1, 1, 2, 2, 3]
    with pytest.raises(ValueError):
        engine.half_days(60, 0)


def test_hand_count_one_inspector():
    """Two visits (90 min = 1 half day, 300 min = 2), one check, two inspection days; by hand:
    visits 2×50 = 100; half days 3×30 = 90; check 40; days 2×200 = 400; trips 5×20 = 100; total 730."""
    records = [
        Record(7, VISIT, "v1", D(2026, 11, 3), 90, "督导纪实：一小"),
        Record(7, VISIT, "v2", D(2026, 11, 10), 300, "督导纪实：二小"),
        Record(7, CHECK, "c1", D(2026, 11, 12), 0, "专项检查"),
        Record(7, DAY, "i1:7:2026-11-20", D(2026, 11, 20)),
        Record(7, DAY, "i1:7:2026-11-21", D(2026, 11, 21)),
    ]
    [line] = engine.compute(records, RATES, first=FIRST, last=LAST)
    assert (line.visits, line.half_days, line.checks, line.inspection_days, line.trips) == (2, 3, 1, 2, 5)
    assert (line.visit_amount, line.half_day_amount, line.check_amount, line.inspection_amount,
            line.transport_amount) == (100, 90, 40, 400, 100)
    assert line.total == Decimal("730.00") and line.cap_cut == 0
    assert [d["ref"] for d in line.detail] == ["v1", "v2", "c1", "i1:7:2026-11-20", "i1:7:2026-11-21"]
    assert line.detail[1]["half_days"] == 2


def test_duplicates_outside_month_and_same_day_twice():
    records = [
        Record(1, VISIT, "v1", D(2026, 11, 3), 60),
        Record(1, VISIT, "v1", D(2026, 11, 3), 60),  # the same visit twice: once
        Record(1, VISIT, "v0", D(2026, 10, 31), 60),  # last month
        Record(1, VISIT, "v9", D(2026, 12, 1), 60),  # next month
        Record(1, DAY, "a:1:2026-11-05", D(2026, 11, 5)),
        Record(1, DAY, "b:1:2026-11-05", D(2026, 11, 5)),  # two projects on one day: one day
        Record(2, CHECK, "c1", D(2026, 11, 30)),
    ]
    lines = engine.compute(records, RATES, first=FIRST, last=LAST)
    assert [(ln.inspector_id, ln.visits, ln.inspection_days, ln.checks, ln.trips) for ln in lines] == [
        (1, 1, 1, 0, 2), (2, 0, 0, 1, 1)]
    assert lines[0].total == Decimal(50 + 30 + 200 + 40) and lines[1].total == Decimal(40 + 20)


def test_monthly_cap_cuts():
    rates = Rates(visit=Decimal("100"), monthly_cap=Decimal("250"))
    [line] = engine.compute([Record(1, VISIT, f"v{i}", D(2026, 11, i + 1)) for i in range(4)], rates,
                            first=FIRST, last=LAST)
    assert line.visit_amount == 400 and line.cap_cut == 150 and line.total == 250


def test_fractional_rates_round_to_cents():
    [line] = engine.compute([Record(1, VISIT, "v", D(2026, 11, 1), 700)], Rates(half_day=Decimal("33.335")),
                            first=FIRST, last=LAST)
    assert line.half_days == 3 and line.half_day_amount == Decimal("100.01")


def test_missing_rates():
    visit, check, day = Record(1, VISIT, "v", FIRST), Record(1, CHECK, "c", FIRST), Record(1, DAY, "d", FIRST)
    assert engine.missing_rates(Rates(), []) == list(engine.RATE_LABELS.values())
    assert engine.missing_rates(Rates(transport=Decimal(5)), [visit, check, day]) == [
        "每次督导纪实补贴或每半天在校补贴", "每次专项检查补贴", "督导评估每天补贴"]
    assert engine.missing_rates(Rates(half_day=Decimal(5)), [visit]) == []
    assert engine.missing_rates(Rates(half_day=Decimal(5)), [visit, day]) == ["督导评估每天补贴"]


def test_onsite_days():
    on = "onsite"
    moves = [(D(2026, 11, 10), "review", on), (D(2026, 11, 12), on, "deliberation"),
             (D(2026, 11, 20), "deliberation", on), (D(2026, 11, 20), on, "deliberation")]
    assert engine.onsite_days(moves, onsite=on, until=D(2026, 11, 30)) == {
        D(2026, 11, 10), D(2026, 11, 11), D(2026, 11, 12), D(2026, 11, 20)}
    # still on site: up to `until`
    assert engine.onsite_days([(D(2026, 11, 29), "review", on)], onsite=on, until=D(2026, 11, 30)) == {
        D(2026, 11, 29), D(2026, 11, 30)}
    assert engine.onsite_days([], onsite=on, until=D(2026, 11, 30)) == set()
