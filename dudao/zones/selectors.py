"""Reads of 挂牌督导, always scoped: zones, assignments, coverage, ratio compliance, visit frequency,
workload, cross-supervision, visits and complaints. Province-size pages load plain values in a few
queries and leave the counting to zones.engine."""

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.listing import filter_given
from dudao.core.models import Role
from dudao.core.policy import PolicyTable
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.people import engine as people_engine
from dudao.people.models import Inspector, InspectorKind, InspectorStatus
from dudao.rectification.models import Finding, FindingStatus
from dudao.regions.models import Region
from dudao.schools.models import TYPE_STAGES, Campus, School, SchoolType
from dudao.zones import engine
from dudao.zones.models import (
    COMPLAINT_WORKFLOW,
    Assignment,
    Complaint,
    CrossSupervision,
    LessonObservation,
    Visit,
    VisitFile,
    VisitReason,
    VisitStatus,
    Zone,
)

# 挂牌督导 covers schools and kindergartens; off-campus training bodies are supervised otherwise.
SUPERVISED = ~Q(school_type=SchoolType.TRAINING)


def inspector_scope(user) -> tuple[set[str], set[int]]:
    """Scope source for core.scope: an active inspector in the registry sees their current schools."""
    rows = list(Inspector.objects.filter(user_id=user.pk, status=InspectorStatus.ACTIVE).values_list("pk", flat=True))
    if not rows:
        return set(), set()
    schools = set(Assignment.objects.current().filter(inspector_id__in=rows).values_list("school_id", flat=True))
    return {"inspector"}, schools


# ---- zones and assignments -------------------------------------------------------------------------

def zone_list(user, *, region: str = "") -> QuerySet[Zone]:
    qs = Zone.objects.visible_to(user).select_related("region", "lead").annotate(
        school_count=Count("assignments__school", filter=Q(assignments__ended_on__isnull=True), distinct=True),
        inspector_count=Count("assignments__inspector", filter=Q(assignments__ended_on__isnull=True), distinct=True),
    )
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("region_id", "code")


def get_zone_for(user, pk: int) -> Zone:
    return get_visible_or_404(Zone.objects.select_related("region", "lead"), user, pk=pk)


def zone_assignments(zone: Zone) -> QuerySet[Assignment]:
    return zone.assignments.current().select_related("inspector", "school", "campus").order_by("inspector__name", "school__code")


def assignment_history(user, school: School) -> QuerySet[Assignment]:
    return Assignment.objects.visible_to(user).filter(school=school).select_related("inspector", "zone", "campus")


def current_inspectors_of(school: School) -> list[Assignment]:
    return list(Assignment.objects.current().filter(school=school).select_related("inspector__photo", "campus", "zone"))


def responsible_user_ids(school_id: int) -> set[int]:
    """The accounts of a school's current responsible inspectors (registered with core.registries)."""
    return {a.inspector.user_id for a in current_inspectors_of(School(pk=school_id)) if a.inspector.user_id}


def inspector_assignments_section(request, inspector) -> dict:
    """The inspector page's school assignments (a page section registered with core.registries)."""
    return {"assignments": assignment_list(request.user, inspector_id=inspector.pk)}


def assignment_list(user, *, region: str = "", inspector_id: int | None = None, current: bool = True):
    qs = Assignment.objects.visible_to(user).select_related("inspector", "school", "campus", "zone")
    if current:
        qs = qs.current()
    qs = filter_given(qs, school__region__code__startswith=region, inspector_id=inspector_id)
    return qs.order_by("school__code", "campus_id")


def _scoped_schools(user, region: str = "") -> QuerySet[School]:
    qs = School.objects.visible_to(user).filter(SUPERVISED)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs


# ---- supervision units (each campus and each stage counts once) ----------------------------------
# Province pages (20,000 schools) pass the scoped school queryset as a subquery, so each read below is one
# query whatever the scope, and the counting happens in zones.engine.

def _campus_stages(schools: QuerySet[School]) -> dict[int, list[tuple[int, int]]]:
    """school id → [(campus id, units)] for the schools of a queryset."""
    result: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for school_id, campus_id, stages in Campus.objects.filter(school__in=schools.values("id")).values_list(
            "school_id", "id", "stages"):
        result[school_id].append((campus_id, max(1, len([s for s in stages.split(",") if s]))))
    return result


def _school_units(school_type: str, campuses: list[tuple[int, int]]) -> int:
    if campuses:
        return sum(units for _cid, units in campuses)
    return max(1, len(TYPE_STAGES[school_type]))


ENROLMENT = ("students_preschool", "students_primary", "students_junior", "students_senior", "students_other")


def coverage(user, *, region: str = "") -> dict:
    """Schools in scope without a current responsible inspector (whole school, or some campus uncovered)."""
    scoped = _scoped_schools(user, region)
    schools = list(scoped.values("id", "code", "name", "school_type", "region__name"))
    campuses = _campus_stages(scoped)
    covered_whole, covered_campus = set(), defaultdict(set)
    for school_id, campus_id in Assignment.objects.current().filter(school__in=scoped.values("id")).values_list(
            "school_id", "campus_id"):
        if campus_id is None:
            covered_whole.add(school_id)
        else:
            covered_campus[school_id].add(campus_id)
    uncovered = []
    for school in schools:
        if school["id"] in covered_whole:
            continue
        all_campuses = {cid for cid, _u in campuses.get(school["id"], [])}
        missing = all_campuses - covered_campus[school["id"]]
        if covered_campus[school["id"]] and not missing:
            continue
        school["partial"] = bool(covered_campus[school["id"]])
        uncovered.append(school)
    return {"total": len(schools), "covered": len(schools) - len(uncovered), "uncovered": uncovered}


# ---- ratio compliance -----------------------------------------------------------------------------

LIMIT_KEYS = {
    "per_inspector": "zones.schools_per_inspector", "large_enrolment": "zones.large_school_enrolment",
    "fulltime_min": "zones.fulltime_share_min", "retired_parttime_max": "zones.retired_parttime_share_max",
    "retired_years_max": "zones.retired_years_max", "zone_max": "zones.zone_size_max",
}
LIMIT_TYPES = {"per_inspector": int, "large_enrolment": int, "zone_max": int}


def limits_for(region_code: str, table: PolicyTable | None = None) -> engine.Limits:
    table = table or PolicyTable(LIMIT_KEYS.values())
    return engine.Limits(**{field: LIMIT_TYPES.get(field, float)(table.get(key, region_code))
                            for field, key in LIMIT_KEYS.items()})


def _inspectors_in_scope(user, region: str = "") -> QuerySet[Inspector]:
    """Active inspectors appointed in the counties of the user's regions (an office of a town sees its county's)."""
    qs = Inspector.objects.filter(status=InspectorStatus.ACTIVE)
    if region:
        qs = qs.filter(region__code__startswith=region[:6])
    scope = scope_for(user)
    if not scope.everything:
        q = Q(pk__in=[])
        for prefix in scope.region_prefixes:
            q |= Q(region__code__startswith=prefix[:6]) | Q(region__code__startswith=prefix)
        qs = qs.filter(q)
    return qs


def compliance(user, *, region: str = "", today: datetime.date | None = None) -> list[dict]:
    """Per county in scope: the ratio rules with their numbers; one engine call per county and per zone."""
    today = today or timezone.localdate()
    scoped = _scoped_schools(user, region)
    campuses = _campus_stages(scoped)
    campus_units = {cid: u for rows in campuses.values() for cid, u in rows}
    schools: dict[int, engine.SchoolFact] = {}
    county_schools: dict[str, list[engine.SchoolFact]] = defaultdict(list)
    for row in scoped.values("id", "name", "school_type", "region_id", *ENROLMENT):
        fact = engine.SchoolFact(row["id"], row["name"], _school_units(row["school_type"], campuses.get(row["id"], [])),
                                 sum(row[k] for k in ENROLMENT))
        schools[row["id"]] = fact
        county_schools[row["region_id"][:6]].append(fact)
    counties = sorted(county_schools)
    inspectors: dict[int, engine.InspectorFact] = {}
    county_inspectors: dict[str, list[engine.InspectorFact]] = defaultdict(list)
    for pk, name, kind, retirement, region_id in _inspectors_in_scope(user, region).values_list(
            "pk", "name", "kind", "retirement_date", "region_id"):
        fact = engine.InspectorFact(pk, name, kind == InspectorKind.FULL_TIME, people_engine.years_retired(retirement, today))
        inspectors[pk] = fact
        county_inspectors[region_id[:6]].append(fact)
    zone_units: dict[int, int] = defaultdict(int)
    zone_inspectors: dict[int, set[int]] = defaultdict(set)
    zone_schools: dict[int, set[int]] = defaultdict(set)
    for inspector_id, school_id, campus_id, zone_id in Assignment.objects.current().filter(
            school__in=scoped.values("id")).values_list("inspector_id", "school_id", "campus_id", "zone_id"):
        school = schools[school_id]
        units = campus_units.get(campus_id, 1) if campus_id else school.units
        school.inspector_ids.add(inspector_id)
        zone_units[zone_id] += units
        zone_inspectors[zone_id].add(inspector_id)
        zone_schools[zone_id].add(school_id)
        fact = inspectors.get(inspector_id)
        if fact is not None:
            fact.units += units
            fact.school_ids.add(school_id)
    zones_by_county: dict[str, list] = defaultdict(list)
    for zone in Zone.objects.filter(region_id__in=counties).values("id", "name", "region_id"):
        zones_by_county[zone["region_id"]].append(zone)
    names = dict(Region.objects.filter(code__in=counties).values_list("code", "name"))
    table = PolicyTable(LIMIT_KEYS.values())
    results = []
    for county in counties:
        limits = limits_for(county, table)
        c_zones = [engine.ZoneFact(z["id"], z["name"], zone_units[z["id"]]) for z in zones_by_county[county]]
        rules = engine.ratio_rules(county_inspectors[county], county_schools[county], c_zones, limits)
        per_zone = []
        for z in c_zones:
            z_rules = engine.ratio_rules([inspectors[i] for i in zone_inspectors[z.id] if i in inspectors],
                                         [schools[s] for s in zone_schools[z.id]], [z], limits)
            per_zone.append({"zone": z, "rules": [r for r in z_rules if r.code in ("ratio", "large", "zone_size")]})
        results.append({"code": county, "name": names.get(county, county), "rules": rules, "zones": per_zone,
                        "passed": all(r.passed for r in rules)})
    return results


# ---- visit frequency and overdue schools ---------------------------------------------------------

FREQUENCY_KEYS = ("zones.visits_per_month_min", "zones.visits_per_semester_min", "zones.vacation_months")


def frequency(user, *, region: str = "", today: datetime.date | None = None) -> dict:
    """Every school in scope with visits this month and this semester against the rules."""
    today = today or timezone.localdate()
    semester = engine.semester_of(today)
    month_start, _end = engine.month_bounds(today)
    tz = timezone.get_current_timezone()
    sem_from = datetime.datetime.combine(semester.start, datetime.time.min, tzinfo=tz)
    month_from = datetime.datetime.combine(month_start, datetime.time.min, tzinfo=tz)
    scoped = _scoped_schools(user, region)
    schools = list(scoped.values("id", "code", "name", "region__name", "region_id"))
    stats = {school_id: (month, sem, last) for school_id, month, sem, last in Visit.objects.filter(
        school__in=scoped.values("id")).values("school_id").annotate(
        month=Count("id", filter=Q(started_at__gte=month_from)), sem=Count("id", filter=Q(started_at__gte=sem_from)),
        last=Max("started_at")).values_list("school_id", "month", "sem", "last")}
    inspectors = defaultdict(set)
    for school_id, name in Assignment.objects.current().filter(school__in=scoped.values("id")).values_list(
            "school_id", "inspector__name"):
        inspectors[school_id].add(name)
    table = PolicyTable(FREQUENCY_KEYS)
    rules: dict[str, tuple] = {}
    rows, overdue = [], []
    for school in schools:
        county = school["region_id"][:6]
        if county not in rules:
            rules[county] = tuple(table.get(key, county) for key in FREQUENCY_KEYS)
        per_month, per_semester, vacation = rules[county]
        month, sem, last = stats.get(school["id"], (0, 0, None))
        f = engine.frequency(month, sem, month=today.month, per_month=int(per_month), per_semester=int(per_semester),
                             vacation_months=vacation)
        row = {**school, "freq": f, "last_visit": last, "inspectors": "、".join(sorted(inspectors[school["id"]])),
               "days_since": (today - last.astimezone(tz).date()).days if last else None}
        rows.append(row)
        if f.overdue or not f.semester_ok:
            overdue.append(row)
    overdue.sort(key=lambda r: (r["freq"].month_ok, -(r["days_since"] if r["days_since"] is not None else 10**6)))
    return {"semester": semester, "month": month_start, "rows": rows, "overdue": overdue,
            "month_missing": sum(1 for r in rows if r["freq"].overdue),
            "semester_short": sum(1 for r in rows if not r["freq"].semester_ok)}


# ---- workload -----------------------------------------------------------------------------------------

def workload(user, *, region: str = "", start: datetime.date, end: datetime.date) -> list[dict]:
    """Per inspector: schools now, visits, hours on site, problems raised and closed in the period."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    inspectors = Inspector.objects.visible_to(user)
    if region:
        inspectors = inspectors.filter(region__code__startswith=region[:6])
    ids = inspectors.values("id")
    schools = dict(Assignment.objects.current().filter(inspector__in=ids).values("inspector_id").annotate(
        n=Count("school_id", distinct=True)).values_list("inspector_id", "n"))
    period = Visit.objects.filter(inspector__in=ids, started_at__gte=since, started_at__lt=until)
    visits = {r["inspector_id"]: r for r in period.values("inspector_id").annotate(
        n=Count("id"), minutes=Sum("minutes_on_site"), schools=Count("school_id", distinct=True))}
    visit_owner = {str(pk): owner for pk, owner in period.values_list("pk", "inspector_id")}
    # A visit's findings carry the visit's start as raised_at: read them from `since` on and keep the period's.
    raised, closed = defaultdict(int), defaultdict(int)
    for source_id, status in Finding.objects.filter(source_type="zones.visit", raised_at__gte=since).values_list(
            "source_id", "status"):
        owner = visit_owner.get(source_id)
        if owner is not None:
            raised[owner] += 1
            if status != FindingStatus.OPEN:
                closed[owner] += 1
    rows = []
    for pk, name, kind in inspectors.order_by("region_id", "name").values_list("pk", "name", "kind"):
        v = visits.get(pk, {})
        rows.append({"id": pk, "name": name, "kind": InspectorKind(kind).label, "schools": schools.get(pk, 0),
                     "visits": v.get("n", 0), "visited_schools": v.get("schools", 0),
                     "hours": round((v.get("minutes") or 0) / 60, 1), "raised": raised[pk], "closed": closed[pk]})
    return rows


# ---- cross-supervision --------------------------------------------------------------------------------

def cross_status(user, *, semester: engine.Semester, region: str = "") -> list[dict]:
    """Per zone in scope: cross-supervision plans and visits received this semester against the minimum."""
    zones = Zone.objects.visible_to(user).select_related("region")
    if region:
        zones = zones.filter(region__code__startswith=region[:6])
    zones = list(zones.order_by("region_id", "code"))
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(semester.start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(semester.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    received = dict(Visit.objects.filter(reason=VisitReason.CROSS, zone__in=zones, started_at__gte=since,
                                                   started_at__lt=until).values("zone_id").annotate(n=Count("id"))
                    .values_list("zone_id", "n"))
    plans = defaultdict(list)
    for plan in CrossSupervision.objects.filter(semester=semester.key, host_zone__in=zones).select_related(
            "visiting_zone").prefetch_related("inspectors").annotate(done=Count("visits")):
        plans[plan.host_zone_id].append(plan)
    table = PolicyTable(["zones.cross_visits_per_semester_min"])
    rows = []
    for zone in zones:
        minimum = int(table.get("zones.cross_visits_per_semester_min", zone.region_id))
        rows.append({"zone": zone, "plans": plans[zone.pk], "received": received.get(zone.pk, 0), "minimum": minimum,
                     "ok": received.get(zone.pk, 0) >= minimum})
    return rows


def cross_plan_list(user, *, semester: str = "") -> QuerySet[CrossSupervision]:
    qs = CrossSupervision.objects.visible_to(user).select_related("visiting_zone", "host_zone").prefetch_related(
        "inspectors").annotate(done=Count("visits"))
    if semester:
        qs = qs.filter(semester=semester)
    return qs


# ---- visits ---------------------------------------------------------------------------------------

def visit_list(user, *, region: str = "", school_id: int | None = None, inspector_id: int | None = None,
               reason: str = "", status: str = "", date_from: datetime.date | None = None,
               date_to: datetime.date | None = None, q: str = "") -> QuerySet[Visit]:
    qs = Visit.objects.visible_to(user).select_related("school", "inspector", "campus")
    qs = filter_given(qs, school__region__code__startswith=region, school_id=school_id, inspector_id=inspector_id,
                      reason=reason, status=status)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(started_at__gte=datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(started_at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))
    if q:
        qs = qs.filter(Q(school__name__contains=q) | Q(inspector__name__contains=q) | Q(narrative__contains=q))
    return qs.order_by("-started_at", "-id")


def get_visit_for(user, pk: int) -> Visit:
    return get_visible_or_404(Visit.objects.select_related("school", "inspector", "campus", "zone", "signed_by").prefetch_related(
        "companions", Prefetch("files", queryset=VisitFile.objects.select_related("file")),
        Prefetch("lessons", queryset=LessonObservation.objects.all())), user, pk=pk)


def get_visit_by_client_id_for(user, client_id) -> Visit:
    return get_visible_or_404(Visit.objects.select_related("school", "inspector"), user, client_id=client_id)


def visit_findings(visit: Visit) -> QuerySet[Finding]:
    return Finding.objects.filter(source_type="zones.visit", source_id=str(visit.pk)).order_by("id")


def visitable_schools(user, inspector: Inspector | None) -> QuerySet[School]:
    """Schools offered first on the visit form: the inspector's own; office users see their region."""
    if inspector is not None:
        ids = Assignment.objects.current().filter(inspector=inspector).values("school_id")
        return School.objects.filter(pk__in=ids).order_by("code")
    return School.objects.visible_to(user).filter(SUPERVISED).order_by("code")


def visit_form_choices(user, inspector: Inspector) -> dict:
    """The visit form's choices: own schools first, then the county's others (cross, complaint, special
    visits), their campuses, and the county's active inspectors as companions."""
    own = list(visitable_schools(user, inspector))
    others = list(School.objects.filter(SUPERVISED, region__code__startswith=inspector.region_id[:6]).exclude(
        pk__in=[s.pk for s in own]).order_by("code").only("id", "name", "code"))
    campuses = Campus.objects.filter(school__in=[s.pk for s in own + others]).select_related("school").order_by("school_id")
    companions = Inspector.objects.filter(status=InspectorStatus.ACTIVE, region_id=inspector.region_id).exclude(pk=inspector.pk)
    return {"own_schools": own, "other_schools": others, "campuses": campuses, "companions": companions}


# ---- complaints -----------------------------------------------------------------------------------

def complaint_list(user, *, region: str = "", status: str = "", kind: str = "", q: str = "") -> QuerySet[Complaint]:
    qs = Complaint.objects.visible_to(user).select_related("school", "assigned_to")
    qs = filter_given(qs, school__region__code__startswith=region, status=status, kind=kind)
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(school__name__contains=q) | Q(content__contains=q))
    return qs.order_by("-received_at", "-id")


def get_complaint_for(user, pk: int) -> Complaint:
    return get_visible_or_404(Complaint.objects.select_related("school", "assigned_to", "received_by").prefetch_related(
        "transitions__actor"), user, pk=pk)


def complaint_findings(complaint: Complaint) -> QuerySet[Finding]:
    return Finding.objects.filter(source_type="zones.complaint", source_id=str(complaint.pk))


def may_see_complainant(user, complaint: Complaint) -> bool:
    scope = scope_for(user)
    return scope.holds(complaint.school.region_id, Role.OFFICE)


def visit_target(inspector: Inspector, *, school_id: int | None = None, school_code: str = "",
                 campus_id: int | None = None, campus_name: str = "") -> tuple[School, Campus | None]:
    """The school (in the inspector's county) and optional campus a visit record names, from the form or API."""
    schools = School.objects.filter(region__code__startswith=inspector.region_id[:6])
    school = schools.filter(pk=school_id).first() if school_id else schools.filter(code=school_code).first()
    if school is None:
        raise ApplicationError(f"学校{f'标识码 {school_code} ' if school_code else ''}不存在或不在本县（区）。")
    campus = None
    if campus_id or campus_name:
        campuses = Campus.objects.filter(school=school)
        campus = campuses.filter(pk=campus_id).first() if campus_id else campuses.filter(name=campus_name).first()
        if campus is None:
            raise ApplicationError("所选校区不属于该学校。")
    return school, campus


def may_sign_visit(user, visit: Visit) -> bool:
    """签收: only a user of the visited school (a school role for it) signs its visit record."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return scope.has_role(Role.SCHOOL) and visit.school_id in scope.school_ids \
        and user.role_assignments.filter(role=Role.SCHOOL, school_id=visit.school_id).exists()


def visit_actions(user, visit: Visit) -> frozenset[str]:
    """What this user may do on a visit record now: sign it (the school, while it is unsigned)."""
    return frozenset({"sign"}) if visit.status == VisitStatus.SUBMITTED and may_sign_visit(user, visit) else frozenset()


# The URL name of each move's view (one view per move).
COMPLAINT_MOVE_VIEWS = {"assigned": "zones:complaint_assign", "verified": "zones:complaint_verify",
                        "replied": "zones:complaint_reply", "closed": "zones:complaint_close"}


def complaint_roles(actor, complaint: Complaint) -> set[str]:
    """The user's relations to a complaint: the county's office, the inspector it is assigned to."""
    roles = set()
    scope = scope_for(actor)
    if scope.holds(complaint.school.region_id, Role.OFFICE):
        roles.add("office")
    if complaint.assigned_to_id and complaint.assigned_to.user_id == actor.pk:
        roles.add("inspector")
    return roles


def complaint_actions(user, complaint: Complaint) -> list[tuple[str, str, str]]:
    """The workflow moves this user may make on a complaint now, as (status, label, URL name of its view)."""
    roles = complaint_roles(user, complaint)
    return [(status, COMPLAINT_WORKFLOW.label(status), COMPLAINT_MOVE_VIEWS[status])
            for status in COMPLAINT_WORKFLOW.allowed_from(complaint.status)
            if roles & COMPLAINT_WORKFLOW.who(complaint.status, status)]


def visit_companions(*, ids=(), card_nos=()) -> list[Inspector]:
    """Accompanying inspectors named by id (form) or 督学证号 (API); the visit service checks who may come."""
    if card_nos:
        return list(Inspector.objects.filter(card_no__in=list(card_nos)))
    return list(Inspector.objects.filter(pk__in=[int(i) for i in ids if str(i).isdigit()]))
