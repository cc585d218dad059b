"""The scoring engine on hand-worked trees: weights, levels, veto, trimmed mean, leader's score, N/A leaves
re-weighted, the self-vs-expert gap; and the bulk roll-up agreeing with the one-target one."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.frameworks.scoring import (
    ScoreError,
    build_tree,
    evaluate,
    evaluate_many,
    leaf_fraction,
    weight_problems,
)

# A (60): A1 points/10 (weight 50), A2 levels A/B/C/D (weight 50)
# B (40): B1 yes/no, veto (weight 30), B2 numeric ≥ 85 % (weight 70)
DEFINITION = {"nodes": [
    {"code": "A", "name": "办学方向", "weight": 60, "children": [
        {"code": "A1", "name": "党建", "weight": 50, "rule": {"kind": "points", "max": 10}},
        {"code": "A2", "name": "德育", "weight": 50, "rule": {"kind": "levels", "levels": {"A": 10, "B": 8, "C": 6, "D": 0}}},
    ]},
    {"code": "B", "name": "学校管理", "weight": 40, "children": [
        {"code": "B1", "name": "安全", "weight": 30, "rule": {"kind": "yesno"}, "veto": True},
        {"code": "B2", "name": "巩固率", "weight": 70, "rule": {"kind": "numeric", "op": ">=", "threshold": 85}},
    ]},
    {"code": "C", "name": "特色", "weight": 0, "children": [{"code": "C1", "name": "说明", "weight": 100, "rule": {"kind": "text"}}]},
]}


def tree(**settings_):
    return build_tree({**DEFINITION, "settings": settings_})


def test_hand_worked_weighted_roll_up():
    # A1 8/10 = 80; A2 "B" = 80 → A = 80. B1 达标 = 100; B2 90 ≥ 85 = 100 → B = 100. Total 0.6×80 + 0.4×100 = 88.
    result = evaluate(tree(), {"A1": [8], "A2": ["B"], "B1": ["达标"], "B2": [90], "C1": ["有特色"]})
    assert result.nodes["A"] == pytest.approx(80) and result.nodes["B"] == pytest.approx(100)
    assert result.score == pytest.approx(88) and result.level == "良好" and result.vetoed == []
    assert result.nodes["C"] is None  # text only: never scored


def test_veto_fails_the_whole_result():
    result = evaluate(tree(), {"A1": [10], "A2": ["A"], "B1": ["不达标"], "B2": [99]})
    # B = 0.3×0 + 0.7×100 = 70; total 0.6×100 + 0.4×70 = 88, but the veto item failed.
    assert result.score == pytest.approx(88) and result.vetoed == ["B1"] and result.level == "不合格"


def test_na_leaves_are_re_weighted_among_their_siblings():
    # B1 N/A: B = B2 alone = 100; A2 N/A: A = A1 = 60 → 0.6×60 + 0.4×100 = 76.
    result = evaluate(tree(), {"A1": [6], "A2": ["N/A"], "B1": ["N/A"], "B2": [86]})
    assert result.nodes["A"] == pytest.approx(60) and result.nodes["B"] == pytest.approx(100)
    assert result.score == pytest.approx(76) and result.level == "良好"


def test_expert_combination_and_disagreement():
    scores = {"A1": [2, 9, 10], "A2": ["A", "A", "A"], "B1": ["达标"] * 3, "B2": [90] * 3}
    mean = evaluate(tree(), scores)
    assert mean.leaves["A1"] == pytest.approx(0.7) and mean.disagreements == ["A1"]  # 0.2 … 1.0 differ by 0.8
    trimmed = evaluate(tree(combine="trimmed"), scores)
    assert trimmed.leaves["A1"] == pytest.approx(0.9)  # without the highest (10) and the lowest (2)
    leader = evaluate(tree(combine="leader"), scores, leader_scores={"A1": 10})
    assert leader.leaves["A1"] == pytest.approx(1.0)
    assert evaluate(tree(spread=0.9), scores).disagreements == []


def test_level_thresholds_are_settings():
    scores = {"A1": [7.5], "A2": ["B"], "B1": ["达标"], "B2": [80]}  # A 77.5, B 30 → 58.5
    assert evaluate(tree(), scores).level == "不合格"
    assert evaluate(tree(levels=[[85, "A"], [55, "B"]], lowest_level="C"), scores).level == "B"


def test_self_assessment_gap_per_leaf():
    result = evaluate(tree(), {"A1": [6], "A2": ["C"], "B1": ["达标"], "B2": [90]},
                      self_scores={"A1": 9, "A2": "A", "B2": 90})
    assert result.gaps["A1"] == pytest.approx(0.3) and result.gaps["A2"] == pytest.approx(0.4)
    assert result.gaps["B2"] == 0


@pytest.mark.parametrize("leaf, value, message", [
    ("A1", 11, "超出 0—10"), ("A1", "八", "不是数字"), ("A2", "E", "不在 A、B、C、D"), ("B1", "可能", "达标"),
    ("B2", "", "未评分"), ("B2", "abc", "不是数字")])
def test_bad_values_are_refused_in_chinese(leaf, value, message):
    with pytest.raises(ScoreError, match=message):
        leaf_fraction(tree().nodes[leaf], value)


def test_weight_problems():
    assert weight_problems(tree()) == []
    bad = build_tree({"nodes": [{"code": "A", "weight": 70, "children": [
        {"code": "A1", "weight": 50, "rule": {"kind": "points", "max": 0}},
        {"code": "A2", "weight": 40, "rule": {"kind": "numeric", "op": "≈"}}]}]})
    problems = "；".join(weight_problems(bad))
    assert "一级指标权重合计 70" in problems and "A 的下级指标权重合计 90" in problems
    assert "满分应为正数" in problems and "比较方式" in problems


def _bulk(tree_, per_target):
    rows = []
    for target, scores in per_target.items():
        for leaf, values in scores.items():
            for i, value in enumerate(values):
                rows.append({"target": target, "leaf": leaf, "leader": i == 0,
                             "fraction": leaf_fraction(tree_.nodes[leaf], value)})
    return evaluate_many(tree_, pl.DataFrame(rows, schema={"target": pl.Int64, "leaf": pl.Utf8, "leader": pl.Boolean,
                                                           "fraction": pl.Float64}))


def test_bulk_matches_hand_worked_cases():
    t = tree()
    result = _bulk(t, {1: {"A1": [8], "A2": ["B"], "B1": ["达标"], "B2": [90]},
                       2: {"A1": [10], "A2": ["A"], "B1": ["不达标"], "B2": [99]},
                       3: {"A1": [6], "A2": ["N/A"], "B1": ["N/A"], "B2": [86]}}).to_dicts()
    assert [round(r["score"], 6) for r in result] == [88, 88, 76]
    assert [r["level"] for r in result] == ["良好", "不合格", "良好"]
    assert [r["vetoed"] for r in result] == [False, True, False]


values = st.fixed_dictionaries({
    "A1": st.lists(st.one_of(st.integers(0, 10), st.just("N/A")), min_size=1, max_size=4),
    "A2": st.lists(st.sampled_from(["A", "B", "C", "D", "N/A"]), min_size=1, max_size=4),
    "B1": st.lists(st.sampled_from(["达标", "不达标"]), min_size=1, max_size=4),
    "B2": st.lists(st.integers(50, 100), min_size=1, max_size=4)})


@settings(max_examples=60, deadline=None)
@given(values, st.sampled_from(["mean", "trimmed", "leader"]))
def test_bulk_agrees_with_one_target(scores, method):
    t = tree(combine=method)
    one = evaluate(t, scores, leader_scores={k: v[0] for k, v in scores.items() if v[0] != "N/A"})
    bulk = _bulk(t, {1: scores}).row(0, named=True)
    assert bulk["score"] == pytest.approx(one.score) and bulk["level"] == one.level
    assert bulk["vetoed"] == bool(one.vetoed) and bulk["disagreements"] == len(one.disagreements)
