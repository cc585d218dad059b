"""What surveys puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from dudao.core.dates import local_date
from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.surveys.models import SurveyResponse, SurveyRound


def rounds_to_share(user, today) -> list[Todo]:
    """满意度调查: open rounds (started, not ended) that include one of the user's own schools (a school role, not
    an inspector's assigned schools) while the school has fewer valid answers than the minimum for its result to
    be published (surveys.min_responses): the school shares the link or the poster (or hands out the access codes
    of a round answered by code). Due: the round's last day."""
    schools = set(RoleAssignment.objects.filter(user=user, role=Role.SCHOOL, school__isnull=False)
                  .values_list("school_id", flat=True))
    if not schools:
        return []
    now = timezone.now()
    rounds = list(SurveyRound.objects.visible_to(user).filter(closed_at__isnull=True, opens_at__lte=now,
                                                               closes_at__gt=now, schools__in=schools)
                  .distinct().order_by("closes_at", "id"))
    if not rounds:
        return []
    pairs = list(SurveyRound.schools.through.objects.filter(surveyround_id__in=[r.pk for r in rounds],
                                                             school_id__in=schools)
                 .select_related("school").order_by("school__name"))
    counts = {(row["round_id"], row["school_id"]): row["n"] for row in
              SurveyResponse.objects.filter(round_id__in=[r.pk for r in rounds], school_id__in=schools)
              .values("round_id", "school_id").order_by().annotate(n=Count("id", filter=Q(excluded=False)))}
    policy = PolicyTable(["surveys.min_responses"])
    by_pk = {r.pk: r for r in rounds}
    url = url_for_pk("surveys:round_detail")
    todos = []
    for pair in pairs:
        survey_round = by_pk[pair.surveyround_id]
        needed = int(policy.get("surveys.min_responses", pair.school.region_id))
        got = counts.get((survey_round.pk, pair.school_id), 0)
        if got >= needed:
            continue
        what = "发放访问码" if survey_round.use_codes else "发放调查链接"
        todos.append(Todo(kind="surveys.share", title=f"{what}（已收 {got}/{needed} 份）",
                          object=f"{pair.school} · {survey_round.name}", url=url(survey_round.pk),
                          due=local_date(survey_round.closes_at - datetime.timedelta(microseconds=1)),
                          key=f"surveys.round:{survey_round.pk}:{pair.school_id}:share",
                          region_code=pair.school.region_id))
    return todos


def register_todo() -> None:
    register_todo_source("surveys.share", "满意度调查", rounds_to_share, roles=(Role.SCHOOL,),
                         list_url="surveys:round_list")
