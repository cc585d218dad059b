"""Reads of inspectors and experts, always scoped; training totals and term warnings."""

import datetime
import decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dudao.core.listing import filter_given
from dudao.core.policy import policy_value
from dudao.core.scope import get_visible_or_404, owns
from dudao.people import engine
from dudao.people.models import Expert, Inspector, InspectorKind


def inspector_list(user, *, region: str = "", kind: str = "", source: str = "", status: str = "", q: str = "",
                   year: int | None = None) -> QuerySet[Inspector]:
    """Inspectors a user may see, each with `training_hours` for the year (default: this year)."""
    year = year or timezone.localdate().year
    qs = Inspector.objects.visible_to(user).select_related("region", "home_school").annotate(
        training_hours=Coalesce(Sum("trainings__hours", filter=Q(trainings__date__year=year)),
                                Value(decimal.Decimal(0)), output_field=DecimalField()))
    qs = filter_given(qs, region__code__startswith=region, kind=kind, source=source, status=status)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(card_no__startswith=q) | Q(employer__contains=q))
    return qs.order_by("region_id", "name", "id")


def get_inspector_for(user, pk: int) -> Inspector:
    return get_visible_or_404(Inspector.objects.select_related("region", "home_school", "photo", "user"), user, pk=pk)


def inspector_for_user(user) -> Inspector | None:
    if not user.is_authenticated:
        return None
    return Inspector.objects.filter(user=user).select_related("region", "home_school").first()


def term_status(inspector: Inspector, today: datetime.date | None = None):
    region = inspector.region_id
    return engine.term_status(
        part_time=inspector.kind == InspectorKind.PART_TIME, term_start=inspector.term_start,
        term_no=inspector.term_no, today=today or timezone.localdate(),
        term_years=int(policy_value("people.parttime_term_years", region)),
        max_terms=int(policy_value("people.parttime_max_terms", region)),
        warning_days=int(policy_value("people.term_warning_days", region)),
    )


def training_summary(inspector: Inspector, year: int) -> dict:
    hours = inspector.trainings.filter(date__year=year).aggregate(h=Sum("hours"), c=Sum("credits"))
    minimum = float(policy_value("people.training_hours_min", inspector.region_id))
    total = float(hours["h"] or 0)
    return {"year": year, "hours": total, "credits": float(hours["c"] or 0), "minimum": minimum,
            "shortfall": engine.training_shortfall(total, minimum), "met": total >= minimum}


def expert_list(user, *, region: str = "", category: str = "", q: str = "", active: str = "") -> QuerySet[Expert]:
    qs = Expert.objects.visible_to(user).select_related("region")
    if region:
        qs = qs.filter(region__code__startswith=region)
    if category:
        qs = qs.filter(Q(categories=category) | Q(categories__startswith=f"{category},")
                       | Q(categories__endswith=f",{category}") | Q(categories__contains=f",{category},"))
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(employer__contains=q) | Q(id_key__startswith=q))
    return qs.order_by("region_id", "name", "id")


def get_expert_for(user, pk: int) -> Expert:
    return get_visible_or_404(Expert.objects.select_related("region"), user, pk=pk)


# ---- 回避 (recusal): one rule for every place that puts a person in front of a school or unit --------------

def inspector_recused(inspector: Inspector, school_id: int | None) -> bool:
    """An inspector may not supervise the school they work at (their home school)."""
    return bool(school_id) and inspector.home_school_id == school_id


def user_recusal_reason(user, *, school_id: int | None = None, unit_id: int | None = None) -> str:
    """Why this user may not inspect or score this school or unit (their own, or the school they work at), or ""."""
    if owns(user, school_id=school_id, unit_id=unit_id):
        return "不能督导本人所在学校或单位"
    if school_id:
        home = Inspector.objects.filter(user=user).values_list("home_school_id", flat=True).first()
        if home == school_id:
            return "不能督导本人工作单位（学校）"
    return ""
