"""资格审核 engine against hand-worked cases (no database)."""

import datetime

from dudao.workforce.appointments_engine import CandidateFact, RosterFact, Rules, age_on, review, shares_after

TODAY = datetime.date(2026, 6, 1)
RULES = Rules(age_max=65, retired_years_max=5, fulltime_min=0.30, retired_parttime_max=0.40, max_terms=3)

# 3 full-time + 4 part-time serving today, one part-time retired on 2024-01-01.
ROSTER = [RosterFact(1, True), RosterFact(2, True), RosterFact(3, True), RosterFact(4, False), RosterFact(5, False),
          RosterFact(6, False), RosterFact(7, False, datetime.date(2024, 1, 1))]


def new(key, *, full_time=False, retired=None, birth=datetime.date(1975, 3, 1), home=None):
    return CandidateFact(key=key, name=f"候选{key}", full_time=full_time, birth_date=birth, retirement_date=retired,
                         home_school_id=home)


def codes(flags):
    return sorted(f.code for f in flags)


def test_age_is_whole_years_on_the_day():
    assert age_on(datetime.date(1960, 6, 2), TODAY) == 65  # birthday tomorrow
    assert age_on(datetime.date(1960, 6, 1), TODAY) == 66  # birthday today


def test_hand_worked_batch():
    # A serving teacher; B retired 3.25 years; C retired 6.4 years; D retired 1.4 years — all part-time.
    batch = [new(1), new(2, retired=datetime.date(2023, 3, 1)), new(3, retired=datetime.date(2020, 1, 1)),
             new(4, retired=datetime.date(2025, 1, 1))]
    flags, shares = review(ROSTER, batch, rules=RULES, today=TODAY)
    # after: 11 serving, 3 full-time = 27.3 % < 30 %; 8 part-time, 4 retired = 50 % > 40 %
    assert (shares.full, shares.total, shares.retired_parttime, shares.parttime) == (3, 11, 4, 8)
    assert codes(flags[1]) == ["fulltime_share"]
    assert codes(flags[2]) == ["fulltime_share", "retired_share"]
    assert codes(flags[3]) == ["fulltime_share", "retired_share", "retired_years"]
    assert codes(flags[4]) == ["fulltime_share", "retired_share"]
    messages = {f.code: f.message for f in flags[3]}
    assert messages["fulltime_share"] == "任命本批后专职督学占比为 27.3%（专职 3 名 / 在岗 11 名），低于 30.0% 的下限。"
    assert messages["retired_share"] == "任命本批后退休人员占兼职督学比例为 50.0%（退休 4 名 / 兼职 8 名），超过 40.0% 的上限。"
    assert messages["retired_years"] == "已退休 6.4 年，超过 5 年的上限。"
    assert not any(f.hard for fs in flags.values() for f in fs)


def test_rules_are_data():
    batch = [new(1), new(2, retired=datetime.date(2023, 3, 1))]
    # after: 9 serving, 3 full-time = 33.3 %; 6 part-time, 2 retired = 33.3 %: passes the defaults
    flags, _ = review(ROSTER, batch, rules=RULES, today=TODAY)
    assert flags == {1: [], 2: []}
    stricter = Rules(age_max=45, retired_years_max=3, fulltime_min=0.40, retired_parttime_max=0.30, max_terms=3)
    flags, _ = review(ROSTER, batch, rules=stricter, today=TODAY)
    assert codes(flags[1]) == ["age", "fulltime_share"]  # 51 years old
    assert codes(flags[2]) == ["age", "fulltime_share", "retired_share", "retired_years"]


def test_a_full_time_candidate_raises_the_share_and_is_not_flagged_for_it():
    flags, shares = review(ROSTER, [new(1, full_time=True), new(2), new(3)], rules=RULES, today=TODAY)
    assert (shares.full, shares.total) == (4, 10)
    assert flags == {1: [], 2: [], 3: []}
    flags, _ = review(ROSTER, [new(1, full_time=True, retired=datetime.date(2025, 1, 1))], rules=RULES, today=TODAY)
    assert codes(flags[1]) == ["retired_fulltime"]


def test_renewal_counted_once_and_third_term_is_hard():
    third = CandidateFact(key=9, name="老督学", full_time=False, birth_date=datetime.date(1970, 1, 1), renewing_id=4,
                          renewing_term_no=3)
    second = CandidateFact(key=8, name="二届督学", full_time=False, birth_date=datetime.date(1970, 1, 1), renewing_id=5,
                           renewing_term_no=2)
    shares = shares_after(ROSTER, [third, second], TODAY)
    assert (shares.full, shares.total) == (3, 7)  # the same people as today
    flags, _ = review(ROSTER, [third, second], rules=RULES, today=TODAY)
    assert [(f.code, f.hard) for f in flags[9]] == [("third_term", True)]
    assert "已连续聘任 3 届，达到上限 3 届，不得续聘" in flags[9][0].message
    assert flags[8] == []
    four = Rules(age_max=65, retired_years_max=5, fulltime_min=0.30, retired_parttime_max=0.40, max_terms=4)
    assert review(ROSTER, [third], rules=four, today=TODAY)[0] == {9: []}


def test_renewal_recusal_and_inactive():
    c = CandidateFact(key=1, name="甲", full_time=False, birth_date=datetime.date(1970, 1, 1), home_school_id=5,
                      renewing_id=4, renewing_term_no=1, renewing_school_ids=frozenset({5, 6}))
    flags, _ = review(ROSTER, [c], rules=RULES, today=TODAY)
    assert codes(flags[1]) == ["recusal"]
    assert not flags[1][0].hard
    gone = CandidateFact(key=2, name="乙", full_time=False, birth_date=datetime.date(1970, 1, 1), renewing_id=4,
                         renewing_term_no=1, renewing_active=False)
    assert [(f.code, f.hard) for f in review(ROSTER, [gone], rules=RULES, today=TODAY)[0][2]] == [("renew_inactive", True)]
    full = CandidateFact(key=3, name="丙", full_time=False, birth_date=datetime.date(1970, 1, 1), renewing_id=1,
                         renewing_full_time=True, renewing_term_no=1)
    assert [f.code for f in review(ROSTER, [full], rules=RULES, today=TODAY)[0][3]] == ["renew_fulltime"]


def test_empty_county():
    flags, shares = review([], [new(1)], rules=RULES, today=TODAY)
    assert (shares.full, shares.total) == (0, 1)
    assert codes(flags[1]) == ["fulltime_share"]
