"""The five kinds of inspection target (a school, a government unit, an education group or 学区, a management
centre 教管中心, a project 帮扶项目) and who answers for each.

Who fills the self-assessment (and appeals, and reads the issued 意见书) — `fills_for`:
- a school or a unit: its own users (a school or unit role);
- an education group: the users of its lead school (牵头学校);
- a management centre: its contact (ManagementCentre.contact);
- a project: its contact (Project.contact).

Where its findings go (a finding needs a school or a unit) — `responsible`:
- a group's to its lead school; a centre's to its competent unit (主管部门, the education bureau);
- a project's to its leading member school (托管方/牵头校/帮扶校, the first listed), else the contact's own school.
Without one, the 意见书 cannot be issued: the office is told what to set.
"""

from django.db.models import Q

from dudao.core.errors import ApplicationError
from dudao.core.models import Role, RoleAssignment
from dudao.core.scope import owns
from dudao.inspections.models import TARGET_FIELDS, Target
from dudao.schools.models import LEADING_ROLES, ProjectMember

TARGET_RELATED = ("school", "unit", "group", "centre", "project")


def region_of(obj) -> str:
    """The region code stored with a target: the object's region (a project's county)."""
    return obj.region_id


def target_filter(target: Target) -> dict:
    """Lookup for "the same target" in another project (a 回访): the same kind and object."""
    return {f"{f}_id": getattr(target, f"{f}_id") for f in TARGET_FIELDS}


def fills_for(user, target: Target) -> bool:
    """Is the user the target's own side: they self-assess, submit materials, appeal, read the issued 意见书."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if target.school_id or target.unit_id:
        return owns(user, school_id=target.school_id, unit_id=target.unit_id)
    if target.group_id:
        return owns(user, school_id=target.group.lead_school_id)
    if target.centre_id:
        return target.centre.contact_id == user.pk
    if target.project_id:
        return target.project.contact_id == user.pk
    return False


def owned_targets_q(scope, user) -> Q:
    """Targets that are the user's own side (for lists: a school user sees its own target rows)."""
    q = (Q(school_id__in=scope.school_ids) | Q(unit_id__in=scope.unit_ids)
         | Q(group__lead_school_id__in=scope.school_ids))
    if getattr(user, "is_authenticated", False):
        q |= Q(centre__contact=user) | Q(project__contact=user)
    return q


def _contact_school(user_id) -> int | None:
    if not user_id:
        return None
    return (RoleAssignment.objects.filter(user_id=user_id, role=Role.SCHOOL, school__isnull=False)
            .order_by("id").values_list("school_id", flat=True).first())


def responsible(target: Target) -> tuple[int | None, int | None]:
    """(school id, unit id) a finding from this target goes to; (None, None) if none can be named."""
    if target.school_id or target.unit_id:
        return target.school_id, target.unit_id
    if target.group_id:
        return target.group.lead_school_id, None
    if target.centre_id:
        return None, target.centre.competent_unit_id
    if target.project_id:
        lead = (ProjectMember.objects.filter(project_id=target.project_id, role__in=LEADING_ROLES)
                .order_by("id").values_list("school_id", flat=True).first())
        return lead or _contact_school(target.project.contact_id), None
    return None, None


def require_responsible(target: Target) -> tuple[int | None, int | None]:
    school_id, unit_id = responsible(target)
    if school_id or unit_id:
        return school_id, unit_id
    if target.group_id:
        raise ApplicationError(f"教育集团“{target.group}”没有牵头学校，问题无法落实到学校：请先设置牵头学校。")
    if target.centre_id:
        raise ApplicationError(f"教管中心“{target.centre}”没有主管部门，问题无法落实：请先设置其主管部门。")
    raise ApplicationError(f"帮扶项目“{target.project}”没有托管方（牵头校、帮扶校），联系人也不属于学校：请先设置。")


def recusal_ids(target: Target) -> tuple[int | None, int | None]:
    """The school/unit whose people may not inspect this target (its own, or the responsible one)."""
    return responsible(target)
