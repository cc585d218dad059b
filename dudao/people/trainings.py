"""The training file (培训档案) of any trainee — an inspector, an expert or a 学校督导管理员 — for the pages that
show a person's file (the inspector page, the expert and 学校督导管理员 pages, workforce's file page). Owned by
workforce's training area (issue 24); people imports nothing after it."""

from decimal import Decimal

from django.db.models import Sum

from dudao.core.policy import policy_value
from dudao.people.models import Expert, Inspector, SchoolSupervisor, Training


def _owner_filter(person) -> dict:
    if isinstance(person, Inspector):
        return {"inspector": person}
    if isinstance(person, Expert):
        return {"expert": person}
    if isinstance(person, SchoolSupervisor):
        return {"supervisor": person}
    raise TypeError("a training file belongs to an inspector, an expert or a school supervisor")


def _region(person) -> str:
    return person.school.region_id if isinstance(person, SchoolSupervisor) else person.region_id


def training_file(person, *, year: int | None = None) -> dict:
    """The person's records (newest first; of `year` when given) with the year's hours and credits against the
    yearly minimum (people.training_hours_min of their region). Two queries."""
    records = Training.objects.filter(**_owner_filter(person)).order_by("-date", "-id")
    if year is not None:
        records = records.filter(date__year=year)
    totals = records.aggregate(h=Sum("hours"), c=Sum("credits"))
    hours = totals["h"] or Decimal(0)
    minimum = Decimal(str(policy_value("people.training_hours_min", _region(person))))
    return {"records": list(records), "hours": hours, "credits": totals["c"] or Decimal(0), "minimum": minimum,
            "short": max(minimum - hours, Decimal(0)), "met": hours >= minimum}
