"""Closing the loop (issue 19 item 6): a round's results become findings (source 质量监测) on the schools that are
under the pass-rate line in a subject, or whose value-added is 显著低于预期, with the figure in the text.

Once per school, subject, round and kind: a finding is keyed by source_type "quality_round" and source_id
"<round>:<subject>:<kind>" on its school, so running it again (or on the publish of the round, after the office
ran it by hand) raises nothing new. The office calls it from the round page; the publish flow may call
`findings_from_round(actor=…, round=…)` too."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.scope import require_office_for
from dudao.quality import selectors
from dudao.quality.models import Round, RoundStatus
from dudao.rectification.models import Finding, FindingSource, FollowUp
from dudao.rectification.services import finding_raise
from dudao.schools.models import School

SOURCE_TYPE = "quality_round"
PASS_RATE, VALUE_ADDED = "pass_rate", "value_added"
KIND_LABELS = {PASS_RATE: "合格率低于合格线", VALUE_ADDED: "增值评价显著低于预期"}
SEVERE_GAP = 20.0  # percentage points under the line that make a pass-rate finding 较重 (severity 2)


@dataclass(frozen=True)
class Candidate:
    school_code: str
    subject_id: int
    kind: str
    description: str
    severity: int


def source_id(round_: Round, subject, kind: str) -> str:
    return f"{round_.pk}:{subject.pk}:{kind}"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def candidates(round_: Round, *, actor) -> list[Candidate]:
    """What the round's results say should become a finding (nothing written). Schools under the minimum group
    size are left out of the pass-rate check (a handful of pupils is no basis for one); their value-added is
    already shrunk toward 0 and is kept."""
    line = float(policy_value("quality.finding_pass_rate", round_.region_id))
    found: list[Candidate] = []
    for subject in round_.subjects.all():
        results = selectors.subject_results(round_, subject, user=actor)
        county = results.get("county") or {}
        for row in results.get("schools", []):
            rate = row.get("pass_rate")
            if row.get("withheld") or rate is None or rate >= line:
                continue
            text = (f"{round_.title}{subject.name}：合格率 {_pct(rate)}，低于 {line:g}% 的合格线"
                    f"（全区 {_pct(county['pass_rate'])}，本校 {row['n']} 人参测）。")
            found.append(Candidate(row["code"], subject.pk, PASS_RATE, text, 2 if rate < line - SEVERE_GAP else 1))
        added = selectors.value_added(round_, subject, user=actor)
        if added.get("error"):
            continue
        for row in added.get("schools", []):
            if row.get("flag") != "below":
                continue
            text = (f"{round_.title}{subject.name}：增值评价显著低于预期——在控制学生前测成绩后，学校效应为 "
                    f"{row['effect']:+.1f} 分（95% 置信区间 {row['ci_low']:.1f}～{row['ci_high']:.1f}，"
                    f"{row['n']} 人）。")
            found.append(Candidate(row["code"], subject.pk, VALUE_ADDED, text, 2))
    return found


@transaction.atomic
def findings_from_round(*, actor, round: Round) -> int:  # noqa: A002 -- the keyword the callers use
    """Raise the round's findings that are not raised yet; returns how many were raised now."""
    require_office_for(actor, round.region_id, "只有本县（区）督导室可以根据质量监测结果生成问题清单。")
    # Serialise two clicks (or the publish flow and a click): the second one sees the first one's findings.
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status == RoundStatus.PLANNED:
        raise ApplicationError("该轮次尚未导入成绩，不能生成问题清单。")
    found = candidates(round_, actor=actor)
    schools = {s.code: s for s in School.objects.filter(quality_rounds__round=round_)}
    existing = set(Finding.objects.filter(source_type=SOURCE_TYPE, source_id__startswith=f"{round_.pk}:")
                   .values_list("school_id", "source_id"))
    subjects = {s.pk: s for s in round_.subjects.all()}
    days = int(policy_value("rectification.default_days", round_.region_id))
    due = timezone.localdate() + datetime.timedelta(days=days)
    raised = 0
    for item in found:
        school = schools.get(item.school_code)
        key = source_id(round_, subjects[item.subject_id], item.kind)
        if school is None or (school.pk, key) in existing:
            continue
        finding_raise(
            actor=actor, source=FindingSource.QUALITY, school=school, source_type=SOURCE_TYPE, source_id=key,
            description=item.description, category="quality", category_label="学业质量监测",
            follow_up=FollowUp.SUGGESTION, severity=item.severity, due_date=due,
            requirement="请分析学业质量监测结果，查找教学管理和课堂教学中的原因，制定改进措施并报送整改报告。")
        existing.add((school.pk, key))
        raised += 1
    audit_record(actor=actor, action="quality.findings_raise", obj=round_, region_code=round_.region_id,
                 after={"raised": raised, "candidates": len(found)})
    return raised
