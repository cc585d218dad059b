"""What each role's home page shows, read through the other apps' scoped selectors."""

from django.db.models import Count, Sum

from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.core.selectors import audit_list
from dudao.regions.selectors import unit_list
from dudao.schools.models import SchoolType
from dudao.schools.selectors import school_list


def home_summary(user) -> dict:
    """Counts by school type, totals and recent changes for office/leader/admin; own objects for others."""
    scope = scope_for(user)
    schools = school_list(user)
    summary: dict = {"scope": scope, "roles": sorted(scope.roles)}
    if scope.everything or scope.has_role(Role.OFFICE, Role.LEADER):
        by_type = dict(schools.values_list("school_type").annotate(n=Count("id")).order_by())
        totals = schools.aggregate(
            preschool=Sum("students_preschool"), primary=Sum("students_primary"),
            junior=Sum("students_junior"), senior=Sum("students_senior"),
        )
        summary.update({
            "overview": True,
            "school_count": sum(by_type.values()),
            "by_type": [(label, by_type.get(value, 0)) for value, label in SchoolType.choices],
            "students": {k: v or 0 for k, v in totals.items()},
            "unit_count": unit_list(user).count(),
        })
    if scope.everything or scope.has_role(Role.OFFICE):
        summary["recent_audit"] = list(audit_list(user)[:8])
    if scope.school_ids:
        summary["own_schools"] = list(schools.filter(pk__in=scope.school_ids)[:50])
    if scope.unit_ids:
        summary["own_units"] = list(unit_list(user).filter(pk__in=scope.unit_ids))
    return summary
