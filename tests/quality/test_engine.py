"""The results engine against hand counts, its edge cases (empty, NaN, zero variance) and properties."""

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.quality import engine
from dudao.quality.engine import SubjectLines

MATH = SubjectLines(full_marks=100, pass_line=60, excellent_line=85, low_line=40)
FITNESS = SubjectLines(full_marks=100, pass_line=60, excellent_line=90, low_line=40, is_fitness=True)
LINES = {"数学": MATH, "体质健康": FITNESS}


def frame(rows) -> pl.DataFrame:
    """rows: (school, subject, score[, class_name, gender])."""
    rows = [(*r, "", "")[:5] for r in rows]
    return pl.DataFrame({
        "school": [r[0] for r in rows], "class_name": [r[3] for r in rows], "gender": [r[4] for r in rows],
        "subject": [r[1] for r in rows], "score": [float(r[2]) for r in rows],
    }, schema=engine.SCHEMA)


A = [30, 60, 90, 100]
B = [59.9, 40, 85]
SAMPLE = frame([("A", "数学", s) for s in A] + [("B", "数学", s) for s in B])


def by_school(table: pl.DataFrame) -> dict:
    return {r["school"]: r for r in table.iter_rows(named=True)}


def test_hand_counted_school_stats():
    rows = by_school(engine.group_stats(SAMPLE, LINES, ["school"], min_n=4))
    a, b = rows["A"], rows["B"]
    assert a["n"] == 4 and a["mean"] == pytest.approx(70)
    # sample SD (ddof = 1): squared deviations 1600 + 100 + 400 + 900 = 3000, / 3
    assert a["sd"] == pytest.approx(math.sqrt(1000))
    # linear interpolation: positions 0.75, 1.5, 2.25 of [30, 60, 90, 100]
    assert (a["min"], a["q1"], a["median"], a["q3"], a["max"]) == pytest.approx((30, 52.5, 75, 92.5, 100))
    assert (a["q1"], a["median"], a["q3"]) == pytest.approx(tuple(np.percentile(A, [25, 50, 75])))
    assert (a["pass_rate"], a["excellent_rate"], a["low_rate"]) == pytest.approx((75, 50, 25))
    # 59.9 is not a pass, 85 is a pass and excellent (on the line), 40 is not low (low is < 40)
    assert b["n"] == 3 and b["mean"] == pytest.approx(184.9 / 3)
    assert (b["pass_rate"], b["excellent_rate"], b["low_rate"]) == pytest.approx((100 / 3, 100 / 3, 0))
    assert a["withheld"] is False and b["withheld"] is True
    assert a["优秀"] is None  # fitness rates only for 体质健康


def test_county_counts_withheld_schools_and_gap():
    county = engine.county_stats(SAMPLE, LINES).row(0, named=True)
    assert county["n"] == 7 and county["mean"] == pytest.approx(464.9 / 7)
    assert county["pass_rate"] == pytest.approx(400 / 7)
    rows = by_school(engine.school_table(SAMPLE, LINES, min_n=4))
    assert rows["B"]["withheld"] is True and rows["B"]["county_n"] == 7
    assert rows["A"]["gap_mean"] == pytest.approx(70 - 464.9 / 7)
    assert rows["B"]["gap_mean"] == pytest.approx(184.9 / 3 - 464.9 / 7)
    assert rows["A"]["gap_pass_rate"] == pytest.approx(75 - 400 / 7)


def test_equal_bands_last_one_closed():
    table = engine.band_distribution(SAMPLE, LINES, [])
    assert table["band"].to_list() == ["0–10", "10–20", "20–30", "30–40", "40–50", "50–60", "60–70", "70–80",
                                       "80–90", "90–100"]
    counts = dict(zip(table["band"], table["count"], strict=True))
    # 30→30–40, 40→40–50, 59.9→50–60, 60→60–70, 85→80–90, 90 and 100 (full marks, closed band)→90–100
    assert counts == {"0–10": 0, "10–20": 0, "20–30": 0, "30–40": 1, "40–50": 1, "50–60": 1, "60–70": 1,
                      "70–80": 0, "80–90": 1, "90–100": 2}
    assert table["share"].sum() == pytest.approx(100)
    assert table.filter(pl.col("band") == "90–100")["share"][0] == pytest.approx(200 / 7)
    assert table["lower"].to_list()[-1] == 90 and table["upper"].to_list()[-1] == 100


def test_equal_bands_of_other_full_marks():
    table = engine.band_distribution(frame([("A", "语文", 84), ("A", "语文", 120), ("A", "语文", 11.99)]),
                                     {"语文": SubjectLines(120, 72, 102, 48)}, ["school"])
    counts = dict(zip(table["band"], table["count"], strict=True))
    assert counts["84–96"] == 1 and counts["108–120"] == 1 and counts["0–12"] == 1


def test_fitness_bands_at_the_boundaries():
    scores = [59.9, 60, 79.9, 80, 89.9, 90]
    data = frame([("A", "体质健康", s) for s in scores])
    table = engine.band_distribution(data, LINES, ["school"])
    assert table["band"].to_list() == ["优秀", "良好", "及格", "不及格"]
    assert table["count"].to_list() == [1, 2, 2, 1]
    assert table["lower"].to_list() == [90, 80, 60, None] and table["upper"].to_list() == [None, 90, 80, 60]
    row = engine.group_stats(data, LINES, ["school"], min_n=1).row(0, named=True)
    assert (row["优秀"], row["良好"], row["及格"], row["不及格"]) == pytest.approx((100 / 6, 200 / 6, 200 / 6, 100 / 6))


def test_class_and_gender_groups():
    data = frame([("A", "数学", 80, "1班", "男"), ("A", "数学", 60, "1班", "女"), ("A", "数学", 50, "2班", "女"),
                  ("B", "数学", 70, "1班", "男")])
    table = engine.group_stats(data, LINES, ["school", "class_name", "gender"], min_n=2)
    assert table.select("school", "class_name", "gender", "n").rows() == [
        ("A", "1班", "女", 1), ("A", "1班", "男", 1), ("A", "2班", "女", 1), ("B", "1班", "男", 1)]
    genders = engine.group_stats(data.filter(pl.col("school") == "A"), LINES, ["gender"], min_n=2)
    assert dict(zip(genders["gender"], genders["mean"], strict=True)) == {"女": 55, "男": 80}
    assert genders["withheld"].to_list() == [False, True]


def test_trend_changes_against_the_previous_round():
    later = frame([("A", "数学", s + 5) for s in A] + [("B", "数学", s) for s in B])
    table = engine.trend([("2025", SAMPLE), ("2026", later)], {"2025": LINES, "2026": LINES}, min_n=4)
    a = table.filter(pl.col("school") == "A")
    assert a["round"].to_list() == ["2025", "2026"]
    assert a["mean"].to_list() == pytest.approx([70, 75])
    assert a["change_mean"].to_list()[0] is None and a["change_mean"][1] == pytest.approx(5)
    assert a["change_gap_mean"][1] == pytest.approx(5 - 20 / 7)
    b = table.filter(pl.col("school") == "B")
    assert b["withheld"].to_list() == [True, True] and b["change_mean"][1] == pytest.approx(0)


def test_zero_variance_single_pupil_nan_and_empty():
    flat = engine.group_stats(frame([("A", "数学", 50)] * 3), LINES, ["school"], min_n=1).row(0, named=True)
    assert flat["sd"] == 0 and flat["q1"] == flat["q3"] == 50
    one = engine.group_stats(frame([("A", "数学", 50)]), LINES, ["school"], min_n=1).row(0, named=True)
    assert one["n"] == 1 and one["sd"] is None
    nan = engine.group_stats(frame([("A", "数学", float("nan")), ("A", "数学", 70), ("A", "数学", float("inf"))]),
                             LINES, ["school"], min_n=1)
    assert nan["n"].to_list() == [1] and nan["mean"].to_list() == [70]
    empty = engine.empty_frame()
    assert engine.group_stats(empty, LINES, ["school"], min_n=10).is_empty()
    assert engine.county_stats(empty, LINES).is_empty()
    assert engine.band_distribution(empty, LINES, ["school"]).is_empty()
    assert engine.school_table(empty, LINES, min_n=10).is_empty()
    assert engine.trend([("x", empty)], {"x": LINES}, min_n=10).is_empty()
    assert engine.group_stats(SAMPLE, {}, ["school"], min_n=1).is_empty()  # no lines: nothing to judge


def test_bad_grouping_column():
    with pytest.raises(ValueError):
        engine.group_stats(SAMPLE, LINES, ["score"], min_n=1)
    with pytest.raises(ValueError):
        engine.group_stats(SAMPLE.drop("gender"), LINES, ["school"], min_n=1)


scores = st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=2, max_size=40)


@settings(max_examples=60, deadline=None)
@given(scores, st.floats(min_value=-50, max_value=50, allow_nan=False))
def test_shifting_scores_shifts_means_not_sd(values, shift):
    lines = {"数学": SubjectLines(1000, 60, 85, 40)}
    before = engine.group_stats(frame([("A", "数学", v + 100) for v in values]), lines, [], min_n=1).row(0, named=True)
    after = engine.group_stats(frame([("A", "数学", v + 100 + shift) for v in values]), lines, [],
                               min_n=1).row(0, named=True)
    assert after["mean"] == pytest.approx(before["mean"] + shift, abs=1e-9)
    assert after["median"] == pytest.approx(before["median"] + shift, abs=1e-9)
    assert after["sd"] == pytest.approx(before["sd"], abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(scores, st.booleans())
def test_rates_and_shares_are_percentages(values, fitness):
    lines = {"数学": SubjectLines(100, 60, 85, 40, fitness)}
    data = frame([("A" if i % 2 else "B", "数学", v) for i, v in enumerate(values)])
    table = engine.group_stats(data, lines, ["school"], min_n=1)
    for column in ["pass_rate", "excellent_rate", "low_rate", *(engine.FITNESS_LABELS if fitness else [])]:
        assert all(0 <= v <= 100 for v in table[column].to_list())
    bands = engine.band_distribution(data, lines, ["school"])
    assert bands["count"].sum() == len(values)
    for total in bands.group_by("school").agg(pl.col("share").sum())["share"].to_list():
        assert total == pytest.approx(100)
