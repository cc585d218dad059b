"""年度综合目标考核 (InspectionKind.ANNUAL): the targets (management centres, directly administered schools…)
ranked by score with levels assigned within the quotas of the county's policy settings (dudao/inspections/
quotas.py), and the office's audited step that writes the levels to the targets (the 结果运用 register reads
them)."""

from django.db import transaction

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.inspections.models import Inspection, InspectionKind, InspectionStage, Target
from dudao.inspections.quotas import Entry, Outcome, Quota, QuotaError, assign
from dudao.inspections.services import _require_office, refuse_archived
from dudao.inspections.targets import TARGET_RELATED

EXCELLENT, GOOD, PASS, FAIL = "优秀", "良好", "合格", "不合格"
# Levels may be applied once the scores are computed (意见反馈) and until the project is archived.
APPLY_STAGES = {InspectionStage.FEEDBACK, InspectionStage.ISSUED, InspectionStage.RECTIFYING,
                InspectionStage.RECHECKED}


def _share(value, label: str, reasons: list[str], what: str = "0—1 之间的小数") -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        reasons.append(f"政策设置“{label}”应为{what}（现为 {value!r}）。")
        return None


def annual_quotas(region_code: str) -> tuple[list[Quota], float | None, list[str]]:
    """The county's quotas: 优秀 ≤ p1, 良好 ≤ p2, 合格 for the rest; below the pass score 不合格."""
    reasons: list[str] = []
    excellent = _share(policy_value("inspections.annual_quota_excellent", region_code), "优秀比例上限", reasons)
    good = _share(policy_value("inspections.annual_quota_good", region_code), "良好比例上限", reasons)
    floor = _share(policy_value("inspections.annual_min_share_excellent", region_code), "优秀比例下限", reasons)
    pass_score = _share(policy_value("inspections.annual_pass_score", region_code), "合格分数线", reasons, "数字")
    if reasons:
        return [], None, reasons
    return [Quota(EXCELLENT, excellent, min_share=floor), Quota(GOOD, good), Quota(PASS)], pass_score, []


def annual_ranking(inspection: Inspection) -> dict:
    """The ranked targets with the levels the quotas give (`proposed`) beside the level stored now."""
    targets = list(inspection.targets.select_related(*TARGET_RELATED))
    quotas, pass_score, reasons = annual_quotas(inspection.county_id)
    outcome: Outcome | None = None
    if not reasons:
        try:
            outcome = assign([Entry(t.pk, t.score, t.vetoed) for t in targets], quotas, fail_level=FAIL,
                             fail_below=pass_score)
        except QuotaError as exc:
            reasons = exc.reasons
    by_pk = {t.pk: t for t in targets}
    rows = [{"target": by_pk[p.key], "score": p.score, "rank": p.rank, "proposed": p.level,
             "current": by_pk[p.key].level} for p in outcome.placed] if outcome else \
        [{"target": t, "score": t.score, "rank": None, "proposed": "", "current": t.level} for t in targets]
    return {"rows": rows, "errors": reasons, "notes": outcome.notes if outcome else [],
            "counts": outcome.counts if outcome else {}, "places": outcome.places if outcome else {},
            "quota_rows": [{"level": q.level, "percent": None if q.max_share is None else round(q.max_share * 100, 1),
                            "places": (outcome.places.get(q.level) if outcome else None)} for q in quotas],
            "pass_score": pass_score, "scored": any(t.computed_at for t in targets)}


@transaction.atomic
def annual_levels_apply(*, actor, inspection: Inspection) -> int:
    """Write the quota levels to the targets; refused with the reasons when the quotas cannot work."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_office(actor, inspection)
    refuse_archived(inspection)
    if inspection.kind != InspectionKind.ANNUAL:
        raise ApplicationError("只有“年度考核”项目按名额定等级。")
    if inspection.stage not in APPLY_STAGES:
        raise ApplicationError("得分在“意见反馈”阶段算出后才能按名额定等级（归档后不能再改）。")
    ranking = annual_ranking(inspection)
    if ranking["errors"]:
        raise ApplicationError("等级名额设置无法执行：" + "；".join(ranking["errors"]))
    changed = []
    for row in ranking["rows"]:
        target: Target = row["target"]
        if target.level != row["proposed"]:
            target.level = row["proposed"]
            changed.append(target)
    Target.objects.bulk_update(changed, ["level"])
    audit_record(actor=actor, action="inspection.annual_levels", obj=inspection, region_code=inspection.county_id,
                 after={"counts": ranking["counts"], "changed": len(changed), "notes": ranking["notes"][:5]})
    return len(changed)
