"""Reads of the 述职评议 (issue 21 item 2), scoped: office staff and leaders of the county read a session (visible_to);
a reporter's unit users read only their own reporter entries (and, once published, their result); a rater reads
only their own sheet through their key. Out of scope is the same 404 as missing."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, region_prefix, scope_for
from dudao.frameworks.models import Framework, FrameworkStatus
from dudao.frameworks.scoring import build_tree
from dudao.frameworks.selectors import rule_text
from dudao.regions.models import GovUnit, Region
from dudao.reviews.models import (
    Rater,
    Rating,
    RatingFinding,
    RatingSession,
    Reporter,
    SessionStatus,
)
from dudao.reviews.rating_engine import low_leaves

User = get_user_model()


def holds_office(user, region_code: str = "") -> bool:
    scope = scope_for(user)
    if not region_code:
        return scope.everything or scope.has_role(Role.OFFICE)
    return holds_role_in(user, region_code, Role.OFFICE)


def office_counties(user) -> QuerySet[Region]:
    qs = Region.objects.filter(level="county")
    scope = scope_for(user)
    if not scope.everything:
        q = Q(pk__in=[])
        for role, prefix in scope.role_prefixes:
            if role == Role.OFFICE:
                q |= Q(code__startswith=prefix)
        qs = qs.filter(q)
    return qs.order_by("code")


def session_list(user, *, year: str = "", status: str = "", q: str = "") -> QuerySet[RatingSession]:
    qs = (RatingSession.objects.visible_to(user).select_related("region", "framework")
          .annotate(reporter_count=Count("reporters", distinct=True), rater_count=Count("raters", distinct=True)))
    if year.isdecimal() and len(year) == 4:
        qs = qs.filter(year=int(year))
    if status in SessionStatus.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q[:100]) | Q(framework__name__icontains=q[:100]))
    return qs.order_by("-year", "-id")


def session_years(user) -> list[int]:
    return list(RatingSession.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct())


def get_session_for(user, pk: int) -> RatingSession:
    return get_visible_or_404(RatingSession.objects.select_related("region", "framework", "created_by"), user, pk=pk)


def get_reporter_for(user, pk: int) -> Reporter:
    """A reporter of a session the user reads (office, leaders), or of the user's own unit."""
    scope = scope_for(user)
    sessions = RatingSession.objects.visible_to(user).values("pk")
    reporter = (Reporter.objects.select_related("session", "session__region", "unit", "report")
                .filter(Q(session__in=sessions) | Q(unit_id__in=scope.unit_ids), pk=pk).first()
                if str(pk).isdecimal() else None)
    if reporter is None:
        raise Http404("未找到该对象，或您无权查看。")
    return reporter


def get_rater_for(user, pk: int) -> Rater:
    sessions = RatingSession.objects.visible_to(user).values("pk")
    rater = Rater.objects.select_related("session", "unit").filter(session__in=sessions, pk=pk).first()
    if rater is None:
        raise Http404("未找到该对象，或您无权查看。")
    return rater


def my_reporters(user) -> QuerySet[Reporter]:
    """The user's own units' reporter entries (a unit user), newest session first."""
    return (Reporter.objects.filter(unit_id__in=scope_for(user).unit_ids)
            .select_related("session", "unit", "report").order_by("-session__year", "-session_id"))


def reporters_of(session: RatingSession) -> QuerySet[Reporter]:
    return session.reporters.select_related("unit", "report").order_by("position", "pk")


def raters_of(session: RatingSession) -> QuerySet[Rater]:
    return (session.raters.select_related("unit", "user").annotate(saved=Count("ratings")).order_by("pk"))


def rater_by_key(key: str) -> Rater | None:
    key = (key or "").strip()
    if not 20 <= len(key) <= 64:
        return None
    return Rater.objects.select_related("session", "session__framework", "session__region", "unit").filter(
        key=key).first()


def framework_choices(user, region: Region | None = None) -> QuerySet[Framework]:
    qs = Framework.objects.visible_to(user).filter(status=FrameworkStatus.FROZEN)
    if region is not None:
        codes = {region.code, region.code[:4] + "00", region.code[:2] + "0000"}
        qs = qs.filter(region_id__in=codes)
    return qs.order_by("name", "-version")


def unit_choices(region: Region) -> QuerySet[GovUnit]:
    return GovUnit.objects.filter(region__code__startswith=region_prefix(region.code)).order_by("kind", "code")


def region_users(region_code: str) -> QuerySet:
    """Active users with a role over the county, one of its units or one of its schools."""
    prefix = region_prefix(region_code)
    ids = User.objects.filter(
        Q(role_assignments__region__code__startswith=prefix) | Q(role_assignments__unit__region__code__startswith=prefix)
        | Q(role_assignments__school__region__code__startswith=prefix), is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("first_name", "username")


@dataclass
class LeafColumn:
    code: str
    name: str
    rule: str


def leaf_columns(session: RatingSession) -> list[LeafColumn]:
    tree = build_tree(session.framework.definition)
    return [LeafColumn(n.code, n.name, rule_text(n.rule)) for n in tree.leaves if (n.rule or {}).get("kind") != "text"]


@dataclass
class ResultRow:
    reporter: Reporter
    leaves: list                # combined fraction × 100 per leaf column (None: unscored)


def result_rows(session: RatingSession) -> list[ResultRow]:
    """Reporters in rank order (unranked last) with their per-leaf averages; never a rater next to a score."""
    columns = leaf_columns(session)
    rows = []
    for reporter in session.reporters.select_related("unit").order_by("rank", "position", "pk"):
        fractions = reporter.leaves or {}
        rows.append(ResultRow(reporter, [None if fractions.get(c.code) is None else fractions[c.code] * 100
                                         for c in columns]))
    rows.sort(key=lambda r: (r.reporter.rank is None, r.reporter.rank or 0, r.reporter.position))
    return rows


@dataclass
class LowItem:
    reporter: Reporter
    code: str
    name: str
    fraction: float
    raised: object          # the Finding already raised, or None

    @property
    def value(self) -> str:
        return f"{self.reporter.pk}:{self.code}"


def low_items(session: RatingSession, threshold: float) -> list[LowItem]:
    tree = build_tree(session.framework.definition)
    raised = {(f.reporter_id, f.code): f.finding for f in
              RatingFinding.objects.filter(reporter__session=session).select_related("finding")}
    items = []
    for reporter in session.reporters.select_related("unit").order_by("rank", "position", "pk"):
        leaves = reporter.leaves or {}
        for code in low_leaves(leaves, threshold):
            if code in tree.nodes:
                items.append(LowItem(reporter, code, tree.nodes[code].name, leaves[code],
                                     raised.get((reporter.pk, code))))
    return items


def sheet_ratings(rater: Rater) -> dict[int, Rating]:
    """The rater's own saved scores by reporter id (never anyone else's)."""
    return {r.reporter_id: r for r in Rating.objects.filter(rater=rater)}


def rater_progress(session: RatingSession) -> dict:
    raters = session.raters.count()
    finished = session.raters.filter(finished_at__isnull=False).count()
    return {"raters": raters, "finished": finished}


def document_context(session: RatingSession) -> dict:
    """The 述职评议结果 document's fields (documents.render.TEMPLATES["rating_result"]): ranks, scores and levels,
    the per-check-point averages; no rater is named next to a score."""
    columns = leaf_columns(session)
    rows = result_rows(session)
    return {
        "title": f"{session.title}结果", "region": session.region.name,
        "office": f"{session.region.name}人民政府教育督导委员会办公室",
        "held_on": cn_date(session.held_on) if session.held_on else f"{session.year}年",
        "framework": session.framework.name, "combine": session.get_combine_display(),
        "generated_on": cn_date(timezone.localdate()),
        "summary": f"本次述职评议共有述职单位 {len(rows)} 个，评议人 {session.raters.count()} 名，"
                   f"评分按“{session.get_combine_display()}”合成。",
        "rows": [{"rank": r.reporter.rank or "—", "unit": r.reporter.unit.name,
                  "score": "—" if r.reporter.score is None else f"{r.reporter.score:.2f}",
                  "level": r.reporter.level or "—", "raters": r.reporter.rater_count,
                  "note": "评议人数不足" if r.reporter.few_raters else ""} for r in rows],
        "items": [{"code": c.code, "name": c.name,
                   "average": _mean([r.leaves[i] for r in rows])} for i, c in enumerate(columns)],
    }


def _mean(values) -> str:
    scored = [v for v in values if v is not None]
    return f"{sum(scored) / len(scored):.1f}%" if scored else "—"
