"""Reads of monitoring rounds for the round pages and the rounds API (scoped; out of scope is 404).

The drawn "2+1" subject is shown to the county's office and leaders at once, and to everyone else (schools,
their inspectors) only from the test date on, Asia/Shanghai day (Round.announced)."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dudao.core.listing import filter_given
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.quality.models import Round, RoundSubject, RoundTransition, SubjectKind


def round_list(user, *, year: str = "", term: str = "", grade: str = "", status: str = "", q: str = "") -> QuerySet:
    rounds = Round.objects.visible_to(user).select_related("region").annotate(
        school_count=Count("round_schools", distinct=True)).order_by("-year", "-test_date", "-id")
    year = year if str(year).isdigit() else ""
    grade = grade if str(grade).isdigit() else ""
    rounds = filter_given(rounds, year=year, term=term, grade=grade, status=status)
    q = (q or "").strip()[:100]
    if q:
        rounds = rounds.filter(Q(title__icontains=q) | Q(region__name__icontains=q))
    return rounds


def get_round_for(user, pk: int) -> Round:
    return get_visible_or_404(Round.objects.select_related("region", "drawn_by", "created_by"), user, pk=pk)


def holds_office(user, region_code: str = "") -> bool:
    """An office user (of that county, when given) or an administrator: who may create, draw and publish."""
    if region_code:
        return holds_role_in(user, region_code, Role.OFFICE)
    scope = scope_for(user)
    return scope.everything or scope.has_role(Role.OFFICE)


def sees_draw_early(user, round_: Round) -> bool:
    """The county's office and leaders (and administrators) see the drawn subject before the test date."""
    return holds_role_in(user, round_.region_id, Role.OFFICE, Role.LEADER)


def subjects_for(round_: Round, user, today: datetime.date | None = None) -> list[RoundSubject]:
    """The round's subjects as this user may see them: the drawn one hidden from schools before the test date."""
    subjects = list(round_.subjects.all())
    if sees_draw_early(user, round_) or round_.announced(today or timezone.localdate()):
        return subjects
    return [s for s in subjects if s.kind != SubjectKind.DRAWN]


def round_schools(round_: Round, user):
    """The round's schools with their source; a school user sees the whole list (it is not confidential), the
    results pages decide what each school reads."""
    return round_.round_schools.select_related("school", "school__region").order_by("school__code")


def round_history(round_: Round):
    return RoundTransition.history(round_)
