"""To-dos of 违规查处 (issue 23 item 4), registered by checks/todo.py: the office verifies what was registered and
closes decided cases whose finding is rectified; the responsible department decides. Each source runs a bounded
number of queries; office items go only to the office of the case's own county (not the city above it)."""

import datetime

from django.db.models import Q

from dudao.checks.models import Violation, ViolationStatus
from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable
from dudao.core.registries import Todo, url_for_pk
from dudao.core.roles import Role
from dudao.core.scope import prefix_q, region_prefix
from dudao.rectification.models import DONE_STATUSES

LIMIT = 200


def _office_q(user) -> Q:
    codes = RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True)
    return prefix_q("region_code", [region_prefix(c) for c in codes if c and len(region_prefix(c)) >= 6])


def to_verify(user, today) -> list[Todo]:
    url = url_for_pk("checks:violation_detail")
    rows = Violation.objects.filter(_office_q(user), status=ViolationStatus.REGISTERED).select_related("school") \
        .order_by("found_on", "id")[:LIMIT]
    return [Todo(kind="checks.violation_verify", title="核查违规行为", object=f"{v.school.name} · {v.get_kind_display()}",
                 url=url(v.pk), due=None, key=f"checks.violation:{v.pk}:verify", region_code=v.region_code)
            for v in rows]


def to_decide(user, today) -> list[Todo]:
    """The responsible department's cases in 已核查; due found_on + checks.violation_decide_days."""
    units = list(RoleAssignment.objects.filter(user=user, role=Role.UNIT, unit__isnull=False)
                 .values_list("unit_id", flat=True))
    if not units:
        return []
    rows = list(Violation.objects.filter(responsible_unit_id__in=units, status=ViolationStatus.VERIFIED)
                .select_related("school").order_by("found_on", "id")[:LIMIT])
    policy = PolicyTable(["checks.violation_decide_days"])
    url = url_for_pk("checks:violation_detail")
    return [Todo(kind="checks.violation_decide", title="作出违规行为处理决定",
                 object=f"{v.school.name} · {v.get_kind_display()}", url=url(v.pk),
                 due=v.found_on + datetime.timedelta(days=int(policy.get("checks.violation_decide_days", v.region_code))),
                 key=f"checks.violation:{v.pk}:decide", region_code=v.region_code) for v in rows]


def to_close(user, today) -> list[Todo]:
    url = url_for_pk("checks:violation_detail")
    rows = Violation.objects.filter(_office_q(user), status=ViolationStatus.DECIDED,
                                    finding__status__in=DONE_STATUSES).select_related("school") \
        .order_by("decided_on", "id")[:LIMIT]
    return [Todo(kind="checks.violation_close", title="违规查处整改完成，办结",
                 object=f"{v.school.name} · {v.get_kind_display()}", url=url(v.pk), due=None,
                 key=f"checks.violation:{v.pk}:close", region_code=v.region_code) for v in rows]
