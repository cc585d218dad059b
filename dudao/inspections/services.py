"""Writes for inspection projects: creation, targets (chosen or sampled with a recorded seed), teams with
recusal, the workflow (declared once in models.INSPECTION_WORKFLOW; every move logged), scores and self-assessment, and
the results computed by frameworks/scoring.py."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, PermissionDenied, RowError
from dudao.core.policy import policy_value
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import require_office_for
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.frameworks.scoring import ScoreError, build_tree, leaf_fraction
from dudao.inspections.evaluation import target_evaluation
from dudao.inspections.models import (
    INSPECTION_WORKFLOW,
    Inspection,
    InspectionKind,
    InspectionStage,
    LeafEvidence,
    Score,
    Target,
    TeamMember,
    TeamRole,
    Transition,
)
from dudao.inspections.opinions import missing_opinions, open_appeals, opinions_issue
from dudao.inspections.targets import TARGET_RELATED, fills_for, recusal_ids, region_of
from dudao.people.selectors import user_recusal_reason

SCORING_STAGES = {InspectionStage.ONSITE, InspectionStage.DELIBERATION}
# Targets are chosen before the schools are told; the teams may change until the 意见书 are issued.
TARGET_STAGES = {InspectionStage.PLANNED, InspectionStage.NOTIFIED}
TEAM_STAGES = {InspectionStage.PLANNED, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE, InspectionStage.DELIBERATION,
               InspectionStage.FEEDBACK}


def _require_office(actor, inspection_or_county) -> None:
    county = getattr(inspection_or_county, "county", inspection_or_county)
    require_office_for(actor, county.code, "只有本县（区）督导室可以管理督导项目。")


# The rectification loop goes on after an archived (归档) year: these stages are not refused.
LOOP_STAGES = {InspectionStage.RECTIFYING, InspectionStage.RECHECKED, InspectionStage.ARCHIVED}


def refuse_archived(inspection: Inspection) -> None:
    """A project belongs to the year it starts in: refused when that year of its county is archived (归档)."""
    refuse_if_archived(inspection.county_id, inspection.starts_on, "督导项目")


def _log(inspection: Inspection, to: str, actor, note: str = "", at=None) -> None:
    Transition.record(inspection, from_status=inspection.stage if inspection.pk else "", to_status=to, actor=actor,
                      at=at, note=note)


@transaction.atomic
def inspection_create(*, actor, county, name: str, kind: str, framework, year: int, starts_on: datetime.date,
                      ends_on: datetime.date, previous: Inspection | None = None, now=None) -> Inspection:
    _require_office(actor, county)
    refuse_if_archived(county.code, starts_on, "督导项目")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写项目名称。")
    if kind not in InspectionKind.values:
        raise ApplicationError("请选择督导类型。")
    if not framework.is_frozen:
        raise ApplicationError("只能使用已定版的指标体系；请先在“指标体系”中定版。")
    if ends_on < starts_on:
        raise ApplicationError("结束日期不能早于开始日期。")
    inspection = Inspection.objects.create(
        county=county, name=name[:128], kind=kind, framework=framework, year=year, starts_on=starts_on,
        ends_on=ends_on, previous=previous, created_by=actor, stage_since=now or timezone.now())
    Transition.record(inspection, to_status=InspectionStage.PLANNED, actor=actor, at=inspection.stage_since, note="建立项目")
    audit_record(actor=actor, action="inspection.create", obj=inspection, region_code=county.code,
                 after={"kind": kind, "framework": framework.pk, "year": year})
    return inspection


def _require_planning(inspection: Inspection) -> None:
    if inspection.stage not in TARGET_STAGES:
        raise ApplicationError("督导对象只能在“计划”或“已通知”阶段调整。")


def _check_target_kind(inspection: Inspection, schools, units) -> None:
    wants_units = inspection.framework.target == "unit"
    if wants_units and schools:
        raise ApplicationError("该指标体系的评价对象是政府单位，不能添加学校。")
    if not wants_units and units:
        raise ApplicationError("该指标体系的评价对象是学校，不能添加政府单位。")


@transaction.atomic
def targets_add(*, actor, inspection: Inspection, schools=(), units=(), groups=(), centres=(),
                projects=()) -> list[Target]:
    """Add targets of any kind; groups, centres and projects are evaluated with a school framework."""
    _require_office(actor, inspection)
    refuse_archived(inspection)
    _require_planning(inspection)
    schools, units = list(schools), list(units)
    others = {"group": list(groups), "centre": list(centres), "project": list(projects)}
    _check_target_kind(inspection, schools + [o for objs in others.values() for o in objs], units)
    chosen = {"school": schools, "unit": units, **others}
    outside = [str(o) for objs in chosen.values() for o in objs if not region_of(o).startswith(inspection.county_id)]
    if outside:
        raise ApplicationError(f"以下对象不在{inspection.county.name}：{'、'.join(outside[:5])}")
    created_rows = []
    for field, objs in chosen.items():
        have = set(inspection.targets.filter(**{f"{field}__isnull": False}).values_list(f"{field}_id", flat=True))
        seen = set()
        for obj in objs:
            if obj.pk in have or obj.pk in seen:
                continue
            seen.add(obj.pk)
            created_rows.append(Target(inspection=inspection, region_code=region_of(obj), **{field: obj}))
    created = Target.objects.bulk_create(created_rows)
    audit_record(actor=actor, action="inspection.targets", obj=inspection, region_code=inspection.county_id,
                 after={"added": len(created)})
    return created


def targets_sample(*, actor, inspection: Inspection, candidates, count: int, seed: int | None = None) -> list[Target]:
    """A random sample of `count` schools (or units) from the candidates, reproducible from the recorded seed."""
    pool = sorted(candidates, key=lambda obj: obj.code)
    if not 1 <= count <= len(pool):
        raise ApplicationError(f"抽样数量应在 1—{len(pool)} 之间。")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    chosen = random.Random(seed).sample(pool, count)
    with transaction.atomic():
        is_unit = inspection.framework.target == "unit"
        created = targets_add(actor=actor, inspection=inspection, schools=[] if is_unit else chosen,
                              units=chosen if is_unit else [])
        Inspection.objects.filter(pk=inspection.pk).update(sample_seed=seed)
        inspection.sample_seed = seed
    return created


def recusal_reason(user, target: Target) -> str:
    """Why this user may not inspect this target (their own school or unit, or where they work), or ""."""
    if (target.group_id or target.centre_id or target.project_id) and fills_for(user, target):
        return "不能督导本人负责的督导对象"
    school_id, unit_id = recusal_ids(target)
    return user_recusal_reason(user, school_id=school_id, unit_id=unit_id)


@transaction.atomic
def team_assign(*, actor, target: Target, user, role: str, leaves=()) -> tuple[TeamMember, list[str]]:
    """Put a person on a target's team; returns the member and warnings (e.g. too many teams at once)."""
    inspection = Inspection.objects.select_related("framework", "county").get(pk=target.inspection_id)
    _require_office(actor, inspection)
    refuse_archived(inspection)
    if inspection.stage not in TEAM_STAGES:
        raise ApplicationError("意见书出具后不能再调整督导组。")
    if role not in TeamRole.values:
        raise ApplicationError("未知的组内角色。")
    reason = recusal_reason(user, target)
    if reason:
        raise ApplicationError(f"回避：{user.get_full_name() or user.username}{reason}。")
    known = {n.code for n in build_tree(inspection.framework.definition).leaves}
    unknown = [code for code in leaves if code not in known]
    if unknown:
        raise ApplicationError(f"考查要点不存在：{'、'.join(unknown[:5])}")
    if role == TeamRole.LEADER and target.team.filter(role=TeamRole.LEADER).exclude(user=user).exists():
        raise ApplicationError("每个督导对象只能有一名组长。")
    member, _created = TeamMember.objects.update_or_create(target=target, user=user,
                                                           defaults={"role": role, "leaves": list(leaves)})
    limit = int(policy_value("inspections.concurrent_projects_max", inspection.county_id))
    active = (Inspection.objects.filter(targets__team__user=user).exclude(stage__in=[InspectionStage.ARCHIVED, InspectionStage.RECHECKED])
              .distinct().count())
    warnings = [f"{user.get_full_name() or user.username}同时参加 {active} 个进行中的督导项目（提示线 {limit} 个）。"] \
        if active > limit else []
    audit_record(actor=actor, action="inspection.team", obj=inspection, region_code=inspection.county_id,
                 after={"target": target.pk, "user": user.pk, "role": role, "leaves": len(leaves)})
    return member, warnings


# ---- workflow ------------------------------------------------------------------------------------------------

def _preconditions(inspection: Inspection, to: str, now: datetime.datetime) -> list[str]:
    problems = []
    if to == InspectionStage.NOTIFIED:
        if not inspection.notice_number.strip():
            problems.append("请先填写督导通知文号")
        if not inspection.targets.exists():
            problems.append("还没有督导对象")
        leaderless = inspection.targets.exclude(team__role=TeamRole.LEADER).count()
        if leaderless:
            problems.append(f"{leaderless} 个督导对象还没有组长")
    if to == InspectionStage.FEEDBACK:
        missing = missing_scores(inspection)
        if missing:
            sample = "；".join(f"{t}：{'、'.join(codes[:5])}" for t, codes in list(missing.items())[:3])
            problems.append(f"{len(missing)} 个对象仍有考查要点未评分或未标注不适用（{sample}）")
    if to == InspectionStage.ISSUED:
        if open_appeals(inspection):
            problems.append(f"还有 {open_appeals(inspection)} 项申辩未答复")
        without = missing_opinions(inspection)
        if without:
            problems.append(f"{len(without)} 个对象还没有撰写督导意见书（{'、'.join(without[:3])}）")
        days = int(policy_value("inspections.appeal_days", inspection.county_id))
        opens = (inspection.stage_since or now) + datetime.timedelta(days=days)
        if now < opens:
            problems.append(f"申辩期（{days} 天）至 {timezone.localtime(opens):%Y-%m-%d %H:%M} 届满，届满后才能出具意见书")
    return problems


@transaction.atomic
def inspection_advance(*, actor, inspection: Inspection, to: str, note: str = "", now=None) -> Inspection:
    """Move the project to another stage: only the declared moves, by the county's office, with what each
    needs first; moving back needs a reason. Reaching 意见反馈 computes and stores every target's result."""
    _require_office(actor, inspection)
    now = now or timezone.now()
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if to not in LOOP_STAGES:
        refuse_archived(inspection)
    INSPECTION_WORKFLOW.check(inspection.stage, to)
    note = (note or "").strip()
    if INSPECTION_WORKFLOW.is_backward(inspection.stage, to) and not note:
        raise ApplicationError("退回上一阶段须说明理由。")
    problems = _preconditions(inspection, to, now)
    if problems:
        raise ApplicationError("还不能转到“" + str(InspectionStage(to).label) + "”：" + "；".join(problems) + "。")
    if to == InspectionStage.FEEDBACK:
        results_compute(inspection=inspection, now=now)
    if to == InspectionStage.ISSUED:
        opinions_issue(actor=actor, inspection=inspection, now=now)
    _log(inspection, to, actor, note, now)
    before = inspection.stage
    inspection.stage, inspection.stage_since = to, now
    inspection.save(update_fields=["stage", "stage_since"])
    audit_record(actor=actor, action="inspection.advance", obj=inspection, region_code=inspection.county_id,
                 before={"stage": before}, after={"stage": to, "note": note})
    return inspection


@transaction.atomic
def notice_number_set(*, actor, inspection: Inspection, number: str) -> Inspection:
    _require_office(actor, inspection)
    refuse_archived(inspection)
    number = (number or "").strip()
    if not number:
        raise ApplicationError("请填写文号。")
    if Inspection.objects.filter(county=inspection.county, notice_number=number).exclude(pk=inspection.pk).exists():
        raise ApplicationError(f"文号“{number}”已被其他督导项目使用。")
    Inspection.objects.filter(pk=inspection.pk).update(notice_number=number[:64])
    inspection.notice_number = number[:64]
    audit_record(actor=actor, action="inspection.notice_number", obj=inspection, region_code=inspection.county_id,
                 after={"number": number})
    return inspection


# ---- scores ----------------------------------------------------------------------------------------------------

def _leaf(tree, code: str):
    """The framework's check point with this code, or the refusal."""
    node = tree.nodes.get(code)
    if node is None or not node.is_leaf:
        raise ApplicationError(f"考查要点“{code}”不在本项目的指标体系中。")
    return node


def _check_value(node, value: str) -> str:
    value = (str(value) if value is not None else "").strip()
    try:
        leaf_fraction(node, value)
    except ScoreError as exc:
        raise ApplicationError(str(exc)) from None
    return value


def _scoring_checks(*, actor, target: Target, is_self: bool) -> tuple[Inspection, TeamMember | None]:
    """May this user score the target now? Raises the refusal. Returns the inspection (its stage now) and, for a
    team member, their place on the team (which check points are theirs)."""
    if is_self and not fills_for(actor, target):
        raise PermissionDenied("只有督导对象本单位的用户可以自评。")
    inspection = Inspection.objects.select_related("framework").get(pk=target.inspection_id)
    refuse_archived(inspection)
    if is_self:
        if inspection.stage != InspectionStage.SELF:
            raise ApplicationError("只能在“自评中”阶段填写自评。")
        return inspection, None
    member = TeamMember.objects.filter(target=target, user=actor).first() \
        if getattr(actor, "is_authenticated", False) else None
    if member is None:
        raise PermissionDenied("只有该对象督导组的成员可以评分。")
    reason = recusal_reason(actor, target)
    if reason:  # linked to the target since being put on the team
        raise PermissionDenied(f"回避：{actor.get_full_name() or actor.username}{reason}。")
    if inspection.stage not in SCORING_STAGES:
        raise ApplicationError(f"当前阶段“{InspectionStage(inspection.stage).label}”不能评分（实地督导、汇总评议阶段可以）。")
    return inspection, member


def _score_write(*, actor, target: Target, tree, member: TeamMember | None, leaf: str, value, note: str,
                 is_self: bool) -> Score:
    """One checked score, after _scoring_checks: the check point must be in the framework (and the member's)."""
    if member is not None and member.leaves and leaf not in member.leaves:
        raise PermissionDenied("该考查要点没有分配给您评分。")
    value = _check_value(_leaf(tree, leaf), value)
    score, _created = Score.objects.update_or_create(target=target, leaf=leaf, scorer=actor, is_self=is_self,
                                                     defaults={"value": value, "note": (note or "").strip()})
    audit_record(actor=actor, action="inspection.self_score" if is_self else "inspection.score", obj=score,
                 object_repr=f"{target} {leaf}：{value}", region_code=target.region_code,
                 after={"leaf": leaf, "value": value})
    return score


@transaction.atomic
def score_record(*, actor, target: Target, leaf: str, value, note: str = "") -> Score:
    """A team member scores a check point assigned to them, during 实地督导 or 汇总评议."""
    inspection, member = _scoring_checks(actor=actor, target=target, is_self=False)
    return _score_write(actor=actor, target=target, tree=build_tree(inspection.framework.definition), member=member,
                        leaf=leaf, value=value, note=note, is_self=False)


@transaction.atomic
def self_score_record(*, actor, target: Target, leaf: str, value, note: str = "") -> Score:
    """The target's own user scores itself during 自评中 (with its explanation / evidence text)."""
    inspection, _none = _scoring_checks(actor=actor, target=target, is_self=True)
    return _score_write(actor=actor, target=target, tree=build_tree(inspection.framework.definition), member=None,
                        leaf=leaf, value=value, note=note, is_self=True)


def missing_scores(inspection: Inspection) -> dict[str, list[str]]:
    """target name → scored leaves nobody on its team has scored (N/A counts as scored; text leaves skipped)."""
    tree = build_tree(inspection.framework.definition)
    needed = [n.code for n in tree.leaves if (n.rule or {}).get("kind") != "text"]
    scored: dict[int, set[str]] = {}
    for target_id, leaf in Score.objects.filter(target__inspection=inspection, is_self=False).values_list(
            "target_id", "leaf"):
        scored.setdefault(target_id, set()).add(leaf)
    missing = {}
    for target in inspection.targets.select_related(*TARGET_RELATED):
        gaps = [c for c in needed if c not in scored.get(target.pk, set())]
        if gaps:
            missing[str(target)] = gaps
    return missing


def results_compute(*, inspection: Inspection, now=None) -> int:
    """Store every target's score, level and veto (called when the project reaches 意见反馈)."""
    now = now or timezone.now()
    targets = list(inspection.targets.all())
    for target in targets:
        result = target_evaluation(target)
        target.score = None if result.score is None else round(result.score, 2)
        target.level, target.vetoed, target.computed_at = result.level, bool(result.vetoed), now
    Target.objects.bulk_update(targets, ["score", "level", "vetoed", "computed_at"])
    return len(targets)


@transaction.atomic
def materials_submit(*, actor, target: Target, report: str, uploads=()) -> Target:
    """The target's self-assessment report and evidence files, during 自评中 (files are added, never replaced)."""
    if not fills_for(actor, target):
        raise PermissionDenied("只有督导对象本单位可以提交自评材料。")
    inspection = Inspection.objects.get(pk=target.inspection_id)
    refuse_archived(inspection)
    if inspection.stage != InspectionStage.SELF:
        raise ApplicationError("只能在“自评中”阶段提交自评材料。")
    report = (report or "").strip()
    if not report and not uploads:
        raise ApplicationError("请填写自评报告或上传佐证材料。")
    checked = [files.check_and_write_evidence(f, region_code=target.region_code) for f in uploads]
    if report:
        Target.objects.filter(pk=target.pk).update(self_report=report[:20000])
        target.self_report = report[:20000]
    target.materials.add(*[file_record(actor=actor, checked=c) for c in checked])
    audit_record(actor=actor, action="inspection.materials", obj=target, region_code=target.region_code,
                 after={"report": len(report), "files": len(checked)})
    return target


@transaction.atomic
def materials_review(*, actor, target: Target, note: str) -> Target:
    """The office's comments on a target's materials during 材料审核 (returning them is the move back to 自评中)."""
    inspection = Inspection.objects.get(pk=target.inspection_id)
    _require_office(actor, inspection)
    refuse_archived(inspection)
    if inspection.stage != InspectionStage.REVIEW:
        raise ApplicationError("只能在“材料审核”阶段填写审核意见。")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("请填写审核意见。")
    now = timezone.now()
    Target.objects.filter(pk=target.pk).update(review_note=note[:5000], reviewed_at=now)
    target.review_note, target.reviewed_at = note[:5000], now
    audit_record(actor=actor, action="inspection.materials_review", obj=target, region_code=target.region_code,
                 after={"note": note[:200]})
    return target


@transaction.atomic
def leaf_evidence_add(*, actor, target: Target, leaf: str, uploads) -> int:
    """Files for one check point of the self-assessment, during 自评中 (checked by content; never replaced)."""
    if not fills_for(actor, target):
        raise PermissionDenied("只有督导对象本单位可以上传自评佐证材料。")
    inspection = Inspection.objects.select_related("framework").get(pk=target.inspection_id)
    refuse_archived(inspection)
    if inspection.stage != InspectionStage.SELF:
        raise ApplicationError("只能在“自评中”阶段上传佐证材料。")
    _leaf(build_tree(inspection.framework.definition), leaf)
    checked = [files.check_and_write_evidence(f, region_code=target.region_code) for f in uploads]
    LeafEvidence.objects.bulk_create([LeafEvidence(target=target, leaf=leaf, uploaded_by=actor,
                                                   file=file_record(actor=actor, checked=c)) for c in checked])
    audit_record(actor=actor, action="inspection.leaf_evidence", obj=target, region_code=target.region_code,
                 after={"leaf": leaf, "files": len(checked)})
    return len(checked)


@dataclass(frozen=True)
class ScoreEntry:
    leaf: str
    value: str = ""
    note: str = ""
    uploads: tuple = ()


def scores_save(*, actor, target: Target, entries: list[ScoreEntry], is_self: bool) -> int:
    """Several scores (and, for a self-assessment, evidence files) at once: all saved, or none. A refusal raises
    ApplicationError listing every refused check point (RowError column = the leaf code). Returns how many
    scores and files were saved."""
    if not entries:
        return 0
    errors: list[RowError] = []
    saved = 0
    with transaction.atomic():
        try:  # who may score, checked once for the whole sheet
            inspection, member = _scoring_checks(actor=actor, target=target, is_self=is_self)
        except ApplicationError as exc:
            raise ApplicationError(f"{len(entries)} 项评分有误，全部未保存。",
                                   [RowError("评分", None, e.leaf, exc.message) for e in entries]) from None
        tree = build_tree(inspection.framework.definition)
        for entry in entries:
            try:
                if entry.uploads:
                    saved += leaf_evidence_add(actor=actor, target=target, leaf=entry.leaf, uploads=entry.uploads)
                if entry.value or not entry.uploads:  # an empty value alone is refused ("未评分")
                    _score_write(actor=actor, target=target, tree=tree, member=member, leaf=entry.leaf,
                                 value=entry.value, note=entry.note, is_self=is_self)
                    saved += 1
            except ApplicationError as exc:
                errors.append(RowError("评分", None, entry.leaf, exc.message))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ApplicationError(f"{len(errors)} 项评分有误，全部未保存。", errors)
    return saved
