"""A framework check point reads a school's pass rate or mean from a published round (frameworks.sources,
filled by quality): validated in the framework, prefilled in the scoring form with its origin."""

import datetime

import pytest

from dudao.core.errors import ApplicationError
from dudao.frameworks import services as frameworks
from dudao.frameworks.scoring import rule_problems
from dudao.frameworks.sources import indicator_sources, resolve_indicator
from dudao.inspections import selectors as inspection_selectors
from dudao.inspections import services as inspections
from dudao.inspections.models import InspectionStage, Score
from dudao.quality.models import RoundStatus
from tests.quality.factories import add_pupils, make_round

SOURCE = {"key": "quality.pass_rate", "subject": "数学", "round": "latest"}


def test_quality_registers_its_sources():
    assert {"quality.pass_rate", "quality.mean"} <= set(indicator_sources())


@pytest.mark.parametrize("rule, problem", [
    ({"kind": "numeric", "op": ">=", "threshold": 60, "source": {"key": "quality.nope", "subject": "数学"}}, "未知的数据来源"),
    ({"kind": "numeric", "op": ">=", "threshold": 60, "source": "quality.pass_rate"}, "来源标识"),
    ({"kind": "numeric", "op": ">=", "threshold": 60, "source": {"key": "quality.pass_rate"}}, "学科"),
    ({"kind": "numeric", "op": ">=", "threshold": 60, "source": {**SOURCE, "round": "previous"}}, "轮次"),
    ({"kind": "numeric", "op": ">=", "threshold": 60, "source": {**SOURCE, "round": True}}, "轮次"),
    ({"kind": "numeric", "op": ">=", "threshold": 60, "source": {**SOURCE, "round": -3}}, "轮次"),
    ({"kind": "yesno", "source": SOURCE}, "数值指标"),
])
def test_bad_sources_are_refused_in_chinese(rule, problem):
    assert any(problem in p for p in rule_problems(rule))


def test_good_sources_pass():
    assert rule_problems({"kind": "numeric", "op": ">=", "threshold": 60, "source": SOURCE}) == []
    assert rule_problems({"kind": "numeric", "op": ">=", "threshold": 60,
                          "source": {"key": "quality.mean", "subject": "语文", "round": 12}}) == []


def _rounds(world):
    school = world.schools_a[0]
    spring = make_round(world, title="2025学年春季七年级学业质量监测", year=2025, term="spring", grade=7,
                        test_date=datetime.date(2026, 6, 10), status=RoundStatus.PUBLISHED)
    add_pupils(spring, "数学", school, [80] * 10 + [50] * 10)  # 50%
    autumn = make_round(world, status=RoundStatus.PUBLISHED)
    add_pupils(autumn, "数学", school, [90] * 15 + [30] * 5)  # 75%, mean 75
    add_pupils(autumn, "数学", world.schools_a[1], [90] * 5)  # under the minimum group size
    return spring, autumn


def test_resolvers_read_published_rounds_only(world):
    spring, autumn = _rounds(world)
    school = world.schools_a[0]
    found = resolve_indicator(SOURCE, school)
    assert found.value == 75.0 and "2026学年秋季八年级学业质量监测" in found.note and "来自质量监测" in found.note
    assert resolve_indicator({**SOURCE, "round": spring.pk}, school).value == 50.0
    assert resolve_indicator({"key": "quality.mean", "subject": "数学"}, school).value == 75.0
    assert resolve_indicator({**SOURCE, "subject": "物理"}, school) is None
    assert resolve_indicator(SOURCE, world.schools_a[1]) is None  # 5 pupils: withheld
    assert resolve_indicator(SOURCE, world.schools_b[0]) is None  # not in the round
    assert resolve_indicator({**SOURCE, "key": "quality.nope"}, school) is None
    autumn.status = RoundStatus.SCORED
    autumn.save()
    assert resolve_indicator(SOURCE, school).value == 50.0  # not published yet: the spring round is the latest


def _framework(world, source=SOURCE):
    definition = {"nodes": [{"code": "Q", "name": "教育质量", "weight": 100, "children": [
        {"code": "Q1", "name": "数学合格率", "weight": 60,
         "rule": {"kind": "numeric", "op": ">=", "threshold": 60, "unit": "%", "source": source}},
        {"code": "Q2", "name": "课程开齐开足", "weight": 40, "rule": {"kind": "yesno"}}]}]}
    framework = frameworks.framework_create(actor=world.office_a, region=world.county_a, name="质量评价",
                                            kind="school", target="school", definition=definition)
    return frameworks.framework_freeze(actor=world.office_a, framework=framework)


def test_a_framework_with_an_unknown_source_cannot_be_frozen(world):
    with pytest.raises(ApplicationError) as exc:
        _framework(world, {"key": "quality.unknown", "subject": "数学"})
    assert "未知的数据来源" in exc.value.message


def test_the_self_assessment_form_is_prefilled_with_the_figure(world, login):
    _rounds(world)
    framework = _framework(world)
    inspection = inspections.inspection_create(
        actor=world.office_a, county=world.county_a, name="2026年学校年度考核", kind="special", framework=framework,
        year=2026, starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31))
    target = inspections.targets_add(actor=world.office_a, inspection=inspection, schools=world.schools_a[:1])[0]
    inspections.team_assign(actor=world.office_a, target=target, user=world.inspector_a, role="leader")
    inspections.notice_number_set(actor=world.office_a, inspection=inspection, number="甲督〔2026〕9号")
    for stage in (InspectionStage.NOTIFIED, InspectionStage.SELF):
        inspection = inspections.inspection_advance(actor=world.office_a, inspection=inspection, to=stage)
    sheet = inspection_selectors.score_sheet(target, world.principal_a, True)
    q1 = next(row for row in sheet if row["code"] == "Q1")
    assert q1["suggested"] == "75" and q1["value"] == "" and "来自质量监测" in q1["source_note"]
    client = login(world.principal_a)
    page = client.get(f"/inspections/targets/{target.pk}/").content.decode()
    assert 'value="75"' in page and "来自质量监测：2026学年秋季八年级学业质量监测" in page
    assert "数据来源：学业质量监测合格率" in page
    # Saving the form as shown records the prefilled figure with its origin.
    client.post(f"/inspections/targets/{target.pk}/scores/", {"v-Q1": "75", "n-Q1": q1["source_note"], "v-Q2": "达标"})
    saved = Score.objects.get(target=target, leaf="Q1", is_self=True)
    assert saved.value == "75" and "来自质量监测" in saved.note
    # Once a value is recorded, it is what the form shows (no more suggestion).
    again = next(row for row in inspection_selectors.score_sheet(target, world.principal_a, True) if row["code"] == "Q1")
    assert again["value"] == "75" and again["suggested"] == ""


def test_value_added_source(world):
    import random

    rng = random.Random(3)
    round_ = make_round(world, status=RoundStatus.PUBLISHED)
    for index, effect in ((0, -10.0), (1, 0.0), (2, 5.0)):
        priors = [rng.gauss(70, 12) for _ in range(30)]
        add_pupils(round_, "数学", world.schools_a[index],
                   [12 + 0.8 * p + effect + rng.gauss(0, 5) for p in priors], priors)
    source = {"key": "quality.value_added", "subject": "数学"}
    weak = resolve_indicator(source, world.schools_a[0])
    strong = resolve_indicator({**source, "method": "ml"}, world.schools_a[2])
    assert weak.value < -3 and "显著低于预期" in weak.note and "增值" in weak.note
    assert strong.value > 1
    assert resolve_indicator({**source, "subject": "语文"}, world.schools_a[0]) is None  # no scores
    assert rule_problems({"kind": "numeric", "op": ">=", "threshold": 0, "source": {**source, "method": "ols"}})


def test_the_framework_editor_sets_and_keeps_a_source(world, login):
    from django.urls import reverse

    from dudao.frameworks.models import Framework

    definition = {"nodes": [{"code": "Q", "name": "教育质量", "weight": 100, "children": [
        {"code": "Q1", "name": "数学合格率", "weight": 100, "rule": {"kind": "numeric", "op": ">=", "threshold": 60}}]}]}
    framework = frameworks.framework_create(actor=world.office_a, region=world.county_a, name="质量评价",
                                            kind="school", target="school", definition=definition)
    client = login(world.office_a)
    fields = {"code": "Q1", "name": "数学合格率", "weight": 100, "kind": "numeric", "op": ">=", "threshold": 60,
              "unit": "%", "source_key": "quality.pass_rate", "source_subject": "数学", "source_round": ""}
    client.post(reverse("frameworks:node_update", args=[framework.pk]), fields)
    leaf = Framework.objects.get(pk=framework.pk).definition["nodes"][0]["children"][0]
    assert leaf["rule"]["source"] == {"key": "quality.pass_rate", "subject": "数学", "round": "latest"}
    page = client.get(reverse("frameworks:detail", args=[framework.pk]) + "?edit=Q1").content.decode()
    assert 'value="quality.pass_rate" selected' in page and "数据来源：学业质量监测合格率" in page
    bad = client.post(reverse("frameworks:node_update", args=[framework.pk]), {**fields, "source_round": "上一次"},
                      follow=True)
    assert "轮次" in bad.content.decode()
    client.post(reverse("frameworks:node_update", args=[framework.pk]), {**fields, "source_key": "quality.nope"})
    leaf = Framework.objects.get(pk=framework.pk).definition["nodes"][0]["children"][0]
    assert leaf["rule"]["source"]["key"] == "quality.pass_rate"  # an unknown key is refused, nothing changed
