"""Registries: how a lower app uses what a higher app provides without importing it (docs/architecture.md).

Imports go down only. Where a lower app needs something that a higher app knows, the lower app asks a
registry here, and the higher app fills it in its AppConfig.ready(). Registering twice is harmless.
Other registries live next to what they serve: scope sources (core.scope.register_scope_source), policy
defaults (core.policy.register_policy_defaults) and audit action labels (core.models.register_action_labels).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.scope import region_prefix

# --- daily jobs ------------------------------------------------------------------------------------------
# The daily deadline task (rectification.tasks.daily_deadlines) runs every registered job, lowest order
# first. A job takes today's date and returns a count or a dict of counts for the run's report.
_DAILY_JOBS: dict[str, tuple[int, Callable]] = {}


def register_daily_job(name: str, job: Callable, *, order: int = 100) -> None:
    _DAILY_JOBS[name] = (order, job)


def daily_jobs() -> list[tuple[str, Callable]]:
    return [(name, job) for name, (_order, job) in sorted(_DAILY_JOBS.items(), key=lambda item: item[1][0])]


# --- responsible people -------------------------------------------------------------------------------
# Who answers for a school besides the office: zones registers its responsible inspectors (挂牌督学).
# A lookup takes a school id and returns user ids.
_RESPONSIBLE_PEOPLE: list[Callable[[int], Iterable[int]]] = []


def register_responsible_people(lookup: Callable[[int], Iterable[int]]) -> None:
    if lookup not in _RESPONSIBLE_PEOPLE:
        _RESPONSIBLE_PEOPLE.append(lookup)


def responsible_users_of_school(school_id: int) -> set[int]:
    users: set[int] = set()
    for lookup in _RESPONSIBLE_PEOPLE:
        users.update(lookup(school_id))
    return users


# --- hooks ----------------------------------------------------------------------------------------------
# Things a higher app must do when a lower app's service changes something, called inside that service's
# transaction (explicit calls, not signals). Each hook is called with the event's keyword arguments;
# run_hooks returns their results in registration order.
HOOK_EVENTS = {
    # people.inspector_save, after saving an existing inspector whose home school is set: (inspector)
    # zones refuses a responsible-inspector assignment at the inspector's own home school.
    "inspector_saved",
    # people.inspector_set_status, when an inspector leaves active service: (actor, inspector, date, reason)
    # zones ends their current school assignments and returns how many it ended.
    "inspector_left",
    # core.audit.audit_record, after recording a change made by a person: (actor)
    # dashboard forgets the actor's cached 待办 count, so the navigation shows the change on the next page.
    "audited",
}
_HOOKS: dict[str, list[Callable]] = {event: [] for event in HOOK_EVENTS}


def register_hook(event: str, hook: Callable) -> None:
    if hook not in _HOOKS[event]:
        _HOOKS[event].append(hook)


def run_hooks(event: str, **kwargs) -> list:
    return [hook(**kwargs) for hook in _HOOKS[event]]


# --- page sections --------------------------------------------------------------------------------------
# Extra context for a lower app's page, provided by a higher app: provider(request, obj) -> dict.
# "people.inspector_detail": zones adds the inspector's school assignments.
# "dashboard.school_detail": quality adds the school's 学业质量监测 results ("quality_section").
_PAGE_SECTIONS: dict[str, list[Callable]] = {}


def register_page_section(page: str, provider: Callable) -> None:
    providers = _PAGE_SECTIONS.setdefault(page, [])
    if provider not in providers:
        providers.append(provider)


def page_sections(page: str, request, obj) -> dict:
    context: dict = {}
    for provider in _PAGE_SECTIONS.get(page, []):
        context.update(provider(request, obj))
    return context


# --- region counts --------------------------------------------------------------------------------------
# The region tree (regions) shows how many objects of each registry app lie in each region:
# counter(user) -> {region code: count}, for the objects the user may see. schools registers "schools".
_REGION_COUNTERS: dict[str, Callable] = {}


def register_region_counter(name: str, counter: Callable) -> None:
    _REGION_COUNTERS[name] = counter


def region_counts(name: str, user) -> dict[str, int]:
    counter = _REGION_COUNTERS.get(name)
    return counter(user) if counter else {}


# --- role targets ---------------------------------------------------------------------------------------
# The role form (core) names a region, school or unit by code; the app that owns it turns the code into an
# object the actor may see (404 otherwise): resolver(actor, code) -> object.
_ROLE_TARGETS: dict[str, Callable] = {}


def register_role_target(field: str, resolver: Callable) -> None:
    _ROLE_TARGETS[field] = resolver


def role_target(field: str, actor, code: str):
    return _ROLE_TARGETS[field](actor, code)


# --- the office's year (planning) ------------------------------------------------------------------------
# planning (工作要点, 行事历, 大事记, 年度工作总结, 督导档案) reads every other app through these registries, so it
# imports none of them, and apps added later (reviews, checks) join by registering. Each app keeps its providers
# in dudao/<app>/year.py and registers them from registrations.py. Dates are Beijing dates (datetime.date);
# `start`/`end` are inclusive.

@dataclass(frozen=True)
class LinkTarget:
    """What a plan task is linked to: a kind registered below and the object's id (as text)."""

    kind: str
    object_id: str
    title: str
    url: str
    region_code: str  # the object's region (county or town code; a school's region for school objects)
    done: bool  # the object has reached the state that carries the task out (e.g. 已出具意见书, a round closed)
    state: str  # the object's state in Chinese, shown next to the link ("意见书已出具", "调查进行中")
    day: datetime.date | None = None  # the object's main date, if any (site visit, test date, deadline)


@dataclass(frozen=True)
class PlanLinkKind:
    kind: str  # "inspections.inspection"
    label: str  # "督导评估项目"
    # choices(user, region_code, q) -> [(object_id, title)]: objects of the region the user may see, matching q
    # (at most 50); a task's link form offers them.
    choices: Callable
    # resolve(object_ids) -> {object_id: LinkTarget}: unscoped (the caller checks region and scope); ids that no
    # longer exist are left out.
    resolve: Callable


_PLAN_LINK_KINDS: dict[str, PlanLinkKind] = {}


def register_plan_link(kind: str, label: str, *, choices: Callable, resolve: Callable) -> None:
    _PLAN_LINK_KINDS[kind] = PlanLinkKind(kind, label, choices, resolve)


def plan_link_ids(object_ids) -> list[int]:
    """The ids a `resolve` may look up: decimal digits only (int() refuses "²") and short enough for a database
    integer (a longer one would overflow inside `pk__in`); anything else is left out, as a missing object is."""
    return [int(s) for s in map(str, object_ids) if s.isdecimal() and len(s) < 19]


def plan_link_kinds() -> dict[str, PlanLinkKind]:
    return dict(_PLAN_LINK_KINDS)


@dataclass(frozen=True)
class CalendarItem:
    """One dated thing in someone's calendar (行事历)."""

    source: str  # the registered source name, e.g. "inspections.site_visit"
    key: str  # unique within the source, stable across calls (the iCalendar UID is built from it)
    title: str
    start: datetime.date
    end: datetime.date  # inclusive; == start for one day
    url: str = ""
    region_code: str = ""  # where it happens (county, town or the school's region): the area filter uses it
    school_ids: tuple[int, ...] = ()  # the schools it reaches (a school's calendar, the per-term entry count)
    enters_school: bool = False  # a supervision visit into the school (counts against the per-term limit)
    detail: str = ""


@dataclass(frozen=True)
class CalendarSource:
    name: str
    label: str  # "督导评估进校", "满意度调查", "整改期限"…
    # items(user, start, end) -> iterable of CalendarItem the user may see, dated in [start, end].
    items: Callable
    # True when some of its items are visits into schools (enters_school): the per-term count reads only these.
    enters_school: bool = False


_CALENDAR_SOURCES: dict[str, CalendarSource] = {}


def register_calendar_source(name: str, label: str, items: Callable, *, enters_school: bool = False) -> None:
    _CALENDAR_SOURCES[name] = CalendarSource(name, label, items, enters_school)


def url_for_pk(name: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for many objects at the cost of one reverse (a calendar reads thousands)."""
    sentinel = "987654321"
    head, tail = reverse(name, args=[int(sentinel)]).split(sentinel)
    return lambda pk: f"{head}{pk}{tail}"


def calendar_sources() -> dict[str, CalendarSource]:
    return dict(_CALENDAR_SOURCES)


def scope_reaches(scope, *, region_code: str = "", school_id: int | None = None, unit_id: int | None = None) -> bool:
    """Whether a school's or unit's row (a target of an inspection, a round's school) is in a user's scope
    (core.scope.Scope): a calendar item lists only the schools the user may see, so a school reads its own."""
    return (scope.everything or any(region_code.startswith(p) for p in scope.region_prefixes)
            or (school_id is not None and school_id in scope.school_ids)
            or (unit_id is not None and unit_id in scope.unit_ids))


@dataclass(frozen=True)
class KeyEvent:
    """A key event the platform proposes for the 大事记; `key` names it so it is proposed once."""

    key: str  # globally unique and stable, e.g. "inspections.opinions:42"
    day: datetime.date
    title: str
    text: str = ""
    url: str = ""
    region_code: str = ""  # the county (or town) the event belongs to
    importance: str = "normal"  # normal | important | major (planning.models.Importance)


_KEY_EVENT_SOURCES: dict[str, tuple[str, Callable]] = {}


def register_key_events(name: str, label: str, events: Callable) -> None:
    """events(region_code, start, end) -> iterable of KeyEvent in the region subtree, dated in [start, end]."""
    _KEY_EVENT_SOURCES[name] = (label, events)


def key_event_sources() -> dict[str, tuple[str, Callable]]:
    return dict(_KEY_EVENT_SOURCES)


@dataclass(frozen=True)
class Figure:
    """One number of the 年度工作总结, with where it came from (the appendix lists `source`)."""

    key: str  # stable, e.g. "zones.visits"
    label: str  # "责任督学督导纪实"
    value: int | float | str | None  # None: no data in scope
    unit: str = ""  # "次", "%", "所"
    source: str = ""  # "zones.selectors.visit_counts：2026-01-01 至 2026-12-31 提交的督导纪实"
    # An optional breakdown printed as a table under the section (inspections by kind, plan completion by
    # section, the 大事记 list): column headings and rows of printable cells.
    columns: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class FigureSection:
    name: str
    title: str  # section heading of the summary, e.g. "挂牌督导"
    order: int
    # figures(region_code, start, end) -> list[Figure]; may add "rows" tables through figure_tables below.
    figures: Callable


_FIGURE_SECTIONS: dict[str, FigureSection] = {}


def register_year_figures(name: str, title: str, figures: Callable, *, order: int = 100) -> None:
    _FIGURE_SECTIONS[name] = FigureSection(name, title, order, figures)


def year_figure_sections() -> list[FigureSection]:
    return sorted(_FIGURE_SECTIONS.values(), key=lambda s: (s.order, s.name))


def FigureReader(region_code: str):  # noqa: N802 -- reads like the reader it makes
    """Who a year-figure provider reads the module's own (user-scoped) selectors as: a leader of the region,
    seeing exactly the region's subtree and owning nothing. The summary is built in the background with no
    person behind it. An unsaved user with id 0 (no row has it: "own rows" filters match nothing) whose scope
    is set, not computed from role assignments."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 -- keep this module free of models at load

    from dudao.core.roles import Role  # noqa: PLC0415
    from dudao.core.scope import Scope, region_prefix  # noqa: PLC0415

    prefix = region_prefix(region_code)
    reader = get_user_model()(id=0, username="year-summary", is_active=True)
    reader._dudao_scope = Scope(False, (prefix,), roles=frozenset({Role.LEADER}),
                                role_prefixes=frozenset({(Role.LEADER, prefix)}))
    reader._dudao_owned = (set(), set())
    return reader


def figure_period(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, end + 1 day 00:00) in Beijing time: what "dated in the period" means for a timestamp."""
    from django.utils import timezone  # noqa: PLC0415

    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def period_label(start: datetime.date, end: datetime.date) -> str:
    return f"{start.isoformat()} 至 {end.isoformat()}"


@dataclass(frozen=True)
class ArchiveItem:
    """One document of a year's 督导档案. Either `storage_name` (a file in Django's storage, e.g. an uploaded
    StoredFile.path or a generated report) or `render` (a callable returning bytes, for documents rendered on
    demand)."""

    category: str  # plan | duzheng | duxue | monitoring | rectification | team | research (planning.ArchiveCategory)
    title: str
    day: datetime.date
    filename: str  # name inside the zip folder, with its extension
    storage_name: str = ""
    render: Callable | None = None
    sha256: str = ""  # when known (stored evidence); checked against the bytes read
    source: str = ""  # "inspections.opinion:12"
    size: int | None = None  # bytes, when known without reading the file (StoredFile.size); shown in the 案卷目录


def stored_archive_item(category: str, title: str, day: datetime.date, stored, *, source: str = "",
                        filename: str = "") -> ArchiveItem:
    """The ArchiveItem of a documents.StoredFile (read by its attributes: path, sha256, size, original_name)."""
    return ArchiveItem(category=category, title=title, day=day, filename=filename or stored.original_name,
                       storage_name=stored.path, sha256=stored.sha256, size=stored.size, source=source)


def day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, end+1 00:00) in local (Beijing) time: filter timestamps by `__gte`, `__lt` for a range of days."""
    zone = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone))


_ARCHIVE_SOURCES: dict[str, Callable] = {}


def register_archive_source(name: str, items: Callable) -> None:
    """items(region_code, start, end) -> iterable of ArchiveItem of the region subtree dated in [start, end]."""
    _ARCHIVE_SOURCES[name] = items


def archive_sources() -> dict[str, Callable]:
    return dict(_ARCHIVE_SOURCES)


@dataclass(frozen=True)
class Material:
    """A record an office can pick into a 简报 section: its text is copied when picked, then edited freely."""

    key: str  # "zones.visit:12", stable
    day: datetime.date
    heading: str
    text: str
    url: str = ""


_BRIEFING_MATERIALS: dict[str, tuple[str, str, Callable]] = {}


def register_briefing_material(name: str, label: str, section_kind: str, materials: Callable) -> None:
    """materials(user, region_code, start, end, q) -> list of Material the user may see (at most 50, newest
    first); section_kind is the BriefingSection kind it fills (visit | inspection | publication | chronicle).
    When q is one of the provider's own keys ("zones.visit:12", see material_key_id) it returns that material
    alone, if the user may see it and it lies in the region and dates: planning re-fetches a picked material this
    way, so a posted key never brings in text from outside the actor's scope."""
    _BRIEFING_MATERIALS[name] = (label, section_kind, materials)


def material_key_id(q: str, prefix: str) -> int | None:
    """The object id when q is a material key of `prefix` ("zones.visit:12" for prefix "zones.visit"), else None."""
    head, _sep, tail = (q or "").strip().partition(":")
    return int(tail) if head == prefix and tail.isdecimal() and len(tail) < 12 else None


def briefing_materials() -> dict[str, tuple[str, str, Callable]]:
    return dict(_BRIEFING_MATERIALS)


# --- year lock --------------------------------------------------------------------------------------------
# planning registers the check of archived (归档) years; services of every app call refuse_if_archived before
# changing a record dated in a year, so an archived year stays as it was filed.
_YEAR_LOCKS: list[Callable] = []


def register_year_lock(check: Callable) -> None:
    """check(region_code, day) -> a Chinese reason when the region's year of `day` is archived, else ''."""
    if check not in _YEAR_LOCKS:
        _YEAR_LOCKS.append(check)


def refuse_if_archived(region_code: str, day: datetime.date | None, what: str = "该记录") -> None:
    """Raise ApplicationError when `day` lies in an archived year of the region (or a region above it)."""
    if day is None or not region_code:
        return
    for check in _YEAR_LOCKS:
        reason = check(region_code, day)
        if reason:
            raise ApplicationError(f"{what}属于已归档的年度（{reason}），不能修改。如确需修改，请系统管理员先说明理由重新开放该年度。")


# --- to-do items (工作台, GET /api/v1/me/tasks) -------------------------------------------------------------
# Each app says, for a user, which of its open items wait for that user's action. The home page (dashboard)
# and the API list them grouped by urgency. Each app keeps its providers in dudao/<app>/todo.py and registers
# them from registrations.py. ("todo", not "task": dudao/<app>/tasks.py are the background tasks.)

URGENCY_OVERDUE, URGENCY_SOON, URGENCY_LATER = "overdue", "soon", "later"
URGENCY_LABELS = {URGENCY_OVERDUE: "已逾期", URGENCY_SOON: "3 天内到期", URGENCY_LATER: "其他待办"}


@dataclass(frozen=True)
class Todo:
    """One thing a user has to do. `key` names the item itself, so a user who reaches it through two roles (an
    office user who is also a unit's user) sees it once."""

    kind: str  # "<app>.<what>", e.g. "rectification.notice_sign"; the API's "kind"
    title: str  # the action, a short verb phrase: "签收整改通知书"
    object: str  # what it is about: "城关第一小学 · 整改通知书〔2026〕3号"
    url: str  # where the action is done
    due: datetime.date | None = None  # Beijing date; None: no deadline (urgency "later")
    key: str = ""  # unique across providers, e.g. "rectification.notice:12:sign"; defaults to kind + url
    region_code: str = ""  # the object's region (county/town, or the school's region)

    @property
    def identity(self) -> str:
        return self.key or f"{self.kind}:{self.url}"


def todo_urgency(due: datetime.date | None, today: datetime.date, soon_days: int = 3) -> str:
    """overdue: due before today; soon: due today or in the next `soon_days` days; later: otherwise or no due."""
    if due is None:
        return URGENCY_LATER
    if due < today:
        return URGENCY_OVERDUE
    return URGENCY_SOON if (due - today).days <= soon_days else URGENCY_LATER


@dataclass(frozen=True)
class TodoSource:
    name: str  # "rectification.notices"
    label: str  # "整改通知书"
    # items(user, today) -> iterable of Todo for this user, scoped by the app's visible_to (never another
    # district's object). It must run a bounded number of queries, whatever the number of items.
    items: Callable
    roles: frozenset  # core.roles.Role values whose holders can have items; the source is skipped for others
    # area "home": the url name of the module's list where every item can be found (the home page links to it
    # when it shows only the first items of a long source: "另有 k 项"); "" when there is none.
    list_url: str = ""


_TODO_SOURCES: dict[str, TodoSource] = {}


def register_todo_source(name: str, label: str, items: Callable, *, roles: Iterable[str], list_url: str = "") -> None:
    _TODO_SOURCES[name] = TodoSource(name, label, items, frozenset(roles), list_url)


def todo_sources() -> dict[str, TodoSource]:
    return dict(_TODO_SOURCES)


# --- the leader's cockpit (驾驶舱) and its map --------------------------------------------------------------
# Each app gives the cockpit (dashboard) its figures for a region and a year, read through its own selectors
# as FigureReader(region_code); each figure is broken down over the region's children (towns of a county,
# counties of a city...; the schools of a town) for the drill-down, the comparison table and the map.
# Providers live in dudao/<app>/cockpit.py and are registered from registrations.py.

@dataclass(frozen=True)
class CockpitChild:
    """One row of a breakdown: a child region (everything whose region code starts with `region_code`) or, for
    a town, one school."""

    key: str  # the region code, or "school:<id>"
    label: str
    region_code: str = ""
    school_id: int | None = None


@dataclass(frozen=True)
class Metric:
    key: str  # stable, e.g. "rectification.rate"
    label: str  # "整改率"
    value: int | float | None  # None: no data (shown as "—", never as 0)
    unit: str = ""  # "%", "所", "次"
    previous: int | float | None = None  # the same figure for the previous year (year-over-year)
    limit: int | float | None = None  # the line it must reach (a policy value), drawn and coloured against
    higher_is_better: bool = True
    url: str = ""  # the module's page for this figure (filtered to the region and year where it can be)
    breakdown: dict = None  # {CockpitChild.key: value} over the children passed in; None when not broken down
    source: str = ""  # "rectification.selectors.rate_summary：…", printed in the export's appendix
    note: str = ""  # a short explanation under the figure ("按期整改率 = 按期办结 / 应办结")


@dataclass(frozen=True)
class CockpitSection:
    name: str
    title: str  # "挂牌督导", "督导评估", "问题整改", "督政问责"…
    order: int
    # metrics(region_code, year, children) -> list[Metric]; year is a calendar year (int); children a tuple of
    # CockpitChild. Reads as FigureReader(region_code), never as the person looking.
    metrics: Callable


_COCKPIT_SECTIONS: dict[str, CockpitSection] = {}


def register_cockpit_section(name: str, title: str, metrics: Callable, *, order: int = 100) -> None:
    _COCKPIT_SECTIONS[name] = CockpitSection(name, title, order, metrics)


def cockpit_sections() -> list[CockpitSection]:
    return sorted(_COCKPIT_SECTIONS.values(), key=lambda s: (s.order, s.name))


@dataclass(frozen=True)
class MapLayer:
    key: str  # "rectification.open_findings"
    label: str  # "未整改问题"
    unit: str  # "个", "天", "%"; "" for a yes/no flag
    # values(region_code, year) -> {school_id: number or None}: one value per school of the region subtree that
    # has data (a school missing from the dict is drawn grey, "无数据"). Reads as FigureReader(region_code).
    values: Callable
    higher_is_better: bool = True
    flag: bool = False  # values are 1/0 (达标/未达标, 增值预警): two colours, not a scale


_MAP_LAYERS: dict[str, MapLayer] = {}


def register_map_layer(key: str, label: str, values: Callable, *, unit: str = "", higher_is_better: bool = True,
                       flag: bool = False) -> None:
    _MAP_LAYERS[key] = MapLayer(key, label, unit, values, higher_is_better, flag)


def map_layers() -> dict[str, MapLayer]:
    return dict(_MAP_LAYERS)


def cockpit_child_finder(children) -> Callable:
    """find(region_code="", school_id=None) -> the key of the child a row belongs to, or None: a provider runs one
    grouped query (by region code, or by school for a town's schools) and folds its rows into the children."""
    schools = {c.school_id: c.key for c in children if c.school_id is not None}
    prefixes = sorted(((region_prefix(c.region_code), c.key) for c in children if c.region_code),
                      key=lambda pair: -len(pair[0]))

    def find(region_code: str = "", school_id: int | None = None) -> str | None:
        if school_id is not None and school_id in schools:
            return schools[school_id]
        for prefix, key in prefixes:
            if region_code and region_code.startswith(prefix):
                return key
        return None

    return find


def year_bounds(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The cockpit's period for a calendar year: 1 January to 31 December, or to today for the current year."""
    end = datetime.date(year, 12, 31)
    return datetime.date(year, 1, 1), min(end, today) if today.year == year else end


COCKPIT_YEARS = ("now", "prev")


def cockpit_periods(year: int, today: datetime.date | None = None) -> dict:
    """{"now": (start, end, since, until), "prev": …}: the cockpit's year (to today for the current one) and the
    whole previous year, as Beijing dates and as the instants bounding them, for a provider that reads both years
    in one grouped query."""
    today = today or timezone.localdate()
    out = {}
    for name, y in zip(COCKPIT_YEARS, (year, year - 1), strict=True):
        start, end = year_bounds(y, today)
        out[name] = (start, end, *figure_period(start, end))
    return out
