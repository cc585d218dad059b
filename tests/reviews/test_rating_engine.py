"""The 述职评议 engine by hand: combination rules, roll-up, ranks with ties, levels, low check points."""

import pytest

from dudao.frameworks import builtin
from dudao.frameworks.scoring import ScoreError, build_tree
from dudao.reviews.rating_engine import aggregate, combine_fractions, low_leaves, rank, score_reporter

TREE = build_tree({"nodes": builtin.SHUZHI["nodes"]})
LEAVES = [n.code for n in TREE.leaves]


def test_five_raters_trimmed_mean_by_hand():
    # points out of 10 → fractions 1.0, 0.8, 0.6, 0.9, 0.3; without the highest (1.0) and lowest (0.3):
    # (0.8 + 0.6 + 0.9) / 3 = 2.3 / 3 = 0.76667
    fractions = [1.0, 0.8, 0.6, 0.9, 0.3]
    assert combine_fractions(fractions, "trimmed") == pytest.approx(2.3 / 3)
    assert combine_fractions(fractions, "mean") == pytest.approx(3.6 / 5)     # 0.72
    assert combine_fractions(fractions, "median") == pytest.approx(0.8)
    assert combine_fractions([0.8, 0.6, 0.9, 0.3], "median") == pytest.approx((0.6 + 0.8) / 2)


def test_trimmed_with_fewer_than_three_is_the_mean():
    assert combine_fractions([1.0, 0.5], "trimmed") == pytest.approx(0.75)
    assert combine_fractions([0.4], "trimmed") == pytest.approx(0.4)
    assert combine_fractions([], "trimmed") is None


def test_rank_ties_share_and_the_next_skips():
    ranks = rank({"a": 90.0, "b": 85.0, "c": 85.0 + 1e-12, "d": 70.0, "e": None})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}
    assert rank({"x": 50.0, "y": 50.0}) == {"x": 1, "y": 1}


def test_score_rolls_up_through_weights():
    # one leaf of each area at 10 and the other at 6: each area (10 + 6) / 2 = 80 %, so the score is 80 (良好)
    values = {code: (["10"] if i % 2 == 0 else ["6"]) for i, code in enumerate(LEAVES)}
    leaves, score, vetoed = score_reporter(TREE, values, "mean")
    assert score == pytest.approx(80)
    assert leaves[LEAVES[0]] == 1.0 and leaves[LEAVES[1]] == pytest.approx(0.6)
    assert vetoed == []


def test_aggregate_ranks_levels_and_rater_counts():
    full = lambda v: dict.fromkeys(LEAVES, v)  # noqa: E731
    sheets = {
        "甲镇": {1: full("10"), 2: full("9"), 3: full("9"), 4: full("2"), 5: full("10")},  # trimmed: 28/3 → 93.33
        "乙镇": {1: full("8"), 2: full("8"), 3: full("8")},                                  # 80
        "丙镇": {1: full("8"), 2: full("8"), 3: full("8")},                                  # 80, tied
        "丁镇": {1: full("5"), 2: full("6"), 3: full("4"), 4: full("5")},                    # (5+5)/2 → 50
        "戊镇": {},
    }
    results = {r.key: r for r in aggregate(TREE, sheets, "trimmed")}
    assert results["甲镇"].score == pytest.approx(280 / 3) and results["甲镇"].rank == 1
    assert results["甲镇"].level == "优秀" and results["甲镇"].raters == 5
    assert results["乙镇"].rank == results["丙镇"].rank == 2 and results["乙镇"].level == "良好"
    assert results["丁镇"].rank == 4 and results["丁镇"].score == pytest.approx(50) and results["丁镇"].level == "不合格"
    assert results["戊镇"].rank is None and results["戊镇"].score is None and results["戊镇"].raters == 0
    assert [r.key for r in aggregate(TREE, sheets, "trimmed")][-1] == "戊镇"


def test_a_bad_value_raises_in_chinese():
    with pytest.raises(ScoreError, match="超出"):
        score_reporter(TREE, {LEAVES[0]: ["11"]}, "mean")


def test_low_leaves_below_threshold_only():
    assert low_leaves({"a": 0.59, "b": 0.6, "c": None, "d": 0.2}, 0.6) == ["a", "d"]
