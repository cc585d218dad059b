"""The office's year (docs/architecture.md): 行事历 items, key events, year figures, 简报 materials and archive
documents of checks. See dudao/zones/year.py for the shape. One block per area; append inside your block."""

from dudao.checks.models import CheckRound, CheckTarget
from dudao.core.registries import CalendarItem, register_calendar_source, scope_reaches, url_for_pk
from dudao.core.scope import scope_for

# ---- rounds: 行事历 ------------------------------------------------------------------------------------------------


def calendar_rounds(user, start, end):
    """Each visible 专项检查 round over its window, with the target schools the user may see. Not counted as
    entering the schools (enters_school False): the check itself is made inside a 督导纪实 visit, the record of
    the visit."""
    scope = scope_for(user)
    rounds = {r.pk: r for r in CheckRound.objects.visible_to(user).filter(starts_on__lte=end, ends_on__gte=start)
              .only("pk", "title", "kind", "status", "starts_on", "ends_on", "region_id")}
    if not rounds:
        return []
    schools: dict[int, list[int]] = {pk: [] for pk in rounds}
    for round_id, school_id, region_code in (CheckTarget.objects.filter(round_id__in=rounds)
                                             .values_list("round_id", "school_id", "region_code").order_by("pk")):
        if scope_reaches(scope, region_code=region_code, school_id=school_id):
            schools[round_id].append(school_id)
    url = url_for_pk("checks:round_detail")
    return [CalendarItem(
        source="checks.rounds", key=str(pk), title=r.title, start=r.starts_on, end=max(r.ends_on, r.starts_on),
        url=url(pk), region_code=r.region_id, school_ids=tuple(schools[pk]),
        detail=f"{r.get_kind_display()}（{r.get_status_display()}）：{len(schools[pk])} 个检查对象")
        for pk, r in rounds.items()]


def register_year() -> None:
    # rounds
    register_calendar_source("checks.rounds", "专项检查", calendar_rounds)
    # outputs
    # annual
    # violations
    # requests
