"""Findings from a round's results: schools under the pass-rate line or 显著低于预期 in value-added become
findings (source 质量监测) with the figure in the text, once per school, subject, round and kind."""

import random

import pytest
from django.urls import reverse

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.core.services import policy_set
from dudao.quality.models import RoundStatus
from dudao.quality.services.loop import SOURCE_TYPE, candidates, findings_from_round
from dudao.quality.services.rounds import round_publish
from dudao.rectification.models import Finding, FindingSource
from tests.quality.factories import add_pupils, make_round

EFFECTS = {0: -10.0, 1: 0.0, 2: 4.0, 4: 1.0}  # index in world.schools_a → school effect (points)


def _round(world, *, status=RoundStatus.PUBLISHED, with_prior=True):
    rng = random.Random(7)
    round_ = make_round(world, status=status)
    for index, effect in EFFECTS.items():
        priors = [rng.gauss(70, 12) for _ in range(30)]
        scores = [max(0.0, min(100.0, 12 + 0.8 * p + effect + rng.gauss(0, 5))) for p in priors]
        add_pupils(round_, "数学", world.schools_a[index], scores, priors if with_prior else None)
        add_pupils(round_, "语文", world.schools_a[index], [75 + rng.gauss(0, 6) for _ in range(30)])
    # A school of 5 pupils, all failing: under the minimum group size, so no pass-rate finding.
    add_pupils(round_, "数学", world.schools_a[3], [20, 25, 30, 35, 40],
               [60, 62, 64, 66, 68] if with_prior else None)
    return round_


def test_schools_under_the_line_and_below_expectation_become_findings_once(world):
    round_ = _round(world)
    raised = findings_from_round(actor=world.office_a, round=round_)
    weak = world.schools_a[0]
    findings = Finding.objects.filter(source=FindingSource.QUALITY)
    assert raised == findings.count() >= 2
    math = round_.subjects.get(name="数学")
    by_kind = {f.source_id.split(":")[2]: f for f in findings.filter(school=weak)}
    assert set(by_kind) == {"pass_rate", "value_added"}
    assert by_kind["pass_rate"].source_id == f"{round_.pk}:{math.pk}:pass_rate"
    assert by_kind["pass_rate"].source_type == SOURCE_TYPE
    text = by_kind["pass_rate"].description
    assert text.startswith("2026学年秋季八年级学业质量监测数学：合格率 ") and "低于 60% 的合格线（全区 " in text
    assert "显著低于预期" in by_kind["value_added"].description and "95% 置信区间" in by_kind["value_added"].description
    assert not findings.filter(school=world.schools_a[3]).filter(source_id__endswith="pass_rate").exists()
    assert not findings.filter(school__in=world.schools_a[1:3]).exists()
    assert findings.filter(region_code__startswith=world.county_a.code).count() == findings.count()
    # Running it again (by hand, or from the publish flow) raises nothing new.
    assert findings_from_round(actor=world.office_a, round=round_) == 0
    assert Finding.objects.filter(source=FindingSource.QUALITY).count() == raised
    assert AuditLog.objects.filter(action="quality.findings_raise").count() == 2


def test_the_pass_rate_line_is_a_policy(world):
    round_ = _round(world)
    policy_set(actor=world.admin, key="quality.finding_pass_rate", value=95, region_code=world.county_a.code)
    found = candidates(round_, actor=world.office_a)
    lines = [c for c in found if c.kind == "pass_rate"]
    assert len({c.school_code for c in lines}) == 4  # every school with enough pupils is under 95%
    assert all("低于 95% 的合格线" in c.description for c in lines)


def test_without_prior_scores_only_the_pass_rate_is_checked(world):
    round_ = _round(world, with_prior=False)
    findings_from_round(actor=world.office_a, round=round_)
    kinds = set(Finding.objects.values_list("source_id", flat=True))
    assert kinds and all(k.endswith("pass_rate") for k in kinds)


def test_refusals(world):
    for status in (RoundStatus.PLANNED, RoundStatus.SCORED):
        unpublished = _round(world, status=status)
        with pytest.raises(ApplicationError, match="结果发布后才能生成问题清单"):
            findings_from_round(actor=world.office_a, round=unpublished)
    scored = make_round(world, title="另一轮", status=RoundStatus.PUBLISHED)
    for actor in (world.office_b, world.principal_a, world.inspector_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            findings_from_round(actor=actor, round=scored)
    assert not Finding.objects.exists()


def test_the_office_button(world, login):
    round_ = _round(world)
    url = reverse("quality:round_findings", args=[round_.pk])
    for user in (world.office_b, world.principal_a, world.inspector_a, world.leader_a):
        assert login(user).post(url).status_code == 404
    assert not Finding.objects.exists()
    client = login(world.office_a)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    count = Finding.objects.count()
    assert count and f"已生成 {count} 条问题" in page
    again = client.post(url, follow=True).content.decode()
    assert "没有需要新增的问题" in again and Finding.objects.count() == count
    assert client.post(reverse("quality:round_findings", args=[999999])).status_code == 404


def test_the_round_page_shows_the_button_to_the_office_only(world, login):
    round_ = _round(world, status=RoundStatus.PUBLISHED)
    url = reverse("quality:round_detail", args=[round_.pk])
    assert "生成问题清单" in login(world.office_a).get(url).content.decode()
    assert "生成问题清单" not in login(world.principal_a).get(url).content.decode()


def test_publishing_a_round_raises_its_findings(world):
    round_ = _round(world, status=RoundStatus.SCORED)
    assert not Finding.objects.exists()  # scored: the schools cannot read their results yet, nor findings on them
    round_publish(actor=world.office_a, round=round_)
    raised = Finding.objects.filter(source=FindingSource.QUALITY).count()
    assert raised >= 2
    assert findings_from_round(actor=world.office_a, round=round_) == 0
