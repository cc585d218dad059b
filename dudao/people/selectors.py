"""Reads of inspectors and experts, always scoped; training totals and term warnings."""

import datetime
import decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dudao.core.listing import filter_given
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, owns, scope_for
from dudao.people import engine
from dudao.people.models import Expert, Inspector, InspectorKind, SchoolSupervisor, Training


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


def training_summary(inspector, year: int) -> dict:
    """Hours and credits of the year in a trainee's file (an inspector, an expert or a 学校督导管理员) against the
    yearly minimum (policy people.training_hours_min of the trainee's region)."""
    hours = inspector.trainings.filter(date__year=year).aggregate(h=Sum("hours"), c=Sum("credits"))
    region = inspector.school.region_id if isinstance(inspector, SchoolSupervisor) else inspector.region_id
    minimum = float(policy_value("people.training_hours_min", region))
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


# ---- 学校督导管理员 ---------------------------------------------------------------------------------------------

def supervisor_list(user, *, region: str = "", school: str = "", status: str = "", q: str = "",
                    year: int | None = None) -> QuerySet[SchoolSupervisor]:
    """学校督导管理员 a user may see (the office: its region's schools; a school: its own), each with
    `training_hours` for the year (default: this year). status: "active" 在任, "ended" 已离任."""
    year = year or timezone.localdate().year
    qs = SchoolSupervisor.objects.visible_to(user).select_related("school", "user").annotate(
        training_hours=Coalesce(Sum("trainings__hours", filter=Q(trainings__date__year=year)),
                                Value(decimal.Decimal(0)), output_field=DecimalField()))
    qs = filter_given(qs, school__region__code__startswith=region)
    if school.isdigit():
        qs = qs.filter(school_id=int(school))
    if status in ("active", "ended"):
        qs = qs.filter(is_active=status == "active")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(school__name__contains=q) | Q(phone__startswith=q))
    return qs.order_by("school__region_id", "school__name", "-is_active", "name", "id")


def get_supervisor_for(user, pk: int) -> SchoolSupervisor:
    return get_visible_or_404(SchoolSupervisor.objects.select_related("school", "user"), user, pk=pk)


def school_supervisors(school) -> list[SchoolSupervisor]:
    """The school's serving 学校督导管理员 (for the school page; the page itself is already scoped)."""
    return list(SchoolSupervisor.objects.filter(school=school, is_active=True).order_by("appointed_on", "id"))


def supervisor_may_manage(user, school) -> bool:
    """The office of the school's region, or the school itself."""
    return scope_for(user).holds(school.region_id, Role.OFFICE) or owns(user, school_id=school.pk)


def trainings_of(person, limit: int = 100) -> list[Training]:
    return list(person.trainings.all()[:limit])


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
