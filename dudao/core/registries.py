"""Registries: how a lower app uses what a higher app provides without importing it (docs/architecture.md).

Imports go down only. Where a lower app needs something that a higher app knows, the lower app asks a
registry here, and the higher app fills it in its AppConfig.ready(). Registering twice is harmless.
Other registries live next to what they serve: scope sources (core.scope.register_scope_source), policy
defaults (core.policy.register_policy_defaults) and audit action labels (core.models.register_action_labels).
"""

from collections.abc import Callable, Iterable

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
