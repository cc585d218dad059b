"""The coverage engine by hand-worked examples: leaves of a tree in order with their path, codes that are not
leaves, each member once per check point, uncovered points flagged, the covered share, codes typed in one cell."""

from dudao.reviews import coverage as engine
from tests.reviews.committee_fixtures import DEFINITION


def test_it_lists_the_leaves_in_tree_order_with_their_path():
    points = engine.leaf_points(DEFINITION)
    assert [p.code for p in points] == ["A1B1.1", "A1B1.2", "A2.1", "A2.2"]
    assert points[0].path == ("教育投入", "经费") and points[2].path == ("校园安全",)


def test_it_skips_malformed_nodes():
    assert engine.leaf_points({"nodes": ["x", {"name": "无编码"}, {"code": "L", "name": "ok"}]}) == [
        engine.Point("L", "ok", ())]
    assert engine.leaf_points({}) == [] and engine.leaf_points("junk") == []


def test_inner_nodes_and_unknown_codes_are_not_check_points():
    points = engine.leaf_points(DEFINITION)
    assert engine.unknown_codes(["A1B1.1", "A1", "A1B1", "Z9", "Z9"], points) == ["A1", "A1B1", "Z9"]


def test_it_computes_coverage_by_hand():
    # 财政局 covers A1B1.1 twice (two duties) and A1B1.2; 公安 covers A2.1; A2.2 is covered by nobody;
    # a code of another framework (Q1) is ignored.
    result = engine.coverage(engine.leaf_points(DEFINITION), [
        ("财政局", ["A1B1.1"]), ("财政局", ["A1B1.1", "A1B1.2"]), ("公安分局", ["A2.1", "Q1"]), ("教委", ["A1B1.1"])])
    assert [(r.point.code, r.members) for r in result.rows] == [
        ("A1B1.1", ["财政局", "教委"]), ("A1B1.2", ["财政局"]), ("A2.1", ["公安分局"]), ("A2.2", [])]
    assert [p.code for p in result.uncovered] == ["A2.2"]
    assert result.share == 0.75


def test_an_empty_framework_has_no_share():
    assert engine.coverage([], [("财政局", ["A1"])]).share is None


def test_codes_typed_in_one_cell_split_on_chinese_and_latin_separators():
    assert engine.split_codes("A1B1.1、A1B1.2，A2.1; A2.2\nA2.1") == ["A1B1.1", "A1B1.2", "A2.1", "A2.2"]
    assert engine.split_codes("") == []
