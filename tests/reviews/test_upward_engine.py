"""The pure 迎检 engine, with hand-worked examples: parents from the numbering, cycles, weight warnings, the
self-score roll-up and the board's percentage."""

from dudao.reviews.upward_engine import (
    IndicatorRow,
    build_indicator_tree,
    derived_parent,
    ordered,
    percent,
    roll_up_points,
    score_problem,
)


def rows(*items):
    return [IndicatorRow(row=n + 2, code=c, text=c, parent=p, weight=w) for n, (c, p, w) in enumerate(items)]


def test_derived_parent():
    assert derived_parent("1.2.3") == "1.2" and derived_parent("1") is None and derived_parent("A1.1") == "A1"


def test_tree_any_depth_and_order():
    tree = build_indicator_tree(rows(("1.1.1", "", 5), ("1", "", 100), ("1.1", "", 100), ("1.1.2", "", 95)))
    assert not tree.errors
    assert tree.parents == {"1.1.1": "1.1", "1": None, "1.1": "1", "1.1.2": "1.1"}
    assert tree.depth == {"1": 0, "1.1": 1, "1.1.1": 2, "1.1.2": 2}
    assert [r.code for r in ordered(tree)] == ["1", "1.1", "1.1.1", "1.1.2"]
    assert tree.warnings == []
    # read as a tree, not level by level: each parent is followed by its own children
    tree = build_indicator_tree(rows(("1", "", 40), ("2", "", 60), ("1.1", "", 40), ("2.1", "", 60), ("1.1.1", "", 40)))
    assert [r.code for r in ordered(tree)] == ["1", "1.1", "1.1.1", "2", "2.1"]


def test_weights_hand_worked():
    # top: 30 + 60 = 90 (not 100); "1" is 30 but its children 10 + 25 = 35; "2" has an unweighted child: no check
    tree = build_indicator_tree(rows(("1", "", 30), ("1.1", "", 10), ("1.2", "", 25), ("2", "", 60),
                                     ("2.1", "", None), ("2.2", "", 60)))
    assert [w.message for w in tree.warnings] == ["一级指标分值合计为 90，不是 100。", "指标“1”分值为 30，其下级指标分值合计为 35。"]
    assert tree.warnings[1].row == 2


def test_weights_within_tolerance_and_missing_top_weights():
    assert build_indicator_tree(rows(("1", "", 33.333), ("2", "", 33.333), ("3", "", 33.334))).warnings == []
    assert build_indicator_tree(rows(("1", "", 50), ("2", "", None))).warnings[0].message.startswith("部分一级指标")
    assert build_indicator_tree(rows(("1", "", None), ("2", "", None))).warnings == []


def test_duplicates_unknown_parents_cycles():
    tree = build_indicator_tree(rows(("1", "", 50), ("1", "", 50), ("2.1", "", 1), ("3", "9", 1)))
    assert [(p.row, p.message) for p in tree.errors] == [
        (3, "编号“1”与第 2 行重复。"), (4, "按编号推出的上级指标“2”在表中不存在。"), (5, "上级编号“9”在表中不存在。")]
    cyc = build_indicator_tree(rows(("A", "B", 1), ("B", "C", 1), ("C", "A", 1), ("D", "D", 1)))
    messages = [p.message for p in cyc.errors]
    assert messages.count("编号的上下级关系形成循环：A → B → C → A。") == 1
    assert "指标“D”的上级编号不能是它自己。" in messages and len(messages) == 2


def test_cycle_below_a_sound_chain_reported_once():
    tree = build_indicator_tree(rows(("1", "", 1), ("X", "Y", 1), ("Y", "X", 1), ("Z", "X", 1)))
    assert len(tree.errors) == 1 and "X → Y → X" in tree.errors[0].message


def test_roll_up_hand_worked():
    # 1 ← 11 (18), 12 (19.5); 2 ← 21 (25), 22 (unscored); 3 ← 31 ← 311 (unscored)
    parents = {1: None, 11: 1, 12: 1, 2: None, 21: 2, 22: 2, 3: None, 31: 3, 311: 31}
    scores = roll_up_points(parents, {11: 18, 12: 19.5, 21: 25, 22: None, 311: None})
    assert scores[1] == 37.5 and scores[2] == 25 and scores[3] is None and scores[31] is None
    assert scores[0] == 62.5
    assert roll_up_points({}, {})[0] is None


def test_score_bounds():
    assert score_problem(10, 10, "1") == "" and score_problem(None, 10, "1") == ""
    assert "超过其分值 10" in score_problem(10.01, 10, "1")
    assert "不能为负数" in score_problem(-0.5, 10, "1") and "不能为负数" in score_problem(float("nan"), 10, "1")
    assert "超过其分值 100" in score_problem(float("inf"), None, "1")


def test_percent_rounds_half_up():
    assert percent(0, 0) == 0 and percent(1, 3) == 33 and percent(2, 3) == 67 and percent(1, 8) == 13
