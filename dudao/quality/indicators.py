"""What a framework check point can read from 学业质量监测 (frameworks.sources; issue 19 item 6): a school's pass
rate, mean score or value-added in one subject of a round, so the annual assessment can use them.

A rule names {"key": "quality.pass_rate" | "quality.mean" | "quality.value_added", "subject": "数学",
"round": "latest" | <round id>}. Only published rounds are read (what the school itself may see), only rounds
the school took part in, and nothing for a school under the minimum group size (its figures are withheld)."""

from collections.abc import Mapping

import numpy as np
from django.db.models import Avg, Count, Q

from dudao.frameworks.sources import IndicatorValue
from dudao.quality import value_added as va
from dudao.quality.models import Round, RoundStatus, RoundSubject, StudentScore
from dudao.quality.selectors import min_group_size

LATEST = "latest"


def params_check(params: Mapping) -> list[str]:
    """Chinese problems of a quality source's parameters (pure: no database)."""
    problems = []
    subject = params.get("subject")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 32:
        problems.append("质量监测数据来源需要写明学科（如“数学”）。")
    which = params.get("round", LATEST)
    if which != LATEST and not (isinstance(which, int) and not isinstance(which, bool) and which > 0):
        problems.append("质量监测轮次应为“latest”（最近一次）或轮次编号。")
    if params.get("method", "reml") not in ("reml", "ml"):
        problems.append("增值评价的估计方法应为 reml 或 ml。")
    return problems


def _round_subject(school, params: Mapping) -> tuple[Round, RoundSubject] | None:
    """The published round (the latest one the school took part in, or the one named) and its subject."""
    subject_name = params["subject"].strip()
    rounds = Round.objects.filter(status=RoundStatus.PUBLISHED, round_schools__school=school,
                                  subjects__name=subject_name)
    which = params.get("round", LATEST)
    if which != LATEST:
        rounds = rounds.filter(pk=which)
    found = rounds.order_by("-test_date", "-id").first()
    if found is None:
        return None
    return found, found.subjects.get(name=subject_name)


def _note(round_: Round, subject: RoundSubject, what: str) -> str:
    return f"来自质量监测：{round_.title}（{subject.name}{what}）"


def _school_scores(school, round_: Round, subject: RoundSubject):
    """The school's rows of the subject, or None when the school is under the minimum group size."""
    rows = StudentScore.objects.filter(round=round_, subject=subject, school=school)
    min_n = min_group_size(round_.region_id)
    stats = rows.aggregate(n=Count("id"), passed=Count("id", filter=Q(score__gte=subject.pass_line - 1e-9)),
                           mean=Avg("score"))
    return stats if stats["n"] and stats["n"] >= min_n else None


def pass_rate(school, params: Mapping) -> IndicatorValue | None:
    """合格率 (%, one decimal) of the school in the subject."""
    found = _round_subject(school, params)
    stats = found and _school_scores(school, *found)
    if not stats:
        return None
    rate = round(100 * stats["passed"] / stats["n"], 1)
    return IndicatorValue(rate, _note(*found, f"合格率 {rate:g}%，{stats['n']} 人"))


def mean_score(school, params: Mapping) -> IndicatorValue | None:
    """平均分 (two decimals) of the school in the subject."""
    found = _round_subject(school, params)
    stats = found and _school_scores(school, *found)
    if not stats:
        return None
    mean = round(stats["mean"], 2)
    return IndicatorValue(mean, _note(*found, f"平均分 {mean:g}，{stats['n']} 人"))


def value_added_effect(school, params: Mapping) -> IndicatorValue | None:
    """The school's value-added (学校效应, in score points, two decimals): the random-intercept model of the subject's
    score on prior attainment and gender, as the county dashboard fits it by default."""
    found = _round_subject(school, params)
    if not found:
        return None
    round_, subject = found
    min_n = min_group_size(round_.region_id)
    rows = [r for r in StudentScore.objects.filter(round=round_, subject=subject, prior__isnull=False,
                                                   gender__in=("男", "女"))
            .values_list("school__code", "score", "prior", "gender")]
    if sum(1 for r in rows if r[0] == school.code) < min_n:
        return None
    try:
        fitted = va.fit(np.array([r[1] for r in rows], dtype=float), np.array([r[2] for r in rows], dtype=float),
                        np.array([r[0] for r in rows], dtype=object),
                        covariates={"gender": np.array([1.0 if r[3] == "女" else 0.0 for r in rows])},
                        method=params.get("method", "reml"), small_n=min_n)
    except va.ValueAddedError:
        return None
    effect = next((e for e in fitted.schools if e.group == school.code), None)
    if effect is None:
        return None
    value = round(effect.effect, 2)
    label = va.FLAG_LABELS.get(effect.flag, effect.flag)
    return IndicatorValue(value, _note(round_, subject, f"增值 {value:+g} 分，{label}，{effect.n} 人"))
