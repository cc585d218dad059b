"""督导评估 for 示范区, through the same services an office uses:
- frameworks: the school, “双减” and town templates frozen; the kindergarten one left as a draft;
- a finished 2026 spring 综合督导 of 10 schools (the demo principal's school among them): self-assessment,
  two scorers per school, results, 督导意见书 issued with findings, and the 回访 scheduled a year later;
- a “双减” 专项督导 of 8 schools in 实地督导, partly scored;
- the 乡镇（街道）履行教育职责 evaluation of the towns in 自评中, 南湖镇 has started its self-assessment.
"""

import datetime
import random

from django.utils import timezone

from dudao.frameworks import services as frameworks
from dudao.frameworks.scoring import build_tree
from dudao.inspections import opinions, services
from dudao.inspections.models import Inspection, InspectionStage
from dudao.regions.models import GovUnit
from dudao.schools.models import School

COMPREHENSIVE_STAGES = (InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
PROBLEMS = [
    ("作业公示制度未落实，部分班级书面作业时长超标。", "建立作业公示和总量统筹制度，每周公示。"),
    ("课后服务课程单一，以看护为主。", "丰富课后服务课程，引入体育、艺术、科技社团。"),
    ("校园安全隐患排查台账不完整。", "完善排查台账，每月排查并留存记录。"),
    ("教师培训学时未达到要求。", "制定培训计划，确保每位教师年度培训不少于规定学时。"),
    ("食堂留样记录缺失。", "严格执行 48 小时留样制度，指定专人记录。"),
]


def _value(node, quality: float, rng: random.Random) -> str:
    rule = node.rule or {}
    good = rng.random() < quality
    if rule.get("kind") == "levels":
        return rng.choice(("A", "B")) if good else rng.choice(("C", "D"))
    if rule.get("kind") == "yesno":
        return "达标" if good or node.veto and rng.random() < 0.9 else "不达标"
    if rule.get("kind") == "numeric":
        target = rule.get("threshold", rule.get("low", 0))
        return f"{target + (3 if good else -3):g}" if rule.get("op") != "<=" else f"{target - (3 if good else -3):g}"
    if rule.get("kind") == "points":
        return f"{round(rule['max'] * (0.85 if good else 0.55))}"
    return "N/A"


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def load_inspections(*, office_user, inspector_user, expert_user, school_user, unit_user, county, rng) -> None:
    if Inspection.objects.filter(county=county).exists():
        return  # loaded before: safe to load twice
    frozen = {code: frameworks.framework_freeze(actor=office_user, framework=frameworks.framework_from_template(
        actor=office_user, region=county, template_code=code)) for code in ("school", "shuangjian", "town")}
    frameworks.framework_from_template(actor=office_user, region=county, template_code="kindergarten")  # a draft

    in_county = School.objects.filter(region__code__startswith=county.code)
    pool = list(in_county.filter(school_type__in=["primary", "junior", "nine_year", "teaching_point"]).order_by("code"))
    own = school_user.role_assignments.filter(role="school").values_list("school", flat=True).first()
    home = getattr(getattr(inspector_user, "inspector", None), "home_school_id", None)
    pool = [s for s in pool if s.pk != home]
    chosen = [s for s in pool if s.pk == own] + rng.sample([s for s in pool if s.pk != own], 9)

    comprehensive = services.inspection_create(
        actor=office_user, county=county, name="示范区2026年春季义务教育学校综合督导", kind="comprehensive",
        framework=frozen["school"], year=2026, starts_on=datetime.date(2026, 3, 2), ends_on=datetime.date(2026, 6, 30),
        now=_at(datetime.date(2026, 2, 20)))
    _finish_comprehensive(comprehensive, chosen, office_user, inspector_user, expert_user, school_user, own, rng)

    special = services.inspection_create(
        actor=office_user, county=county, name="示范区2026年秋季“双减”专项督导", kind="special",
        framework=frozen["shuangjian"], year=2026, starts_on=datetime.date(2026, 11, 2), ends_on=datetime.date(2026, 12, 31))
    targets = services.targets_sample(actor=office_user, inspection=special, candidates=pool, count=8, seed=2026)
    _team(targets, office_user, inspector_user, expert_user)
    services.notice_number_set(actor=office_user, inspection=special, number=f"{county.name}督〔2026〕21号")
    for stage in (InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE):
        special = services.inspection_advance(actor=office_user, inspection=special, to=stage)
    tree = build_tree(special.framework.definition)
    for target in targets[:5]:
        services.scores_save(actor=expert_user, target=target, is_self=False, entries=[
            services.ScoreEntry(node.code, _value(node, 0.85, rng)) for node in tree.leaves])

    towns = list(GovUnit.objects.filter(region__code__startswith=county.code, kind__in=["town_gov", "subdistrict"])
                 .order_by("code"))
    duzheng = services.inspection_create(
        actor=office_user, county=county, name="示范区2026年乡镇（街道）履行教育职责考核", kind="duzheng",
        framework=frozen["town"], year=2026, starts_on=datetime.date(2026, 11, 10), ends_on=datetime.date(2027, 1, 20))
    unit_targets = services.targets_add(actor=office_user, inspection=duzheng, units=towns)
    for target in unit_targets:
        services.team_assign(actor=office_user, target=target, user=inspector_user, role="leader")
    services.notice_number_set(actor=office_user, inspection=duzheng, number=f"{county.name}督〔2026〕25号")
    for stage in (InspectionStage.NOTIFIED, InspectionStage.SELF):
        duzheng = services.inspection_advance(actor=office_user, inspection=duzheng, to=stage)
    mine = next((t for t in unit_targets if unit_user.role_assignments.filter(unit=t.unit_id).exists()), None)
    if mine:
        services.scores_save(actor=unit_user, target=mine, is_self=True, entries=[
            services.ScoreEntry(node.code, _value(node, 0.9, rng), "详见自评报告及佐证材料。")
            for node in build_tree(duzheng.framework.definition).leaves[:5]])


def _team(targets, office_user, inspector_user, expert_user) -> None:
    for target in targets:
        services.team_assign(actor=office_user, target=target, user=inspector_user, role="leader")
        services.team_assign(actor=office_user, target=target, user=expert_user, role="expert")


def _finish_comprehensive(inspection, schools, office_user, inspector_user, expert_user, school_user, own, rng):
    targets = services.targets_add(actor=office_user, inspection=inspection, schools=schools)
    _team(targets, office_user, inspector_user, expert_user)
    services.notice_number_set(actor=office_user, inspection=inspection, number=f"{inspection.county.name}督〔2026〕5号")
    tree = build_tree(inspection.framework.definition)
    quality = {t.pk: rng.uniform(0.55, 0.95) for t in targets}
    day = datetime.date(2026, 3, 2)
    for stage in COMPREHENSIVE_STAGES:
        if stage == InspectionStage.REVIEW and own:
            mine = next(t for t in targets if t.school_id == own)
            services.scores_save(actor=school_user, target=mine, is_self=True, entries=[
                services.ScoreEntry(node.code, _value(node, 0.95, rng), "见自评报告。") for node in tree.leaves])
        if stage == InspectionStage.DELIBERATION:
            for target in targets:
                sheets = {inspector_user: [], expert_user: []}  # values drawn leaf by leaf, scorer by scorer
                for node in tree.leaves:
                    for sheet in sheets.values():
                        sheet.append(services.ScoreEntry(node.code, _value(node, quality[target.pk], rng)))
                for user, sheet in sheets.items():
                    services.scores_save(actor=user, target=target, is_self=False, entries=sheet)
        day += datetime.timedelta(days=10)
        inspection = services.inspection_advance(actor=office_user, inspection=inspection, to=stage, now=_at(day))
    for i, target in enumerate(targets):
        problems = [{"text": text, "requirement": req, "due_date": f"2027-0{1 + (i + n) % 3}-28"}
                    for n, (text, req) in enumerate(rng.sample(PROBLEMS, 1 + i % 3))]
        opinions.opinion_save(actor=office_user, target=target, evaluation=(
            "学校办学方向端正，管理较为规范，课程开设基本齐全。" if quality[target.pk] > 0.75 else
            "学校基础管理较为薄弱，“双减”和安全管理工作有待加强。"),
            strengths="党建引领作用发挥较好，课后服务覆盖全体有需求的学生。", problems=problems)
    issued = day + datetime.timedelta(days=16)
    services.inspection_advance(actor=office_user, inspection=inspection, to=InspectionStage.ISSUED, now=_at(issued))
    services.inspection_advance(actor=office_user, inspection=inspection, to=InspectionStage.RECTIFYING,
                                now=_at(issued + datetime.timedelta(days=3)))
