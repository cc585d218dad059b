"""Reads of 迎检: the review list (year, level, kind, status, search), one review with its indicator tree, each
indicator's assignments and the self-score roll-up, an assignee's own tasks, one assignment with its evidence
versions, and the boards (per assignee, per top-level indicator, and across counties for a city or province
office). Scoped: the office and leaders of the region read everything of a review; a unit reads only the
indicators and assignments given to it; an assigned staff member reads theirs. Anything else is a 404."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.regions.models import GovUnit, Region
from dudao.reviews.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    Review,
    ReviewIndicator,
    ReviewStatus,
    ReviewTransition,
)
from dudao.reviews.upward_engine import percent, roll_up_points

MIN_YEAR, MAX_YEAR = 2000, 2100
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.RETURNED)


def is_office(user, review: Review) -> bool:
    return holds_role_in(user, review.region_id, Role.OFFICE)


def reads_all(user, review: Review) -> bool:
    """Office and leaders of the review's region (and administrators) read the whole review."""
    return holds_role_in(user, review.region_id, Role.OFFICE, Role.LEADER)


def office_counties(user) -> QuerySet[Region]:
    """Counties where the user may register a review (inside their office assignments)."""
    qs = Region.objects.filter(level="county")
    scope = scope_for(user)
    if not scope.everything:
        q = Q(pk__in=[])
        for role, prefix in scope.role_prefixes:
            if role == Role.OFFICE:
                q |= Q(code__startswith=prefix)
        qs = qs.filter(q)
    return qs.order_by("code")


def own_unit_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(RoleAssignment.objects.filter(user=user, role=Role.UNIT, unit__isnull=False)
               .values_list("unit_id", flat=True))


def parse_year(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if MIN_YEAR <= number <= MAX_YEAR else None


def review_list(user, *, year: str = "", level: str = "", kind: str = "", status: str = "",
                q: str = "") -> QuerySet[Review]:
    """The reviews the user may read with their indicator and assignment counts; unknown filters are ignored."""
    qs = Review.objects.visible_to(user).select_related("region")
    number = parse_year(year)
    if number:
        qs = qs.filter(year=number)
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(body__contains=q) | Q(region__name__contains=q))
    return qs.annotate(
        indicator_count=Count("indicators", distinct=True),
        assignment_count=Count("indicators__assignments", distinct=True),
        accepted_count=Count("indicators__assignments", distinct=True,
                             filter=Q(indicators__assignments__status=AssignmentStatus.ACCEPTED)),
    ).order_by("-year", "-id")


def review_years(user) -> list[int]:
    return list(Review.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct())


def get_review_for(user, pk) -> Review:
    return get_visible_or_404(Review.objects.select_related("region", "created_by", "previous"), user, pk=pk)


def get_assignment_for(user, pk) -> Assignment:
    return get_visible_or_404(Assignment.objects.select_related(
        "indicator__review__region", "unit", "user", "assigned_by"), user, pk=pk)


def get_evidence_for(user, pk) -> Evidence:
    try:
        return Evidence.objects.select_related("assignment__indicator__review", "assignment__unit",
                                               "assignment__user").get(
            pk=pk, assignment__in=Assignment.objects.visible_to(user))
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该对象，或您无权查看。") from None


def transitions(review: Review):
    return ReviewTransition.history(review)


# ---- the review page -------------------------------------------------------------------------------------------------

@dataclass
class IndicatorRow:
    indicator: ReviewIndicator
    depth: int
    score: float | None
    is_leaf: bool
    assignments: list = field(default_factory=list)


@dataclass
class ReviewView:
    rows: list[IndicatorRow]
    total: float | None
    assigned: int
    accepted: int
    submitted: int
    returned: int
    progress: int
    weight_total: float | None


def review_view(user, review: Review) -> ReviewView:
    """The indicator tree in order with assignments and rolled-up scores; a reader below the office sees only
    the indicators assigned to them (flat, with their own assignments). Three queries."""
    full = reads_all(user, review)
    assignments = Assignment.objects.filter(indicator__review=review).select_related("unit", "user").order_by("id")
    if not full:
        assignments = assignments.filter(pk__in=Assignment.objects.visible_to(user).values("pk"))
    indicators = list(review.indicators.order_by("position", "id").prefetch_related(
        Prefetch("assignments", queryset=assignments, to_attr="shown")))
    parents = {i.pk: i.parent_id for i in indicators}
    with_children = {p for p in parents.values() if p}
    scores = roll_up_points(parents, {i.pk: i.self_score for i in indicators if i.pk not in with_children})
    depth: dict[int, int] = {}
    for i in indicators:  # parents come first (import order)
        depth[i.pk] = depth.get(i.parent_id, -1) + 1 if i.parent_id else 0
    rows = [IndicatorRow(i, depth[i.pk], scores.get(i.pk), i.pk not in with_children, i.shown) for i in indicators
            if full or i.shown]
    every = [a for i in indicators for a in i.shown]
    counts = defaultdict(int)
    for a in every:
        counts[a.status] += 1
    weights = [i.weight for i in indicators if not i.parent_id]
    return ReviewView(rows=rows, total=scores.get(0) if full else None, assigned=len(every),
                      accepted=counts[AssignmentStatus.ACCEPTED], submitted=counts[AssignmentStatus.SUBMITTED],
                      returned=counts[AssignmentStatus.RETURNED],
                      progress=percent(counts[AssignmentStatus.ACCEPTED], len(every)),
                      weight_total=sum(w for w in weights if w is not None) if weights else None)


def assignable_units(review: Review) -> QuerySet[GovUnit]:
    return GovUnit.objects.filter(region__code__startswith=review.region_id).order_by("region_id", "code")


def assignable_staff(review: Review):
    ids = RoleAssignment.objects.filter(role=Role.OFFICE, region_id=review.region_id, user__is_active=True).values(
        "user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username")


def evidence_versions(assignment: Assignment) -> list[Evidence]:
    return list(assignment.evidence.select_related("submitted_by", "decided_by").prefetch_related("files")
                .order_by("-version"))


# ---- my tasks ----------------------------------------------------------------------------------------------------

def my_assignments(user, *, status: str = "", q: str = "") -> QuerySet[Assignment]:
    """The user's own assignments (as the assigned staff member or a user of the assigned unit), across reviews:
    open ones first, then by due date."""
    units = own_unit_ids(user)
    qs = Assignment.objects.filter(Q(user_id=user.pk) | Q(unit_id__in=units)).select_related(
        "indicator__review", "unit", "user")
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(indicator__code__contains=q) | Q(indicator__text__contains=q)
                       | Q(indicator__review__title__contains=q))
    return qs.annotate(open_first=Count("pk", filter=Q(status__in=OPEN))).order_by(
        "-open_first", "due_on", "indicator__review_id", "indicator__position", "id")


def has_tasks(user) -> bool:
    units = own_unit_ids(user)
    return Assignment.objects.filter(Q(user_id=user.pk) | Q(unit_id__in=units)).exists()


# ---- boards ---------------------------------------------------------------------------------------------------------

@dataclass
class BoardRow:
    key: str
    name: str
    assigned: int
    handed: int
    accepted: int
    returned: int
    overdue: int

    @property
    def done(self) -> int:
        return percent(self.accepted, self.assigned)


def _counts(today: datetime.date, prefix: str = "") -> dict:
    p = prefix
    return {
        "assigned": Count("id"),
        "handed": Count("id", filter=~Q(**{f"{p}status": AssignmentStatus.PENDING})),
        "accepted": Count("id", filter=Q(**{f"{p}status": AssignmentStatus.ACCEPTED})),
        "returned": Count("id", filter=Q(**{f"{p}status": AssignmentStatus.RETURNED})),
        "overdue": Count("id", filter=Q(**{f"{p}status__in": OPEN, f"{p}due_on__lt": today})),
    }


BOARD_SORTS = {"name": lambda r: r.name, "assigned": lambda r: -r.assigned, "handed": lambda r: -r.handed,
               "accepted": lambda r: -r.accepted, "returned": lambda r: -r.returned,
               "overdue": lambda r: -r.overdue, "done": lambda r: r.done}


def sort_rows(rows: list[BoardRow], sort: str) -> list[BoardRow]:
    key = BOARD_SORTS.get(sort.lstrip("-"), BOARD_SORTS["done"])
    return sorted(rows, key=lambda r: (key(r), r.name), reverse=sort.startswith("-"))


def board_by_assignee(review: Review, today: datetime.date | None = None) -> list[BoardRow]:
    """One aggregate query: per unit or staff member."""
    today = today or timezone.localdate()
    rows = (Assignment.objects.filter(indicator__review=review)
            .values("unit_id", "unit__name", "user_id", "user__first_name", "user__username")
            .annotate(**_counts(today)).order_by())
    out = []
    for r in rows:
        if r["unit_id"]:
            key, name = f"u{r['unit_id']}", r["unit__name"]
        else:
            key, name = f"p{r['user_id']}", f"{r['user__first_name'] or r['user__username']}（督导室）"
        out.append(BoardRow(key, name, r["assigned"], r["handed"], r["accepted"], r["returned"], r["overdue"]))
    return out


def board_by_indicator(review: Review, today: datetime.date | None = None) -> list[BoardRow]:
    """Per top-level indicator: two queries (the tree's parents, then one aggregate per indicator)."""
    today = today or timezone.localdate()
    tree = {pk: (parent, code, text) for pk, parent, code, text in
            review.indicators.order_by("position", "id").values_list("pk", "parent_id", "code", "text")}

    def top(pk):
        while tree[pk][0]:
            pk = tree[pk][0]
        return pk

    sums: dict[int, list[int]] = {}
    for r in (Assignment.objects.filter(indicator__review=review).values("indicator_id")
              .annotate(**_counts(today)).order_by()):
        acc = sums.setdefault(top(r["indicator_id"]), [0] * 5)
        for n, key in enumerate(("assigned", "handed", "accepted", "returned", "overdue")):
            acc[n] += r[key]
    order = {pk: n for n, pk in enumerate(tree)}
    return [BoardRow(f"i{pk}", f"{tree[pk][1]} {tree[pk][2][:30]}", *sums[pk]) for pk in sorted(sums, key=order.get)]


def province_reviews(user, year: int) -> QuerySet[Review]:
    return Review.objects.visible_to(user).filter(year=year)


def province_board(user, year: int, today: datetime.date | None = None) -> tuple[list[BoardRow], list[BoardRow]]:
    """Across every visible review of a year: per county, and per department name (the same department of
    different counties summed). Two aggregate queries."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    base = Assignment.objects.filter(indicator__review__year=year)
    if not scope.everything:
        q = Q(pk__in=[])
        for role, prefix in scope.role_prefixes:
            if role in (Role.OFFICE, Role.LEADER):
                q |= Q(indicator__review__region__code__startswith=prefix)
        base = base.filter(q)
    counties = [BoardRow(r["indicator__review__region_id"], r["indicator__review__region__name"], r["assigned"],
                         r["handed"], r["accepted"], r["returned"], r["overdue"])
                for r in base.values("indicator__review__region_id", "indicator__review__region__name")
                .annotate(**_counts(today)).order_by()]
    departments = [BoardRow(r["unit__name"], r["unit__name"], r["assigned"], r["handed"], r["accepted"],
                            r["returned"], r["overdue"])
                   for r in base.filter(unit__isnull=False).values("unit__name").annotate(**_counts(today)).order_by()]
    return counties, departments


def holds_many_counties(user) -> bool:
    """A city or province office (or leader): the cross-county board."""
    scope = scope_for(user)
    return scope.everything or any(len(p) < 6 for role, p in scope.role_prefixes if role in (Role.OFFICE, Role.LEADER))


STATUS_CHOICES = ReviewStatus.choices
