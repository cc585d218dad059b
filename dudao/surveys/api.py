"""Survey API: rounds, questionnaires and results (aggregates only for users other than the county's office),
and the public POST of a response (no login; the same service and safeguards as the phone page)."""

import datetime
import secrets

from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from dudao.core.api_errors import error_responses
from dudao.core.listing import ApiPagination
from dudao.core.middleware import current_request_meta
from dudao.core.scope import get_visible_or_404
from dudao.surveys import selectors
from dudao.surveys.models import Questionnaire, SurveyRound
from dudao.surveys.public import device_id, lookup, with_device
from dudao.surveys.responses import response_submit

router = Router(tags=["满意度调查"])


def _round_out(r: SurveyRound, office: bool) -> dict:
    out = {"id": r.pk, "name": r.name, "year": r.year, "group": r.group, "county": r.county_id,
           "questionnaire": r.questionnaire_id, "opens_at": r.opens_at, "closes_at": r.closes_at,
           "status": r.status_label, "use_codes": r.use_codes, "feeds_recognition": r.feeds_recognition}
    if office:
        out["token"] = r.token
    return out


class RoundOut(Schema):
    id: int
    name: str
    year: int
    group: str
    county: str
    questionnaire: int
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    status: str
    use_codes: bool
    feeds_recognition: bool
    token: str | None = Field(None, description="公开填答链接的令牌；仅本县督导室可见")

    @staticmethod
    def resolve_county(obj) -> str:
        return obj.county_id

    @staticmethod
    def resolve_questionnaire(obj) -> int:
        return obj.questionnaire_id

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.status_label

    @staticmethod
    def resolve_token(obj, context) -> str | None:
        return obj.token if selectors.is_office_for(context["request"].user, obj.county_id) else None


@router.get("/surveys/rounds", response=list[RoundOut])
@paginate(ApiPagination, page_size=50)
def round_list(request, year: int | None = None):
    rounds = selectors.round_list(request.user)
    if year:
        rounds = rounds.filter(year=year)
    return rounds


@router.get("/surveys/questionnaires/{pk}")
def questionnaire(request, pk: int):
    q = get_visible_or_404(Questionnaire.objects.select_related("county"), request.user, pk=pk)
    return {"id": q.pk, "title": q.title, "intro": q.intro, "group": q.group, "version": q.version,
            "status": q.status, "definition": q.definition}


@router.get("/surveys/rounds/{pk}/results")
def results(request, pk: int):
    """The round's aggregates: every school for the county's office and leaders, a school user's own otherwise."""
    survey_round = get_visible_or_404(SurveyRound.objects.select_related("questionnaire", "county"), request.user, pk=pk)
    school = None
    if not selectors.sees_region(request.user, survey_round.county_id):
        school = selectors.own_school(request.user, survey_round)
    r = selectors.round_results(request.user, survey_round, school)
    return {"round": _round_out(survey_round, selectors.is_office_for(request.user, survey_round.county_id)),
            "threshold": r.rules.threshold, "min_responses": r.rules.min_responses, "overall": r.overall,
            "schools": [{k: s[k] for k in ("id", "name", "responses", "rate", "mean", "withheld", "passes")}
                        for s in r.schools],
            "items": [{k: i[k] for k in ("code", "text", "answers", "levels", "rate", "mean")} for i in r.items]}


class ResponseIn(Schema):
    answers: dict
    code: str = ""


@router.post("/public/surveys/{token}/{school_code}/responses", auth=None, response={201: dict},
             openapi_extra=error_responses(409, 429))
def submit(request, response: HttpResponse, token: str, school_code: str, payload: ResponseIn):
    """Submit one response (public). 400 incomplete, 404 unknown link, 409 closed / used code / repeat, 429 too fast."""
    try:
        survey_round, school = lookup(token, school_code)
    except Http404:
        raise Http404("未找到该问卷。") from None
    device = device_id(request) or secrets.token_hex(16)
    saved = response_submit(survey_round=survey_round, school=school, raw_answers=payload.answers, device=device,
                            ip=current_request_meta().get("ip"), code=payload.code)
    with_device(request, response, device)
    return Status(201, {"id": saved.pk, "message": "提交成功，感谢您的参与！"})
