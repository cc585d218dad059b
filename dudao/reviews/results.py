"""The kinds of supervision result a 结果运用 can be recorded for (issue 21 item 4): an inspection target's result
(annual target assessments included), a 述职评议 reporter's rank and level, a quality monitoring flag, and an
accountability decision.

Each kind says how to list the results someone may pick (issued results of the counties they may record for,
searched, bounded), how to resolve one by id into a `Result` (label as it reads, county, year, whose it is, whether
it is failing, when it was issued, its page), and which failing results exist (for the reminder job). reviews is
the top of the domain layer, so it reads inspections, quality (through the findings it raised), rectification and
its own models directly; no registry is needed."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from dudao.core.dates import local_date
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.frameworks.models import Framework
from dudao.frameworks.scoring import DEFAULT_SETTINGS
from dudao.inspections.models import Inspection, InspectionStage, Target
from dudao.rectification.models import AccountabilityCase, CaseStep, Finding
from dudao.regions.models import GovUnit
from dudao.reviews.models import Reporter, SessionStatus

PICK_LIMIT = 50  # results offered at once in the picker: the user narrows with the search box
ISSUED_STAGES = (InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED,
                 InspectionStage.ARCHIVED)
QUALITY_SOURCE_TYPE = "quality_round"  # findings quality raises from a round (quality.services.loop.SOURCE_TYPE)
SEARCH_MAX = 100


@dataclass(frozen=True)
class Result:
    """One supervision result as the register sees it."""

    kind: str
    id: str
    label: str  # as it reads now: "2025年度综合督导 示范区第一小学：不合格（58.0 分）"
    county: str  # the county code (6 digits) the result belongs to
    year: int
    school_id: int | None
    unit_id: int | None
    owner: str  # the school or unit whose result it is ("" when neither: a group, centre or project target)
    failing: bool
    issued_on: datetime.date | None
    url: str
    published: bool = True  # False: a 述职评议 closed but not yet published (the office's only, not the units')

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class ResultKind:
    key: str
    label: str
    # choices(counties, q, year) -> issued results of those counties (at most PICK_LIMIT), newest first
    choices: Callable[[set[str], str, int | None], list[Result]]
    # resolve(id) -> Result | None (None: no such result, or not issued yet)
    resolve: Callable[[str], Result | None]
    # failing() -> every issued failing result (the reminder job narrows by date and county)
    failing: Callable[[], Iterable[Result]]


def _url(name: str, pk, fallback: str = "") -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the page belongs to another area and is not there (yet)
        return reverse(fallback) if fallback else ""


def _pk(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and len(text) < 12 else None


def _county_q(lookup: str, counties: set[str]) -> Q:
    q = Q(pk__in=[])
    for code in counties:
        q |= Q(**{f"{lookup}__startswith": code})
    return q


def _score(value) -> str:
    return f"（{value:.1f} 分）" if isinstance(value, int | float) else ""


def lowest_level(definition) -> str:
    """The framework's lowest level (不合格 unless the framework says otherwise)."""
    settings = (definition or {}).get("settings") or {} if isinstance(definition, dict) else {}
    return str(settings.get("lowest_level") or DEFAULT_SETTINGS["lowest_level"])


# ---- inspection targets (综合督导, 督政评价, 年度综合目标考核 …) --------------------------------------------------

TARGET = "inspections.target"
_TARGET_RELATED = ("inspection__framework", "school", "unit", "opinion")


def _target_owner(target: Target) -> str:
    try:
        return str(target) or ""
    except Exception:  # noqa: BLE001 -- a target kind added later must not break the register
        return ""


def _target_result(target: Target) -> Result:
    inspection = target.inspection
    failing = bool(target.vetoed) or (bool(target.level) and target.level == lowest_level(
        inspection.framework.definition))
    opinion = getattr(target, "opinion", None)  # RelatedObjectDoesNotExist is an AttributeError: no opinion yet
    issued = local_date(opinion.issued_at) if opinion is not None and opinion.issued_at else inspection.ends_on
    owner = _target_owner(target)
    level = target.level or "未评定等级"
    name = inspection.name if str(inspection.year) in inspection.name else f"{inspection.year}年 {inspection.name}"
    label = f"{name} {owner or '督导对象'}：{level}{_score(target.score)}"
    return Result(TARGET, str(target.pk), label[:255], inspection.county_id[:6], inspection.year, target.school_id,
                  target.unit_id, owner, failing, issued, _url("inspections:target", target.pk))


def _target_rows():
    return Target.objects.select_related(*_TARGET_RELATED).filter(inspection__stage__in=ISSUED_STAGES)


def _targets(qs) -> list[Result]:
    return [_target_result(t) for t in qs]


def target_choices(counties: set[str], q: str, year: int | None) -> list[Result]:
    qs = _target_rows().filter(_county_q("inspection__county__code", counties))
    if year:
        qs = qs.filter(inspection__year=year)
    if q:
        qs = qs.filter(Q(school__name__icontains=q) | Q(unit__name__icontains=q) | Q(inspection__name__icontains=q))
    return _targets(qs.order_by("-inspection__year", "-inspection__ends_on", "-id")[:PICK_LIMIT])


def target_resolve(pk: str) -> Result | None:
    found = _pk(pk)
    rows = _targets(_target_rows().filter(pk=found)) if found is not None else []
    return rows[0] if rows else None


def target_failing() -> Iterable[Result]:
    # The distinct lowest levels of the frameworks in use are few: filter by them in the database, then check
    # each target against its own framework's.
    levels = sorted({lowest_level(d) for d in _framework_definitions()})
    qs = _target_rows().filter(Q(vetoed=True) | Q(level__in=levels)).order_by("id")
    for result in _targets(qs.iterator(chunk_size=500)):
        if result.failing:
            yield result


def _framework_definitions():
    """The definitions of the frameworks issued inspections use, each read once."""
    used = Inspection.objects.filter(stage__in=ISSUED_STAGES).values("framework_id")
    return Framework.objects.filter(pk__in=used).values_list("definition", flat=True)


# ---- 述职评议 reporters ----------------------------------------------------------------------------------------

REPORTER = "reviews.reporter"
REPORTER_DONE = (SessionStatus.CLOSED, SessionStatus.PUBLISHED)


def _reporter_result(reporter: Reporter) -> Result:
    session = reporter.session
    rank = f"第{reporter.rank}名" if reporter.rank else "未排名"
    level = f" {reporter.level}" if reporter.level else ""
    label = f"{session.title} {reporter.unit.name}：{rank}{level}{_score(reporter.score)}"
    failing = bool(reporter.level) and reporter.level == lowest_level(session.framework.definition)
    issued = local_date(session.published_at) if session.published_at else (
        session.held_on or (local_date(reporter.computed_at) if reporter.computed_at else None))
    return Result(REPORTER, str(reporter.pk), label[:255], session.region_id[:6], session.year, None, reporter.unit_id,
                  reporter.unit.name, failing, issued,
                  _url("reviews:session_detail", session.pk, "reviews:session_list"),
                  published=session.status == SessionStatus.PUBLISHED)


def _reporter_rows():
    return Reporter.objects.select_related("session__framework", "unit").filter(session__status__in=REPORTER_DONE)


def reporter_choices(counties: set[str], q: str, year: int | None) -> list[Result]:
    qs = _reporter_rows().filter(_county_q("session__region__code", counties))
    if year:
        qs = qs.filter(session__year=year)
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(session__title__icontains=q))
    return [_reporter_result(r) for r in qs.order_by("-session__year", "session_id", "rank", "id")[:PICK_LIMIT]]


def reporter_resolve(pk: str) -> Result | None:
    found = _pk(pk)
    row = _reporter_rows().filter(pk=found).first() if found is not None else None
    return _reporter_result(row) if row else None


def reporter_failing() -> Iterable[Result]:
    for reporter in _reporter_rows().exclude(level="").order_by("id").iterator(chunk_size=500):
        result = _reporter_result(reporter)
        if result.failing:
            yield result


# ---- quality monitoring flags (findings raised from a round: 合格率低于合格线, 增值评价显著低于预期) ------------------

QUALITY = "quality.flag"


def _flag_result(finding: Finding) -> Result:
    school = finding.school
    owner = school.name if school else ""
    label = f"{owner}：{finding.description}"
    raised = local_date(finding.raised_at)
    return Result(QUALITY, str(finding.pk), label[:255], finding.region_code[:6], raised.year, finding.school_id,
                  finding.unit_id, owner, False, raised, _url("rectification:finding_detail", finding.pk))


def _flag_rows():
    return Finding.objects.select_related("school").filter(source_type=QUALITY_SOURCE_TYPE)


def flag_choices(counties: set[str], q: str, year: int | None) -> list[Result]:
    qs = _flag_rows().filter(_county_q("region_code", counties))
    if year:
        qs = qs.filter(raised_at__year=year)
    if q:
        qs = qs.filter(Q(school__name__icontains=q) | Q(description__icontains=q))
    return [_flag_result(f) for f in qs.order_by("-raised_at", "-id")[:PICK_LIMIT]]


def flag_resolve(pk: str) -> Result | None:
    found = _pk(pk)
    row = _flag_rows().filter(pk=found).first() if found is not None else None
    return _flag_result(row) if row else None


def flag_failing() -> Iterable[Result]:
    return ()  # a flag is a warning to act on, not a failing result: no reminder


# ---- accountability decisions (问责决定) ---------------------------------------------------------------------

ACCOUNTABILITY = "rectification.accountability"


def _case_result(case: AccountabilityCase) -> Result:
    owner = case.target_name
    label = f"{case.number} {owner}：{case.get_decision_form_display() or '问责决定'}"
    return Result(ACCOUNTABILITY, str(case.pk), label[:255], case.region_code[:6],
                  (case.decided_on or case.filed_on).year, case.school_id, case.unit_id,
                  str(case.target) if case.target else "", True, case.decided_on,
                  _url("rectification:case_detail", case.pk))


def _case_rows():
    return AccountabilityCase.objects.select_related("school", "unit").filter(step=CaseStep.DECIDED)


def case_choices(counties: set[str], q: str, year: int | None) -> list[Result]:
    qs = _case_rows().filter(_county_q("region_code", counties))
    if year:
        qs = qs.filter(decided_on__year=year)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(school__name__icontains=q) | Q(unit__name__icontains=q)
                       | Q(person_name__icontains=q))
    return [_case_result(c) for c in qs.order_by("-decided_on", "-id")[:PICK_LIMIT]]


def case_resolve(pk: str) -> Result | None:
    found = _pk(pk)
    row = _case_rows().filter(pk=found).first() if found is not None else None
    return _case_result(row) if row else None


def case_failing() -> Iterable[Result]:
    for case in _case_rows().order_by("id").iterator(chunk_size=500):
        yield _case_result(case)


KINDS: dict[str, ResultKind] = {k.key: k for k in (
    ResultKind(TARGET, "督导评估结果（含年度综合目标考核）", target_choices, target_resolve, target_failing),
    ResultKind(REPORTER, "述职评议结果", reporter_choices, reporter_resolve, reporter_failing),
    ResultKind(QUALITY, "质量监测预警", flag_choices, flag_resolve, flag_failing),
    ResultKind(ACCOUNTABILITY, "问责决定", case_choices, case_resolve, case_failing),
)}
KIND_CHOICES = [(k.key, k.label) for k in KINDS.values()]


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else key


def resolve(kind: str, pk: str) -> Result | None:
    """The result named by kind and id, or None (unknown kind, no such result, not issued)."""
    found = KINDS.get(str(kind or ""))
    return found.resolve(str(pk or "")[:36]) if found else None


def resolve_key(key: str) -> Result | None:
    """"kind:id" as the picker posts it."""
    kind, _sep, pk = str(key or "").rpartition(":")
    return resolve(kind, pk)


# ---- who records for which county -------------------------------------------------------------------------

def county_of_unit(unit: GovUnit) -> str:
    return unit.region_id[:6]


def own_units(user) -> list[GovUnit]:
    """The government units the user holds the unit role for (what they may record a use as)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = user.role_assignments.filter(role=Role.UNIT, unit__isnull=False).values("unit_id")
    return list(GovUnit.objects.filter(pk__in=ids).select_related("region").order_by("code"))


def office_counties(user) -> list[str]:
    """Region prefixes the user is office for (a county code, or a wider prefix for a city's office)."""
    scope = scope_for(user)
    if scope.everything:
        return [""]
    return sorted({p for role, p in scope.role_prefixes if role == Role.OFFICE})


def recording_counties(user) -> set[str]:
    """Region prefixes (a county, or wider for a city's office) the user may record uses in."""
    return set(office_counties(user)) | {county_of_unit(u) for u in own_units(user)}


def reads_unpublished(user, result: Result) -> bool:
    """Unpublished results (a 述职评议 closed, not yet published) are read by the county's office only."""
    return result.published or any(result.county.startswith(prefix) for prefix in office_counties(user))


def may_pick(user, result: Result) -> bool:
    """May the user record a use of this result (and so read its label in the form)?"""
    return any(result.county.startswith(prefix) for prefix in recording_counties(user)) \
        and reads_unpublished(user, result)


def pickable(user, kind: str, *, q: str = "", year: int | None = None) -> list[Result]:
    """Issued results of `kind` the user may record a use for: the counties of their office, or of their units."""
    found = KINDS.get(kind)
    if found is None:
        return []
    counties = recording_counties(user)
    if not counties:
        return []
    return [r for r in found.choices(counties, str(q or "").strip()[:SEARCH_MAX], year) if reads_unpublished(user, r)]
