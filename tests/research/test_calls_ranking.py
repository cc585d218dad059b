"""The ranking engine against hand-worked examples (research/ranking.py)."""

from decimal import Decimal

from dudao.research.ranking import EntryInput, entry_mean, quota_counts, rank_entries

QUOTAS = [("first", 1), ("second", 1), ("third", 2), ("merit", 0)]


def test_mean_of_all_totals_below_the_trim_threshold():
    # (80 + 90 + 85) / 3 = 85.00 — three experts, no trimming
    assert entry_mean((80, 90, 85), trim_min=5) == (Decimal("85.00"), 3)


def test_mean_drops_highest_and_lowest_from_five_experts():
    # 60 70 80 90 100 → drop 60 and 100 → (70 + 80 + 90) / 3 = 80.00
    assert entry_mean((100, 60, 80, 90, 70), trim_min=5) == (Decimal("80.00"), 3)
    # four experts stay untrimmed: (60 + 70 + 80 + 90) / 4 = 75.00
    assert entry_mean((60, 70, 80, 90), trim_min=5) == (Decimal("75.00"), 4)


def test_mean_rounds_half_up():
    # (80 + 81 + 81) / 3 = 80.666… → 80.67; (80.005) → 80.01 (half up, not banker's)
    assert entry_mean((80, 81, 81), trim_min=5)[0] == Decimal("80.67")
    assert entry_mean((80.005,), trim_min=5)[0] == Decimal("80.01")


def test_no_scores_no_mean():
    assert entry_mean((), trim_min=5) == (None, 0)


def test_quota_counts_as_shares_round_half_up():
    # 25 ranked entries: 10% → 2.5 → 3; 20% → 5; 30% → 7.5 → 8
    assert quota_counts([("first", 10), ("second", 20), ("third", 30)], "share", 25) == [
        ("first", 3), ("second", 5), ("third", 8)]
    assert quota_counts([("first", 2)], "count", 25) == [("first", 2)]


def test_ranking_with_quotas_and_ties_broken_by_lowest_total_then_count_then_seq():
    entries = [
        EntryInput(1, 1, "E1", "", (90, 80)),        # mean 85.00, lowest 80
        EntryInput(2, 2, "E2", "", (86, 84)),        # mean 85.00, lowest 84 → before E1
        EntryInput(3, 3, "E3", "", (95, 95)),        # 95.00 → 1st
        EntryInput(4, 4, "E4", "", (70,)),           # 70.00
        EntryInput(5, 5, "E5", "", (70,)),           # 70.00, same lowest and count as E4 → seq decides: E4 first
        EntryInput(6, 6, "E6", "", ()),              # unscored → not ranked
    ]
    rows = {r.code: r for r in rank_entries(entries, trim_min=5, quotas=QUOTAS)}
    assert [(c, rows[c].rank, rows[c].award) for c in ("E3", "E2", "E1", "E4", "E5")] == [
        ("E3", 1, "first"), ("E2", 2, "second"), ("E1", 3, "third"), ("E4", 4, "third"), ("E5", 5, "")]
    assert rows["E6"].rank is None and rows["E6"].award == "" and "无专家评分" in rows["E6"].note
    assert rows["E2"].tied_with == ["E1"] and "按最低分高者在前" in rows["E2"].note
    assert "提交先后" in rows["E5"].note and rows["E5"].tied_with == ["E4"]
    assert rows["E3"].note == ""


def test_tie_on_lowest_broken_by_number_of_experts():
    entries = [EntryInput(1, 1, "A", "", (80, 80)), EntryInput(2, 2, "B", "", (80, 80, 80))]
    rows = rank_entries(entries, trim_min=5, quotas=[("first", 1)])
    assert [(r.code, r.rank, r.award) for r in rows] == [("B", 1, "first"), ("A", 2, "")]
    assert "评分专家多者在前" in rows[0].note


def test_per_category_ranks_each_group_with_its_own_quota():
    entries = [EntryInput(1, 1, "D1", "德育", (90,)), EntryInput(2, 2, "D2", "德育", (80,)),
               EntryInput(3, 3, "T1", "教学", (70,)), EntryInput(4, 4, "T2", "教学", (60,))]
    rows = {r.code: r for r in rank_entries(entries, trim_min=5, quotas=[("first", 1), ("second", 1)],
                                            per_category=True)}
    assert (rows["D1"].rank, rows["D1"].award, rows["T1"].rank, rows["T1"].award) == (1, "first", 1, "first")
    assert (rows["D2"].award, rows["T2"].award) == ("second", "second")


def test_share_quota_over_a_small_group_and_quotas_larger_than_the_field():
    entries = [EntryInput(i, i, f"E{i}", "", (100 - i,)) for i in range(1, 4)]
    # 3 entries, 50% first → 1.5 → 2; 50% second → 2 but only one entry is left
    rows = rank_entries(entries, trim_min=5, quotas=[("first", 50), ("second", 50)], basis="share")
    assert [r.award for r in rows] == ["first", "first", "second"]
