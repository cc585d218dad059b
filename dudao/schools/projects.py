"""Writes on projects (帮扶项目: 强校工程, 委托管理, 城乡互助成长, 集团化办学…): create and update with their member
schools and key figures. The county's office only; every member school lies in the project's county; the contact
is someone the project's scope reaches (staff of the county, or a user of a member school). One audit record each.
Pages showing the members' figures are reviews' (views/projects.py): this registry app imports no domain app."""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.models import RoleAssignment
from dudao.core.scope import require_office_for
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import Project, ProjectMember, ProjectRole, ProjectType, School

NAME_MAX, GOALS_MAX, FIGURES_MAX, MEMBERS_MAX = 128, 5000, 20, 200
FIGURE_LABEL_MAX, FIGURE_VALUE_MAX = 64, 32
FIELDS = ["name", "project_type", "region_id", "starts_on", "ends_on", "contact_id", "goals", "key_figures"]


def _require_office(actor, region_code: str) -> None:
    require_office_for(actor, region_code, "只有本县（区）督导室可以管理帮扶项目。")


def _pk(value) -> int:
    text = str(getattr(value, "pk", value)).strip()
    if not (text.isdecimal() and len(text) < 19):
        raise ApplicationError(f"编号“{text[:20]}”无效。")
    return int(text)


def _members(region: Region, members: Iterable[tuple]) -> list[tuple[School, str]]:
    """(school, role) pairs: each school once, in the county, with a known role."""
    rows = [(_pk(school), (role or "").strip()) for school, role in members or ()]
    if not rows:
        raise ApplicationError("请至少选择一所成员学校。")
    if len(rows) > MEMBERS_MAX:
        raise ApplicationError(f"成员学校不能超过 {MEMBERS_MAX} 所。")
    ids = [pk for pk, _r in rows]
    twice = sorted({pk for pk in ids if ids.count(pk) > 1})
    schools = {s.pk: s for s in School.objects.filter(pk__in=ids, region__code__startswith=region.code)}
    errors = []
    if twice:
        errors.append("同一所学校不能重复加入项目：" + "、".join(schools[pk].name if pk in schools else str(pk)
                                                           for pk in twice))
    outside = [pk for pk in dict.fromkeys(ids) if pk not in schools]
    if outside:  # not named: they may lie outside what the actor may read
        errors.append(f"{len(outside)} 所学校不在{region.name}，不能加入本项目。")
    bad_roles = sorted({r for _pk_, r in rows if r not in ProjectRole.values})
    if bad_roles:
        errors.append("请为每所成员学校选择角色（托管方/被托管方、牵头校/成员校、帮扶校/受援校）。")
    if errors:
        raise ApplicationError("；".join(errors))
    return [(schools[pk], role) for pk, role in rows]


def _contact(region: Region, contact, member_ids: set[int]):
    if contact in (None, ""):
        return None
    pk = _pk(contact)
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    reaches = user is not None and RoleAssignment.objects.filter(user=user).filter(
        Q(region__code__startswith=region.code) | Q(school_id__in=member_ids)
        | Q(school__region__code__startswith=region.code) | Q(unit__region__code__startswith=region.code)).exists()
    if not reaches:
        raise ApplicationError(f"联系人须是{region.name}的工作人员或成员学校的用户。")
    return user


def _figures(rows) -> list[dict]:
    out = []
    for row in rows or ():
        label = str(row.get("label", "") or "").strip()
        values = {k: str(row.get(k, "") or "").strip() for k in ("baseline", "target", "actual")}
        if not label and not any(values.values()):
            continue
        if not label:
            raise ApplicationError("关键指标须填写名称。")
        if len(label) > FIGURE_LABEL_MAX or any(len(v) > FIGURE_VALUE_MAX for v in values.values()):
            raise ApplicationError(f"关键指标名称不超过 {FIGURE_LABEL_MAX} 字，数值不超过 {FIGURE_VALUE_MAX} 字。")
        out.append({"label": label, **values})
    if len(out) > FIGURES_MAX:
        raise ApplicationError(f"关键指标不能超过 {FIGURES_MAX} 项。")
    return out


def _fields(*, name, project_type, starts_on, ends_on, goals, key_figures) -> dict:
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写项目名称。")
    if len(name) > NAME_MAX:
        raise ApplicationError(f"项目名称不超过 {NAME_MAX} 字。")
    if project_type not in ProjectType.values:
        raise ApplicationError("请选择项目类型。")
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise ApplicationError("请填写项目周期。")
    if ends_on < starts_on:
        raise ApplicationError("结束日期不能早于开始日期。")
    if not 2000 <= starts_on.year <= 2100 or not 2000 <= ends_on.year <= 2100:
        raise ApplicationError("项目周期应在 2000—2100 年之间。")
    goals = (goals or "").strip()
    if len(goals) > GOALS_MAX:
        raise ApplicationError(f"项目目标不超过 {GOALS_MAX} 字。")
    return {"name": name, "project_type": project_type, "starts_on": starts_on, "ends_on": ends_on,
            "goals": goals, "key_figures": _figures(key_figures)}


def _after(project: Project, members) -> dict:
    return snapshot(project, FIELDS) | {"members": [[s.pk, r] for s, r in members]}


@transaction.atomic
def project_create(*, actor, region: Region, name: str, project_type: str, starts_on, ends_on, members,
                   contact=None, goals: str = "", key_figures=()) -> Project:
    _require_office(actor, region.code)
    if region.level != RegionLevel.COUNTY:
        raise ApplicationError("帮扶项目属于一个县（区）。")
    fields = _fields(name=name, project_type=project_type, starts_on=starts_on, ends_on=ends_on, goals=goals,
                     key_figures=key_figures)
    chosen = _members(region, members)
    person = _contact(region, contact, {s.pk for s, _r in chosen})
    project = Project.objects.create(region=region, contact=person, **fields)
    ProjectMember.objects.bulk_create([ProjectMember(project=project, school=s, role=r) for s, r in chosen])
    audit_record(actor=actor, action="project.create", obj=project, region_code=region.code,
                 after=_after(project, chosen))
    return project


@transaction.atomic
def project_update(*, actor, project: Project, name: str, project_type: str, starts_on, ends_on, members,
                   contact=None, goals: str = "", key_figures=()) -> Project:
    project = Project.objects.select_for_update().select_related("region").get(pk=project.pk)
    _require_office(actor, project.region_id)
    before = _after(project, [(m.school, m.role) for m in project.members.select_related("school")])
    fields = _fields(name=name, project_type=project_type, starts_on=starts_on, ends_on=ends_on, goals=goals,
                     key_figures=key_figures)
    chosen = _members(project.region, members)
    fields["contact"] = _contact(project.region, contact, {s.pk for s, _r in chosen})
    for key, value in fields.items():
        setattr(project, key, value)
    project.save()
    project.members.all().delete()
    ProjectMember.objects.bulk_create([ProjectMember(project=project, school=s, role=r) for s, r in chosen])
    audit_record(actor=actor, action="project.update", obj=project, region_code=project.region_id, before=before,
                 after=_after(project, chosen))
    return project
