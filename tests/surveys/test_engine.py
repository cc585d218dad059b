"""The satisfaction engine on hand-counted data, and the questionnaire rules (definition, skip logic, answers)."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.surveys import engine
from dudao.surveys.builtin import TEMPLATES
from dudao.surveys.questionnaire import DefinitionError, check_definition, clean_answers, rated_values


def frame(rows):
    return pl.DataFrame(rows, schema=list(engine.SCHEMA), orient="row").cast(engine.SCHEMA)


# School 1: 3 responses × 2 items = 6 answers, scores 5,4,3,2,1,5 -> satisfied (>=3) 4/6.
# School 2: 2 responses × 1 item: 2, 2 -> 0/2.
ROWS = [(1, 1, "parent", "q2", 5), (1, 1, "parent", "q3.1", 4), (2, 1, "parent", "q2", 3),
        (2, 1, "parent", "q3.1", 2), (3, 1, "parent", "q2", 1), (3, 1, "parent", "q3.1", 5),
        (4, 2, "teacher", "q2", 2), (5, 2, "teacher", "q2", 2)]


def test_overall_rate_mean_and_threshold():
    result = engine.overall(frame(ROWS), engine.Rules(min_responses=1))
    assert result["responses"] == 5 and result["answers"] == 8 and result["satisfied"] == 4
    assert result["rate"] == pytest.approx(0.5)
    assert result["mean"] == pytest.approx(24 / 8)
    assert result["passes"] is False
    assert engine.overall(frame(ROWS), engine.Rules(threshold=0.5))["passes"] is True


def test_satisfied_level_is_a_setting():
    # Counting only 非常满意 and 满意 (>=4): 3 of 8.
    assert engine.overall(frame(ROWS), engine.Rules(satisfied_min=4))["rate"] == pytest.approx(3 / 8)


def test_schools_below_minimum_responses_are_withheld_but_count_overall():
    table = engine.by_school(frame(ROWS), engine.Rules(min_responses=3)).to_dicts()
    first, second = table
    assert first["school"] == 1 and first["responses"] == 3 and first["rate"] == pytest.approx(4 / 6)
    assert first["withheld"] is False and first["passes"] is False
    assert second["responses"] == 2 and second["withheld"] is True and second["rate"] is None and second["mean"] is None
    assert engine.overall(frame(ROWS), engine.Rules(min_responses=3))["answers"] == 8


def test_items_groups_and_distribution():
    items = {row["item"]: row for row in engine.by_item(frame(ROWS)).to_dicts()}
    assert [items["q2"][f"s{v}"] for v in (5, 4, 3, 2, 1)] == [1, 0, 1, 2, 1]
    assert items["q2"]["rate"] == pytest.approx(2 / 5)
    groups = {row["group"]: row for row in engine.by_group(frame(ROWS)).to_dicts()}
    assert groups["teacher"]["rate"] == 0 and groups["parent"]["rate"] == pytest.approx(4 / 6)


def test_low_items_skip_withheld_schools():
    low = engine.low_items(engine.results(frame(ROWS), engine.Rules(min_responses=3)).cells).to_dicts()
    assert {(r["school"], r["item"]) for r in low} == {(1, "q2"), (1, "q3.1")}
    assert all(r["school"] != 2 for r in low)


def test_results_agree_with_the_separate_aggregates():
    rules = engine.Rules(min_responses=3)
    together = engine.results(frame(ROWS), rules)
    assert together.overall == engine.overall(frame(ROWS), rules)
    assert together.schools.equals(engine.by_school(frame(ROWS), rules))
    assert together.items.equals(engine.by_item(frame(ROWS), rules))
    cell = together.cells.filter((pl.col("school") == 2) & (pl.col("item") == "q2")).row(0, named=True)
    assert cell["answers"] == 2 and cell["withheld"] is True and cell["rate"] is None


def test_areas_roll_up_schools_including_withheld_ones():
    schools = engine.results(frame(ROWS), engine.Rules(min_responses=3)).schools
    areas = pl.DataFrame({"school": [1, 2], "area": ["甲街道", "甲街道"]})
    row = engine.by_area(schools, areas, engine.Rules(min_responses=3)).row(0, named=True)
    assert row["responses"] == 5 and row["answers"] == 8 and row["rate"] == pytest.approx(0.5)
    assert row["mean"] == pytest.approx(3.0) and row["withheld"] is False
    alone = engine.by_area(schools, pl.DataFrame({"school": [2], "area": ["乙镇"]}), engine.Rules(min_responses=3))
    assert alone.row(0, named=True)["withheld"] is True


def test_empty_frame():
    assert engine.overall(engine.empty_frame())["rate"] is None
    assert engine.by_school(engine.empty_frame()).is_empty()


@given(st.lists(st.integers(1, 5), min_size=1, max_size=60))
def test_rate_is_the_share_at_or_above_the_satisfied_level(scores):
    rows = [(i, 1, "parent", "q2", s) for i, s in enumerate(scores)]
    result = engine.overall(frame(rows))
    assert result["rate"] == pytest.approx(sum(s >= 3 for s in scores) / len(scores))
    assert 1 <= result["mean"] <= 5


def test_word_frequency_drops_stop_words_and_single_characters():
    words = dict(engine.word_frequency(["希望增加课后服务的内容", "课后服务时间太短", "食堂饭菜要改进"]))
    assert words["课后"] == 2 or words.get("课后服务") == 2
    assert "的" not in words and "希望" not in words


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_shipped_templates_can_be_published(code):
    check_definition(TEMPLATES[code]["definition"])


def test_definition_problems_are_listed_in_chinese():
    bad = {"sections": [{"title": "", "questions": [
        {"code": "q1", "type": "single", "text": "身份", "options": ["家长"]},
        {"code": "q1", "type": "nonsense", "text": "x"},
        {"code": "q3", "type": "text", "text": "说明", "show_if": {"code": "q9", "equals": "是"}}]}]}
    with pytest.raises(DefinitionError) as exc:
        check_definition(bad)
    text = "；".join(exc.value.problems)
    assert "缺少标题" in text and "至少需要 2 个" in text and "重复" in text and "未知题型" in text and "不存在" in text


DEF = TEMPLATES["parent_school"]["definition"]
GOOD = {"q1": "母亲", "q2": 5, "q3": {str(i): 4 for i in range(1, 9)}, "q4": "30分钟以内", "q5": "没有"}


def test_clean_answers_accepts_a_complete_response():
    cleaned, errors = clean_answers(DEF, GOOD)
    assert errors == {} and cleaned["q2"] == 5 and len(cleaned["q3"]) == 8
    assert list(rated_values(DEF, cleaned))[:2] == [("q2", 5), ("q3.1", 4)]


def test_skip_logic_hides_and_drops_the_follow_up_question():
    cleaned, errors = clean_answers(DEF, {**GOOD, "q6": "有人推销教辅"})
    assert errors == {} and "q6" not in cleaned  # q6 is asked only when q5 = 有
    cleaned, errors = clean_answers(DEF, {**GOOD, "q5": "有", "q6": "有人推销教辅"})
    assert cleaned["q6"] == "有人推销教辅"


@pytest.mark.parametrize("change, code, message", [
    ({"q2": None}, "q2", "必答"),
    ({"q2": 6}, "q2", "1—5"),
    ({"q2": "5.0"}, "q2", "1—5"),
    ({"q1": "邻居"}, "q1", "不在本题选项"),
    ({"q3": {"1": 5}}, "q3", "每一项"),
    ({"q3": {"12": 5}}, "q3", "不存在的陈述"),
    ({"q7": "长" * 2001}, "q7", "过长"),
])
def test_bad_answers_are_refused_per_question(change, code, message):
    _cleaned, errors = clean_answers(DEF, {**GOOD, **change})
    assert message in errors[code]


def test_hostile_text_is_kept_as_text():
    cleaned, _errors = clean_answers(DEF, {**GOOD, "q7": "<script>alert(1)</script>"})
    assert cleaned["q7"] == "<script>alert(1)</script>"
