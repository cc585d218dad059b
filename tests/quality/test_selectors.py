"""Scope of the quality reads: who sees which round's results, which schools, when the drawn subject, what is
withheld; everything out of scope is the same 404."""

import datetime
import re

import pytest
import time_machine
from django.http import Http404

from dudao.core.models import Policy
from dudao.quality import selectors
from dudao.quality.models import RoundStatus, StudentScore, SubjectKind
from tests.quality.factories import DRAWN, add_scores, make_round

BEFORE_TEST_DAY = datetime.datetime(2026, 11, 9, 15, 30, tzinfo=datetime.UTC)  # 2026-11-09 23:30 Beijing
ON_TEST_DAY = datetime.datetime(2026, 11, 9, 16, 30, tzinfo=datetime.UTC)      # 2026-11-10 00:30 Beijing


def pupils(school, count, start, *, subject="语文", base=50.0, step=3.0, prior=True):
    """`count` pupils of one school with scores base, base + step, … and class 1班/2班 alternating."""
    return [{"school": school.code, "subject": subject, "student": f"S{start + i:05d}", "score": base + step * i,
             "prior": (base + step * i) * 0.9 if prior else None, "gender": "女" if i % 2 else "男",
             "class_name": f"{1 + i % 2}班"} for i in range(count)]


def fill(rnd, world):
    """Schools 1 and 2 of district A: 12 pupils each; school 3: 3 pupils (under the default min n of 10)."""
    a = world.schools_a
    rows = pupils(a[0], 12, 0) + pupils(a[1], 12, 100, base=40) + pupils(a[2], 3, 200, base=70)
    rows += [{**r, "subject": "科学"} for r in rows]
    add_scores(rnd, rows)
    return rnd


@pytest.fixture
def scored(world):
    return fill(make_round(world, status=RoundStatus.SCORED, drawn=DRAWN), world)


@pytest.fixture
def published(world):
    return fill(make_round(world, drawn=DRAWN, status=RoundStatus.PUBLISHED), world)


def subject(rnd, name="语文"):
    return rnd.subjects.get(name=name)


def codes(result):
    return [s["code"] for s in result["schools"]]


def test_office_sees_every_school_once_scored(world, scored):
    result = selectors.subject_results(scored, subject(scored), user=world.office_a)
    assert result["view"] == "county" and result["min_n"] == 10
    assert codes(result) == [s.code for s in world.schools_a]
    assert result["county"]["n"] == 27
    small = result["schools"][2]
    assert small["n"] == 3 and small["withheld"] is True and small["mean"] == pytest.approx(73)  # office: figures kept
    empty = result["schools"][3]
    assert empty["n"] == 0 and empty["mean"] is None and empty["withheld"] is True
    assert sum(b["count"] for b in result["bands"]) == 27 and len(result["bands"]) == 10
    first = result["schools"][0]
    assert first["gap_mean"] == pytest.approx(first["mean"] - result["county"]["mean"])


def test_district_b_sees_nothing(world, published):
    assert not selectors.rounds_visible(world.office_b).exists()
    for call in (lambda: selectors.subject_results(published, subject(published), user=world.office_b),
                 lambda: selectors.school_results(published, world.schools_a[0], user=world.office_b),
                 lambda: selectors.student_rows(published, user=world.office_b),
                 lambda: selectors.school_trend(world.schools_a[0], user=world.office_b)):
        with pytest.raises(Http404):
            call()


def test_school_user_only_after_publish_and_only_own_school(world, scored, published):
    principal = world.principal_a
    assert set(selectors.rounds_visible(principal)) == {scored, published}  # the round itself is visible
    with pytest.raises(Http404):
        selectors.subject_results(scored, subject(scored), user=principal)
    with pytest.raises(Http404):
        selectors.school_results(scored, world.schools_a[0], user=principal)
    result = selectors.subject_results(published, subject(published), user=principal)
    assert result["view"] == "school" and codes(result) == [world.schools_a[0].code]
    assert result["county"]["n"] == 27 and result["county"]["mean"] is not None  # county aggregates allowed
    with pytest.raises(Http404):
        selectors.school_results(published, world.schools_a[1], user=principal)
    own = selectors.school_results(published, world.schools_a[0], user=principal)
    assert own["school"]["code"] == world.schools_a[0].code


def test_inspector_sees_their_schools_with_small_ones_withheld(world, published):
    result = selectors.subject_results(published, subject(published), user=world.inspector_a)
    assert codes(result) == [s.code for s in world.schools_a[:3]]
    small = result["schools"][2]
    assert small["withheld"] is True and small["n"] == 3
    assert small["mean"] is None and small["pass_rate"] is None and small["gap_mean"] is None
    assert result["county"]["n"] == 27  # the withheld school still counts in the county
    with pytest.raises(Http404):
        selectors.school_results(published, world.schools_a[4], user=world.inspector_a)
    school = selectors.school_results(published, world.schools_a[2], user=world.inspector_a)
    assert school["subjects"][0]["school"]["mean"] is None and school["subjects"][0]["bands"] == []


def test_school_classes_and_genders_withheld_under_min_n(world, published):
    result = selectors.school_results(published, world.schools_a[0], user=world.principal_a)
    chinese = result["subjects"][0]
    assert chinese["subject"]["name"] == "语文"
    assert chinese["school"]["n"] == 12 and chinese["school"]["withheld"] is False
    assert chinese["county"]["n"] == 27
    assert [c["class_name"] for c in chinese["classes"]] == ["1班", "2班"]
    assert all(c["n"] == 6 and c["withheld"] and c["mean"] is None for c in chinese["classes"])
    assert all(g["withheld"] and g["mean"] is None for g in chinese["genders"])
    assert sum(b["count"] for b in chinese["bands"]) == 12
    office = selectors.school_results(published, world.schools_a[0], user=world.office_a)
    assert all(c["withheld"] and c["mean"] is not None for c in office["subjects"][0]["classes"])


def test_min_n_from_the_county_policy(world, published):
    Policy.objects.create(key="quality.min_group_size", region_code=world.county_a.code, value=3)
    result = selectors.subject_results(published, subject(published), user=world.inspector_a)
    assert result["min_n"] == 3 and result["schools"][2]["withheld"] is False
    assert result["schools"][2]["mean"] == pytest.approx(73)
    classes = selectors.school_results(published, world.schools_a[0], user=world.principal_a)["subjects"][0]["classes"]
    assert all(not c["withheld"] and c["mean"] is not None for c in classes)


def test_leader_sees_the_county_once_published(world, scored, published):
    with pytest.raises(Http404):
        selectors.subject_results(scored, subject(scored), user=world.leader_a)
    result = selectors.subject_results(published, subject(published), user=world.leader_a)
    assert len(result["schools"]) == 5 and result["schools"][2]["mean"] is None  # withheld for non-office
    with pytest.raises(Http404):
        selectors.student_rows(published, user=world.leader_a)


def test_student_rows_office_only(world, published):
    assert selectors.student_rows(published, user=world.office_a).count() == 54
    for user in (world.principal_a, world.inspector_a, world.leader_a, world.office_b, world.expert):
        with pytest.raises(Http404):
            selectors.student_rows(published, user=user)


def test_subject_of_another_round_is_404(world, published, scored):
    with pytest.raises(Http404):
        selectors.subject_results(published, subject(scored), user=world.office_a)


def test_planned_round_has_no_results(world):
    planned = make_round(world, drawn=DRAWN, status=RoundStatus.PLANNED)
    with pytest.raises(Http404):
        selectors.subject_results(planned, subject(planned), user=world.office_a)


@pytest.mark.parametrize(("moment", "announced"), [(BEFORE_TEST_DAY, False), (ON_TEST_DAY, True)])
def test_drawn_subject_hidden_from_schools_before_the_test_date(world, published, moment, announced):
    with time_machine.travel(moment, tick=False):
        names = [s.name for s in selectors.round_subjects(published, user=world.principal_a)]
        assert names == (["语文", "数学", "科学"] if announced else ["语文", "数学"])
        office = [s.name for s in selectors.round_subjects(published, user=world.office_a)]
        assert office == ["语文", "数学", "科学"]
        drawn = published.subjects.get(kind=SubjectKind.DRAWN)
        if announced:
            assert selectors.subject_results(published, drawn, user=world.principal_a)["county"]["n"] == 27
        else:
            with pytest.raises(Http404):
                selectors.subject_results(published, drawn, user=world.principal_a)
        assert selectors.subject_results(published, drawn, user=world.office_a)["county"]["n"] == 27
        school = selectors.school_results(published, world.schools_a[0], user=world.principal_a)
        assert ("科学" in [s["subject"]["name"] for s in school["subjects"]]) is announced


def test_school_trend_across_rounds(world):
    spring = fill(make_round(world, drawn=DRAWN, status=RoundStatus.PUBLISHED, year=2025, term="spring",
                             test_date=datetime.date(2026, 4, 20)), world)
    autumn = make_round(world, drawn=DRAWN, status=RoundStatus.PUBLISHED, year=2026, term="autumn")
    rows = pupils(world.schools_a[0], 12, 0, base=55) + pupils(world.schools_a[1], 12, 100, base=40)
    add_scores(autumn, rows)
    draft = fill(make_round(world, drawn=DRAWN, status=RoundStatus.SCORED, year=2027), world)
    trend = selectors.school_trend(world.schools_a[0], user=world.principal_a, subject_name="语文")
    assert [r["round_id"] for r in trend] == [spring.pk, autumn.pk]  # the unpublished round is not shown
    assert trend[0]["change_mean"] is None and trend[1]["change_mean"] == pytest.approx(5)
    assert trend[1]["gap_mean"] == pytest.approx(trend[1]["mean"] - trend[1]["county_mean"])
    office = selectors.school_trend(world.schools_a[0], user=world.office_a, subject_name="语文")
    assert [r["round_id"] for r in office] == [spring.pk, autumn.pk, draft.pk]
    small = selectors.school_trend(world.schools_a[2], user=world.inspector_a, subject_name="语文")
    assert small and all(r["withheld"] and r["mean"] is None for r in small)
    with pytest.raises(Http404):
        selectors.school_trend(world.schools_a[1], user=world.principal_a)


def test_bad_scores_do_not_crash(world):
    rnd = make_round(world, drawn=DRAWN, status=RoundStatus.SCORED)
    add_scores(rnd, [(world.schools_a[0].code, "语文", f"S{i}", 70.0) for i in range(12)])
    result = selectors.subject_results(rnd, subject(rnd), user=world.office_a)
    assert result["county"]["sd"] == 0 and result["schools"][0]["sd"] == 0
    empty = selectors.subject_results(rnd, subject(rnd, "数学"), user=world.office_a)
    assert empty["county"]["n"] == 0 and empty["bands"] == [] and all(s["n"] == 0 for s in empty["schools"])
    assert StudentScore.objects.filter(round=rnd).count() == 12


def va_rows(world, *, per_school=15, blank_gender=0):
    """Four schools of district A with school effects −6, −2, +2, +6 and prior attainment with some noise."""
    rows = []
    for k, (school, effect) in enumerate(zip(world.schools_a[:4], (-6, -2, 2, 6), strict=True)):
        for i in range(per_school):
            prior = 40 + 3 * i + k
            noise = ((i * 7 + k * 3) % 11) - 5
            rows.append({"school": school.code, "subject": "语文", "student": f"V{k}{i:03d}",
                         "score": min(100, max(0, 10 + 0.8 * prior + effect + noise)), "prior": float(prior),
                         "gender": "" if i < blank_gender else ("女" if i % 2 else "男"),
                         "class_name": "1班"})
    return rows


def test_value_added_for_the_office_and_a_school(world):
    rnd = make_round(world, drawn=DRAWN, status=RoundStatus.PUBLISHED)
    add_scores(rnd, va_rows(world, blank_gender=1))
    result = selectors.value_added(rnd, subject(rnd), user=world.office_a)
    assert "error" not in result, result
    assert result["method"] == "reml" and result["n_schools"] == 4 and result["n_students"] == 56
    assert list(result["fixed"])[:3] == ["intercept", "prior", "gender"]
    assert any("未填写性别" in w for w in result["warnings"])
    assert [s["code"] for s in result["schools"]] == [s.code for s in world.schools_a[:4]]
    effects = [s["effect"] for s in result["schools"]]
    assert effects == sorted(effects)  # the school effects come out in the order they were made
    assert all(s["flag_label"] in ("显著高于预期", "符合预期", "显著低于预期") for s in result["schools"])
    plain = selectors.value_added(rnd, subject(rnd), user=world.office_a, method="ml", covariates=())
    assert plain["n_students"] == 60 and list(plain["fixed"]) == ["intercept", "prior"] and plain["method"] == "ml"
    assert not any("性别" in w for w in plain["warnings"])
    own = selectors.value_added(rnd, subject(rnd), user=world.principal_a)
    assert [s["code"] for s in own["schools"]] == [world.schools_a[0].code] and own["n_schools"] == 4
    inspector = selectors.value_added(rnd, subject(rnd), user=world.inspector_a)
    assert [s["code"] for s in inspector["schools"]] == [s.code for s in world.schools_a[:3]]
    with pytest.raises(Http404):
        selectors.value_added(rnd, subject(rnd), user=world.office_b)


def test_value_added_says_why_it_cannot_be_computed(world):
    rnd = make_round(world, drawn=DRAWN, status=RoundStatus.SCORED)
    assert "尚无学生成绩" in selectors.value_added(rnd, subject(rnd), user=world.office_a)["error"]
    add_scores(rnd, [{**r, "prior": None} for r in va_rows(world)])
    assert "前测成绩" in selectors.value_added(rnd, subject(rnd), user=world.office_a)["error"]
    one = make_round(world, drawn=DRAWN, status=RoundStatus.SCORED)
    add_scores(one, [r for r in va_rows(world) if r["school"] == world.schools_a[0].code])
    error = selectors.value_added(one, subject(one), user=world.office_a)["error"]
    assert re.search("[\u4e00-\u9fff]", error)  # a Chinese reason from the engine
    assert "reml" in selectors.value_added(one, subject(one), user=world.office_a, method="lm")["error"]
    assert "协变量" in selectors.value_added(one, subject(one), user=world.office_a, covariates=("age",))["error"]


def test_foreign_and_malformed_inputs(world, published):
    with pytest.raises(Http404):
        selectors.school_results(published, world.schools_b[0], user=world.office_a)  # not in the round
    with pytest.raises(Http404):
        selectors.school_results(published, world.schools_a[0], user=world.town_a)   # no scope over the round
    add_scores(published, va_rows(world)[15:30])  # pupils with noisy prior scores, so the model can be fitted
    chinese = subject(published)
    assert selectors.value_added(published, chinese, user=world.office_a, method="REML")["method"] == "reml"
    assert "error" in selectors.value_added(published, chinese, user=world.office_a, method=None)
    by_text = selectors.value_added(published, chinese, user=world.office_a, covariates="gender")
    assert by_text["covariates"] == ["gender"]
    assert "<script>" in selectors.value_added(published, chinese, user=world.office_a,
                                                covariates=["<script>"])["error"]  # echoed as data, escaped by pages


def _va_round(world, *, status=RoundStatus.PUBLISHED, title=""):
    import random

    from tests.quality.factories import add_pupils

    rng = random.Random(3)
    rnd = make_round(world, status=status, title=title, schools=world.schools_a[:4])
    for index, school in enumerate(world.schools_a[:4]):
        count = 3 if index == 0 else 30  # principal_a's school: under the minimum group size
        priors = [rng.gauss(70, 10) for _ in range(count)]
        add_pupils(rnd, "数学", school, [min(100, max(0, 10 + 0.8 * p + 3 * index + rng.gauss(0, 5)))
                                         for p in priors], priors)
    return rnd


def test_a_small_schools_value_added_is_withheld_from_everyone_but_the_office(world):
    rnd = _va_round(world)
    math = rnd.subjects.get(name="数学")
    own = selectors.value_added(rnd, math, user=world.principal_a)["schools"]
    assert [s["code"] for s in own] == [world.schools_a[0].code]
    assert own[0]["withheld"] and own[0]["n"] == 3 and own[0]["flag"] == "withheld"
    assert all(own[0][k] is None for k in ("effect", "se", "ci_low", "ci_high", "residual_mean", "shrinkage"))
    county = {s["code"]: s for s in selectors.value_added(rnd, math, user=world.leader_a)["schools"]}
    assert county[world.schools_a[0].code]["effect"] is None and county[world.schools_a[1].code]["effect"] is not None
    office = {s["code"]: s for s in selectors.value_added(rnd, math, user=world.office_a)["schools"]}
    assert office[world.schools_a[0].code]["effect"] is not None and not office[world.schools_a[0].code]["withheld"]


def test_a_schools_trend_as_the_school_reads_it_leaves_out_unpublished_rounds(world):
    _va_round(world, title="已发布轮次")
    later = _va_round(world, status=RoundStatus.SCORED, title="未发布轮次")
    later.year, later.test_date = 2027, datetime.date(2027, 11, 10)
    later.save()
    school = world.schools_a[1]
    office_view = {row["round_title"] for row in selectors.school_trend(school, user=world.office_a)}
    assert office_view == {"已发布轮次", "未发布轮次"}
    facing = selectors.school_trend(school, user=world.office_a, school_facing=True)
    assert {row["round_title"] for row in facing} == {"已发布轮次"}
