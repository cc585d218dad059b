"""To-dos of 兼职督学劳务补贴 (issue 24 item 4), registered by workforce/todo.py: the county office computes, reviews
and approves last month's allowances."""

import datetime

from django.urls import reverse

from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source
from dudao.core.roles import Role
from dudao.core.scope import region_prefix
from dudao.people.models import Inspector, InspectorKind
from dudao.regions.models import Region
from dudao.workforce.models import AllowanceMonth, AllowanceMonthStatus


def allowances_last_month(user, today) -> list[Todo]:
    """The office of a county (its own county, not the city above it): last month's 劳务补贴 not yet computed,
    reviewed or approved, when the county has part-time inspectors. Three queries."""
    codes = sorted({c for c in RoleAssignment.objects.filter(user=user, role=Role.OFFICE)
                    .values_list("region_id", flat=True) if c and len(region_prefix(c)) == 6})
    if not codes:
        return []
    last = today.replace(day=1) - datetime.timedelta(days=1)
    with_inspectors = set(Inspector.objects.filter(region_id__in=codes, kind=InspectorKind.PART_TIME)
                          .values_list("region_id", flat=True).distinct())
    months = {m.region_id: m for m in AllowanceMonth.objects.filter(region_id__in=codes, year=last.year,
                                                                     month=last.month)}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    items = []
    for code in codes:
        month = months.get(code)
        label = f"{names.get(code, code)} · {last.year}年{last.month}月"
        if month is None and code in with_inspectors:
            items.append(Todo(kind="workforce.allowance_compute", title="计算上月兼职督学劳务补贴", object=label,
                              url=reverse("workforce:allowance_list"), key=f"workforce.allowance:{code}:{last:%Y%m}:compute",
                              region_code=code))
        elif month is not None and month.status != AllowanceMonthStatus.APPROVED:
            title = "复核劳务补贴" if month.status == AllowanceMonthStatus.DRAFT else "批准劳务补贴"
            items.append(Todo(kind="workforce.allowance_approve", title=title, object=label,
                              url=reverse("workforce:allowance_detail", args=[month.pk]),
                              key=f"workforce.allowance:{month.pk}:{month.status}", region_code=code))
    return items


def register_allowance_todo() -> None:
    register_todo_source("workforce.allowances", "兼职督学劳务补贴", allowances_last_month, roles=(Role.OFFICE,),
                         list_url="workforce:allowance_list")
