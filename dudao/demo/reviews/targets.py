"""The demo's reviews (issue 21): targets. Idempotent: a second load adds nothing.

- a 强校工程 project (2024-09 — 2026-08): the 实验小学 as 托管方 and three primary schools as 被托管方 (the demo
  principal's school among them; the principal is the contact);
- a 集团化办学 督导评估 of this year with the education group and the project as targets, in 自评中;
- last year's 年度综合目标考核 of the management centre and the directly administered schools, run at the start of
  this year (last year is archived by then): scored, at 意见反馈, levels written by quota.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.core.models import Role, RoleAssignment
from dudao.frameworks.models import Framework
from dudao.frameworks.scoring import build_tree
from dudao.inspections import annual
from dudao.inspections import services as inspections
from dudao.inspections.models import Inspection, InspectionStage
from dudao.regions.models import GovUnit
from dudao.schools import projects
from dudao.schools.models import EducationGroup, ManagementCentre, Project, School

PROJECT_NAME = "示范区强校工程（城乡结对）"


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _value(node, quality: float, rng: random.Random) -> str:
    rule = node.rule or {}
    good = rng.random() < quality
    if rule.get("kind") == "levels":
        return rng.choice(("A", "B")) if good else rng.choice(("B", "C"))
    if rule.get("kind") == "yesno":
        return "达标"
    if rule.get("kind") == "numeric":
        target = rule.get("threshold", rule.get("low", 0))
        return f"{target + (3 if good else -3):g}" if rule.get("op") != "<=" else f"{target - (3 if good else -3):g}"
    if rule.get("kind") == "points":
        return f"{round(rule['max'] * (0.9 if good else 0.6))}"
    return "N/A"


def load(*, admin, office_user, county) -> None:
    project = _project(office_user=office_user, county=county)
    framework = Framework.objects.filter(region=county, template_code="school", status="frozen").order_by("id").first()
    if framework is None or project is None:
        return
    _group_inspection(office_user=office_user, county=county, framework=framework, project=project)
    _annual(office_user=office_user, county=county, framework=framework)


def _project(*, office_user, county) -> Project | None:
    found = Project.objects.filter(region=county, name=PROJECT_NAME).first()
    if found:
        return found
    group = EducationGroup.objects.filter(region=county, kind="group").order_by("code").first()
    primaries = list(School.objects.filter(region__code__startswith=county.code, school_type="primary",
                                           ownership="public").order_by("code"))
    if group is None or group.lead_school is None or len(primaries) < 4:
        return None
    # The demo principal's school is one of the 被托管方 and the principal the contact (they fill the self-assessment).
    contact = get_user_model().objects.filter(username="demo_school").first()
    own = School.objects.filter(pk__in=RoleAssignment.objects.filter(user=contact, role=Role.SCHOOL).values(
        "school_id")).exclude(pk=group.lead_school_id).order_by("code").first()
    rural = [s for s in primaries if s.pk != group.lead_school_id and s.urban_rural != "urban"] or primaries[1:]
    trusted = ([own] if own else []) + [s for s in rural if own is None or s.pk != own.pk]
    trusted = trusted[:3]
    return projects.project_create(
        actor=office_user, region=county, name=PROJECT_NAME, project_type="strong",
        starts_on=datetime.date(2024, 9, 1), ends_on=datetime.date(2026, 8, 31),
        contact=contact.pk if contact and own else None,
        goals="以实验小学托管三所乡村小学，三年内被托管学校学业质量合格率达到全区平均水平，骨干教师数翻一番，"
              "家长满意度不低于 90%。",
        key_figures=[{"label": "被托管校学业质量合格率", "baseline": "82%", "target": "92%", "actual": ""},
                     {"label": "被托管校县级及以上骨干教师", "baseline": "6 人", "target": "12 人", "actual": "9 人"},
                     {"label": "家长满意度", "baseline": "85%", "target": "90%", "actual": ""}],
        members=[(group.lead_school_id, "trustee"), *[(s.pk, "trusted") for s in trusted]])


def _group_inspection(*, office_user, county, framework, project) -> None:
    year = timezone.localdate().year
    name = f"示范区{year}年集团化办学与强校工程督导评估"
    if Inspection.objects.filter(county=county, name=name).exists():
        return
    group = EducationGroup.objects.filter(region=county, kind="group").order_by("code").first()
    inspector = get_user_model().objects.filter(username="demo_inspector").first()
    inspection = inspections.inspection_create(
        actor=office_user, county=county, name=name, kind="development", framework=framework, year=year,
        starts_on=datetime.date(year, 11, 16), ends_on=datetime.date(year, 12, 31))
    targets = inspections.targets_add(actor=office_user, inspection=inspection, groups=[group], projects=[project])
    for target in targets:
        inspections.team_assign(actor=office_user, target=target, user=inspector, role="leader")
    inspections.notice_number_set(actor=office_user, inspection=inspection, number=f"{county.name}督〔{year}〕31号")
    for stage in (InspectionStage.NOTIFIED, InspectionStage.SELF):
        inspection = inspections.inspection_advance(actor=office_user, inspection=inspection, to=stage)


def _annual(*, office_user, county, framework) -> None:
    this_year = timezone.localdate().year
    year = this_year - 1
    name = f"示范区{year}年度教管中心和直属学校综合目标考核"
    if Inspection.objects.filter(county=county, name=name).exists():
        return
    rng = random.Random(2105)
    centres = list(ManagementCentre.objects.filter(region__code__startswith=county.code).order_by("code"))
    bureau = GovUnit.objects.filter(region__code__startswith=county.code, kind="department",
                                    name__contains="教育").order_by("code").first()
    contact = get_user_model().objects.filter(username="demo_bureau").first()
    for centre in centres:
        changed = False
        if centre.competent_unit_id is None and bureau is not None:
            centre.competent_unit, changed = bureau, True
        if centre.contact_id is None and contact is not None:
            centre.contact, changed = contact, True
        if changed:
            centre.save(update_fields=["competent_unit", "contact"])
    direct = list(School.objects.filter(region__code__startswith=county.code, management_centre__isnull=True,
                                        school_type__in=["primary", "junior", "nine_year"]).order_by("code")[:11])
    inspector = get_user_model().objects.filter(username="demo_inspector").first()
    expert = get_user_model().objects.filter(username="demo_expert").first()
    home = getattr(getattr(inspector, "inspector", None), "home_school_id", None)
    direct = [s for s in direct if s.pk != home]
    start = datetime.date(this_year, 1, 6)
    inspection = inspections.inspection_create(
        actor=office_user, county=county, name=name, kind="annual", framework=framework, year=year,
        starts_on=start, ends_on=datetime.date(this_year, 2, 28), now=_at(start - datetime.timedelta(days=5)))
    targets = inspections.targets_add(actor=office_user, inspection=inspection, centres=centres, schools=direct)
    for target in targets:
        inspections.team_assign(actor=office_user, target=target, user=inspector, role="leader")
        inspections.team_assign(actor=office_user, target=target, user=expert, role="expert")
    inspections.notice_number_set(actor=office_user, inspection=inspection, number=f"{county.name}督〔{this_year}〕2号")
    tree = build_tree(framework.definition)
    quality = {t.pk: rng.uniform(0.45, 0.98) for t in targets}
    day = start
    for stage in (InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE,
                  InspectionStage.DELIBERATION, InspectionStage.FEEDBACK):
        if stage == InspectionStage.DELIBERATION:
            for target in targets:
                for user in (inspector, expert):
                    inspections.scores_save(actor=user, target=target, is_self=False, entries=[
                        inspections.ScoreEntry(node.code, _value(node, quality[target.pk], rng)) for node in tree.leaves])
        day += datetime.timedelta(days=6)
        inspection = inspections.inspection_advance(actor=office_user, inspection=inspection, to=stage, now=_at(day))
    annual.annual_levels_apply(actor=office_user, inspection=inspection)
