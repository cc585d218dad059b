"""Levels by rank within quotas (dudao/inspections/quotas.py), hand-worked at the edges."""

import pytest

from dudao.inspections.quotas import Entry, Quota, QuotaError, assign, check

STD = [Quota("优秀", 0.30), Quota("良好", 0.40), Quota("合格")]


def levels(outcome):
    return {p.key: p.level for p in outcome.placed}


def run(scores, quotas=STD, **kw):
    return assign([Entry(f"t{i}", s) for i, s in enumerate(scores)], quotas, **kw)


def test_no_targets():
    out = run([])
    assert out.placed == [] and out.counts == {"优秀": 0, "良好": 0, "合格": 0, "不合格": 0} and out.notes == []


def test_one_target_gets_no_excellent():
    # 30% × 1 = 0.3 → 0 places; 40% × 1 = 0.4 → 0 places; the one target is 合格.
    out = run([99])
    assert levels(out) == {"t0": "合格"} and out.places == {"优秀": 0, "良好": 0, "合格": None}
    assert any("名额为 0" in n for n in out.notes)


def test_three_targets():
    # 30% × 3 = 0.9 → 0; 40% × 3 = 1.2 → 1: 良好 for the first, 合格 for the others.
    out = run([80, 90, 70])
    assert levels(out) == {"t1": "良好", "t0": "合格", "t2": "合格"}
    assert [p.rank for p in out.placed] == [1, 2, 3]


def test_ten_targets():
    # 3 优秀, 4 良好, 3 合格.
    out = run([100 - i for i in range(10)])
    assert [p.level for p in out.placed] == ["优秀"] * 3 + ["良好"] * 4 + ["合格"] * 3
    assert out.counts["优秀"] == 3 and out.counts["良好"] == 4


def test_tie_across_the_quota_edge_drops_all_tied():
    # Ranks 3 and 4 tie at 95: 优秀 has 3 places, 2 taken; the tie of 2 does not fit → both 良好, 优秀 closes
    # (rank 5 may not take the third place).
    out = run([99, 98, 95, 95, 94, 93, 92, 91, 90, 89])
    got = [p.level for p in out.placed]
    assert got[:2] == ["优秀", "优秀"] and got[2:4] == ["良好", "良好"]
    assert out.counts == {"优秀": 2, "良好": 4, "合格": 4, "不合格": 0}
    assert [p.rank for p in out.placed][:5] == [1, 2, 3, 3, 5]
    assert any("并列" in n for n in out.notes)


def test_tie_that_fits_exactly():
    out = run([99, 98, 98, 90, 89, 88, 87, 86, 85, 84])
    assert [p.level for p in out.placed][:4] == ["优秀", "优秀", "优秀", "良好"]


def test_all_tied():
    out = run([80] * 10)
    assert set(levels(out).values()) == {"合格"}


def test_ties_are_two_decimals():
    out = run([90.004, 90.001, 89, 88, 87, 86, 85, 84, 83, 82],
              [Quota("优秀", 0.1), Quota("合格")])
    assert out.counts["优秀"] == 0  # 90.00 and 90.00 tie for the one place


def test_fails_and_vetoes_take_no_place():
    entries = [Entry("a", 95, vetoed=True), Entry("b", 50), Entry("c", 90), Entry("d", None)]
    out = assign(entries, [Quota("优秀", 0.5), Quota("合格")], fail_below=60)
    got = levels(out)
    # n = 3 scored: 优秀 places floor(1.5) = 1 → c; a (veto) and b (< 60) 不合格; d unscored.
    assert got == {"a": "不合格", "b": "不合格", "c": "优秀", "d": ""}
    assert any("未评分" in n for n in out.notes)


def test_min_score_closes_a_level():
    out = run([85, 80, 70], [Quota("优秀", 1.0, min_score=90), Quota("合格")])
    assert set(levels(out).values()) == {"合格"}


def test_minimum_share_that_cannot_be_met_is_explained():
    # 良好 at least 10% of 3 = ceil(0.3) = 1 but at most 20% of 3 = 0 places.
    out = run([90, 80, 70], [Quota("良好", 0.2, min_share=0.1), Quota("合格")])
    assert out.counts["良好"] == 0
    assert any("至少应有 1 个" in n and "只允许 0 个" in n for n in out.notes)


@pytest.mark.parametrize("quotas, fragment", [
    ([Quota("优秀", 0), Quota("合格")], "大于 0%"),
    ([Quota("优秀", -0.1), Quota("合格")], "大于 0%"),
    ([Quota("优秀", 1.5), Quota("合格")], "不超过 100%"),
    ([Quota("优秀", 0.7), Quota("良好", 0.5), Quota("合格")], "合计 120%，超过 100%"),
    ([Quota("优秀", 0.3, min_share=0.4), Quota("合格")], "高于上限"),
    ([Quota("优秀", 0.3), Quota("合格", 0.7)], "不能设比例上限"),
    ([Quota("优秀", 0.5, min_share=0.5), Quota("合格", min_share=0.6)], "下限合计"),
    ([Quota("优秀", 0.3, min_share=-1), Quota("合格")], "0%—100%"),
])
def test_impossible_settings_are_explained(quotas, fragment):
    assert any(fragment in r for r in check(quotas))
    with pytest.raises(QuotaError) as exc:
        run([90, 80], quotas)
    assert fragment in str(exc.value)
