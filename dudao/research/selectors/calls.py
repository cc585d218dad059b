"""Reads of area calls: 征集评选：作品、专家评分、排名、获奖与文集. Scoped through visible_to(user).

Recusal (回避), decided with what the registry knows, is `conflict_reason(entry, expert, ctx)`: an expert may not
score an entry when
  1. they submitted it (entry.submitter is the expert's account), or
  2. their name (the registry name or the account's full name) is one of the entry's authors (the typed co-authors
     included), or
  3. the entry comes from a school and the expert's account holds a school role (学校用户) for that school, or is
     an inspector whose 本人所在学校 is that school, or
  4. the expert's 工作单位 (Expert.employer) equals the name of the entry's school or its 作者单位.
Such entries are not assigned to the expert and the score service refuses them if forced."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, scope_for
from dudao.frameworks.models import Framework, FrameworkStatus
from dudao.people.models import Expert, Inspector, InspectorStatus
from dudao.regions.models import Region
from dudao.research.models import (
    CallEntry,
    CallEntryStatus,
    CallExpert,
    CallStatus,
    EntryScore,
    ResearchCall,
)
from dudao.schools.models import School

# ---- calls ---------------------------------------------------------------------------------------------------

def call_list(user, *, status: str = "", kind: str = "", year: str = "", q: str = "") -> QuerySet:
    calls = (ResearchCall.objects.visible_to(user).select_related("region")
             .annotate(n_entries=Count("entries", filter=Q(entries__status=CallEntryStatus.SUBMITTED), distinct=True),
                       n_experts=Count("experts", distinct=True)))
    if status in CallStatus.values:
        calls = calls.filter(status=status)
    if kind:
        calls = calls.filter(kind=kind)
    if year.isdigit():
        calls = calls.filter(year=int(year))
    if q:
        calls = calls.filter(title__icontains=q[:64])
    return calls.order_by("-deadline", "-id")


def get_call_for(user, pk: int) -> ResearchCall:
    try:
        return ResearchCall.objects.visible_to(user).select_related("region", "framework").get(pk=pk)
    except (ResearchCall.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该征集评选，或您无权查看。") from None


def may_manage(user, call: ResearchCall) -> bool:
    return scope_for(user).holds(call.region_id, Role.OFFICE)


def may_read_entries(user, call: ResearchCall) -> bool:
    """The office and leaders of the call's region (or above) read entries with their authors."""
    return scope_for(user).holds(call.region_id, Role.OFFICE, Role.LEADER)


def office_regions(user):
    scope = scope_for(user)
    regions = Region.objects.filter(level__in=["county", "city", "province"]).order_by("code")
    if scope.everything:
        return regions[:50]
    prefixes = [p for role, p in scope.role_prefixes if role == Role.OFFICE]
    return regions.filter(code__in=[c for c in Region.objects.filter(
        code__in=[p.ljust(6, "0") for p in prefixes]).values_list("code", flat=True)])


def call_years(user) -> list[int]:
    return sorted(set(ResearchCall.objects.visible_to(user).values_list("year", flat=True)), reverse=True)


def entries_of(call: ResearchCall, *, status: str = CallEntryStatus.SUBMITTED, category: str = "",
               q: str = "") -> QuerySet:
    rows = call.entries.select_related("document", "school")
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    if q:
        rows = rows.filter(Q(title__icontains=q[:64]) | Q(code__icontains=q[:64]) | Q(submitter_name__icontains=q[:64])
                           | Q(origin_name__icontains=q[:64]))
    return rows.order_by("rank", "seq") if call.status in (CallStatus.RATED, CallStatus.PUBLISHED) else rows.order_by("seq")


def my_entries(user, call: ResearchCall) -> list[CallEntry]:
    return list(call.entries.filter(submitter_id=user.pk).select_related("document").order_by("seq"))


def get_entry_for(user, pk: int) -> CallEntry:
    """An entry with its authors: the office and leaders of the call's region, the entry's school, the submitter."""
    try:
        return CallEntry.objects.visible_to(user).select_related("call", "call__region", "document", "school").get(pk=pk)
    except (CallEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该作品，或您无权查看。") from None


# ---- eligibility ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubmitOption:
    key: str            # "inspector" | "school:<id>" | "office"
    label: str
    submitted_as: str   # inspector | school | office
    origin_name: str
    school: School | None = None


def submit_options(user, call: ResearchCall) -> list[SubmitOption]:
    """The ways this user may enter the call: as an active inspector of the region, as a user of a school of the
    region, as the region's office — each only when the call admits it. Empty: not eligible."""
    if not getattr(user, "is_authenticated", False):
        return []
    prefix = region_prefix(call.region_id)
    options: list[SubmitOption] = []
    if call.allow_inspectors:
        inspector = (Inspector.objects.filter(user_id=user.pk, status=InspectorStatus.ACTIVE,
                                              region__code__startswith=prefix)
                     .select_related("home_school").first())
        if inspector is not None:
            options.append(SubmitOption("inspector", f"以督学身份（{inspector.employer or '督学'}）", "inspector",
                                        (inspector.employer or (inspector.home_school.name if inspector.home_school
                                                                else "责任督学"))[:128],
                                        inspector.home_school))
    if call.allow_schools:
        schools = School.objects.filter(
            pk__in=RoleAssignment.objects.filter(user_id=user.pk, role=Role.SCHOOL).values("school_id"),
            region__code__startswith=prefix).order_by("code")
        options += [SubmitOption(f"school:{s.pk}", f"以学校身份（{s.name}）", "school", s.name[:128], s) for s in schools]
    if call.allow_offices and scope_for(user).holds(call.region_id, Role.OFFICE) and not user.is_superuser:
        options.append(SubmitOption("office", "以督导室身份", "office", f"{call.region.name}教育督导室"))
    return options


# ---- recusal -------------------------------------------------------------------------------------------------

@dataclass
class ConflictContext:
    """What recusal needs to know about the experts, read once for many entries."""

    names: dict[int, set[str]] = field(default_factory=dict)        # expert id → their names
    school_ids: dict[int, set[int]] = field(default_factory=dict)   # expert id → schools they belong to
    employers: dict[int, str] = field(default_factory=dict)


def conflict_context(experts: list[Expert]) -> ConflictContext:
    ctx = ConflictContext()
    user_ids = [e.user_id for e in experts if e.user_id]
    schools: dict[int, set[int]] = {}
    for uid, sid in RoleAssignment.objects.filter(user_id__in=user_ids, role=Role.SCHOOL).values_list("user_id", "school_id"):
        schools.setdefault(uid, set()).add(sid)
    for uid, sid in Inspector.objects.filter(user_id__in=user_ids, home_school__isnull=False).values_list(
            "user_id", "home_school_id"):
        schools.setdefault(uid, set()).add(sid)
    for e in experts:
        names = {e.name.strip()}
        if e.user_id and getattr(e, "user", None) is not None and e.user.get_full_name().strip():
            names.add(e.user.get_full_name().strip())
        ctx.names[e.pk] = {n for n in names if n}
        ctx.school_ids[e.pk] = schools.get(e.user_id, set())
        ctx.employers[e.pk] = (e.employer or "").strip()
    return ctx


def conflict_reason(entry: CallEntry, expert: Expert, ctx: ConflictContext) -> str:
    """Why the expert may not score the entry; "" when they may."""
    if expert.user_id and entry.submitter_id == expert.user_id:
        return "本人提交的作品"
    if ctx.names.get(expert.pk, set()) & {a.strip() for a in entry.authors}:
        return "本人是作者之一"
    if entry.school_id and entry.school_id in ctx.school_ids.get(expert.pk, set()):
        return "作品来自本人所在学校"
    employer = ctx.employers.get(expert.pk, "")
    if employer and (employer == entry.origin_name.strip() or (entry.school_id and employer == entry.school.name)):
        return "作品来自本人工作单位"
    return ""


def expert_of(user) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(user_id=user.pk, is_active=True).select_related("user").first()


def assignment_for(call: ResearchCall, expert: Expert) -> CallExpert | None:
    return CallExpert.objects.filter(call=call, expert=expert).first()


def expert_entries(call: ResearchCall, expert: Expert, assignment: CallExpert) -> tuple[list[CallEntry], int]:
    """The entries assigned to the expert (their categories, without conflicts) and how many were left out by
    recusal. Three queries."""
    rows = list(call.entries.filter(status=CallEntryStatus.SUBMITTED).select_related("school", "document")
                .order_by("seq"))
    if assignment.categories:
        rows = [e for e in rows if e.category in assignment.categories]
    ctx = conflict_context([expert])
    mine = [e for e in rows if not conflict_reason(e, expert, ctx)]
    return mine, len(rows) - len(mine)


def assigned_calls(user) -> list[tuple[ResearchCall, CallExpert]]:
    expert = expert_of(user)
    if expert is None:
        return []
    rows = CallExpert.objects.filter(expert=expert).select_related("call", "call__region").order_by("-call__deadline")
    return [(a.call, a) for a in rows]


def scores_by(expert: Expert, entries: list[CallEntry]) -> dict[int, EntryScore]:
    return {s.entry_id: s for s in EntryScore.objects.filter(expert=expert, entry__in=entries)}


def call_assignments(call: ResearchCall) -> list[dict]:
    """Each assigned expert with the entries they score, those recused and why, and their progress."""
    assignments = list(call.experts.select_related("expert", "expert__user").order_by("id"))
    entries = list(call.entries.filter(status=CallEntryStatus.SUBMITTED).select_related("school").order_by("seq"))
    ctx = conflict_context([a.expert for a in assignments])
    done = set(EntryScore.objects.filter(entry__call=call).values_list("entry_id", "expert_id"))
    out = []
    for a in assignments:
        mine, recused = [], []
        for e in entries:
            if a.categories and e.category not in a.categories:
                continue
            reason = conflict_reason(e, a.expert, ctx)
            (recused if reason else mine).append((e, reason))
        out.append({"assignment": a, "expert": a.expert, "entries": len(mine),
                    "scored": sum(1 for e, _r in mine if (e.pk, a.expert_id) in done),
                    "recused": [(e.code, r) for e, r in recused]})
    return out


def score_table(call: ResearchCall) -> dict[int, list[EntryScore]]:
    out: dict[int, list[EntryScore]] = {}
    for s in EntryScore.objects.filter(entry__call=call).select_related("expert").order_by("entry_id", "expert_id"):
        out.setdefault(s.entry_id, []).append(s)
    return out


def framework_choices(user, region_code: str):
    """Frozen frameworks a call of the region may use: the region's own and those of the regions above it."""
    return Framework.objects.visible_to(user).filter(status=FrameworkStatus.FROZEN).order_by("name", "-version")


def open_experts(user, call: ResearchCall):
    """Experts of the region with an account who are not yet assigned."""
    taken = call.experts.values("expert_id")
    return (Expert.objects.visible_to(user).filter(is_active=True, user__isnull=False)
            .exclude(pk__in=taken).order_by("name")[:500])
