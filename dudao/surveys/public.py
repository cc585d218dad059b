"""The public answering page (no login, phone-first): /public/survey/<round token>/<school code>/.

Works without JavaScript (a plain form post, answers kept on error); the small script adds skip logic,
progress and keeps answers in the phone's local storage if the page reloads. A signed cookie carries a
random device id so one device answers a round once."""

import re
import secrets

from django.core.cache import caches
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect

from dudao.core.middleware import current_request_meta
from dudao.schools.models import School
from dudao.surveys.models import SurveyResponse, SurveyRound
from dudao.surveys.questionnaire import labels_of, questions
from dudao.surveys.responses import SubmissionRefused, response_submit, school_ids

DEVICE_COOKIE = "dudao_sv"
DEVICE_SALT = "dudao.surveys.device"
COOKIE_AGE = 400 * 24 * 3600
ROUND_CACHE_SECONDS = 5


def device_id(request) -> str:
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)


def with_device(request, response, device: str):
    if device != request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT):
        response.set_signed_cookie(DEVICE_COOKIE, device, salt=DEVICE_SALT, max_age=COOKIE_AGE, httponly=True,
                                   samesite="Lax")
    return response


_LINK_PART = re.compile(r"[A-Za-z0-9_-]{1,64}")


def lookup(token: str, code: str) -> tuple[SurveyRound, School]:
    """The round and school of a public link, or 404. Both are cached a few seconds per process: the public
    endpoint is the hot path, and a round closed early stops accepting within ROUND_CACHE_SECONDS everywhere."""
    if not (_LINK_PART.fullmatch(token) and _LINK_PART.fullmatch(code)):
        # Not a link we issue: no query, and no cache key made of whatever was sent.
        raise Http404("未找到该问卷。")
    local = caches["local"]
    key = f"dudao:survey-round:{token}"
    survey_round = local.get(key)
    if survey_round is None:
        survey_round = SurveyRound.objects.select_related("questionnaire").filter(token=token).first()
        if survey_round is None:
            raise Http404("未找到该问卷。")
        local.set(key, survey_round, ROUND_CACHE_SECONDS)
    school_key = f"dudao:school-by-code:{code}"
    school = local.get(school_key)
    if school is None:
        school = School.objects.filter(code=code).first()
        if school is not None:
            local.set(school_key, school, ROUND_CACHE_SECONDS)
    if school is None or school.pk not in school_ids(survey_round):
        raise Http404("未找到该问卷。")
    return survey_round, school


def raw_from_post(definition: dict, post) -> dict:
    """The form's fields back into answers: q3 (single), q4 (list), q5.2 (matrix row 2)."""
    raw: dict = {}
    for q in questions(definition):
        code = q["code"]
        if q["type"] == "multi":
            raw[code] = post.getlist(code)
        elif q["type"] == "matrix":
            raw[code] = {str(i): post.get(f"{code}.{i}", "") for i in range(1, len(q.get("rows", [])) + 1)}
        else:
            raw[code] = post.get(code, "")
    return raw


def form_sections(definition: dict, values: dict, errors: dict) -> list[dict]:
    """The questionnaire ready for the template: each question with its choices marked as chosen or not."""
    sections = []
    for section in definition.get("sections", []):
        shown = []
        for q in section.get("questions", []):
            value, item = values.get(q["code"]), {**q, "error": errors.get(q["code"], "")}
            scale = list(zip((5, 4, 3, 2, 1), labels_of(q), strict=False))
            if q["type"] == "scale":
                item["choices"] = [(v, label, str(value) == str(v)) for v, label in scale]
            elif q["type"] == "matrix":
                value = value if isinstance(value, dict) else {}
                item["matrix"] = [(i, row, [(v, label, str(value.get(str(i), "")) == str(v)) for v, label in scale])
                                  for i, row in enumerate(q.get("rows", []), 1)]
            elif q["type"] in ("single", "multi"):
                chosen = value if isinstance(value, list) else [value]
                item["opts"] = [(o, o in chosen) for o in q.get("options", [])]
            else:
                item["value"] = "" if value is None else value
            shown.append(item)
        sections.append({"title": section.get("title", ""), "questions": shown})
    return sections


@csrf_protect
def answer(request, token: str, code: str):
    survey_round, school = lookup(token, code)
    known_device = device_id(request)
    device = known_device or secrets.token_hex(16)
    context = {"round": survey_round, "school": school, "questionnaire": survey_round.questionnaire,
               "title": survey_round.questionnaire.title, "values": {}, "errors": {}, "preview": False,
               "open": survey_round.is_open(), "storage_key": f"dudao-sv-{survey_round.token}-{school.code}"}
    status = 200
    if request.method == "GET" and known_device and SurveyResponse.objects.filter(
            round=survey_round, device=known_device[:32]).exists():
        # This phone has answered the round: say so instead of showing a blank questionnaire again.
        return render(request, "surveys/thanks.html", {**context, "already": True})
    if request.method == "POST":
        raw = raw_from_post(survey_round.questionnaire.definition, request.POST)
        try:
            response_submit(survey_round=survey_round, school=school, raw_answers=raw, device=device,
                            ip=current_request_meta().get("ip"), code=request.POST.get("access_code", ""))
        except SubmissionRefused as exc:
            context.update(values=raw, errors=exc.fields, message=exc.message,
                           code_value=request.POST.get("access_code", ""))
            status = exc.status
        else:
            return with_device(request, render(request, "surveys/thanks.html", context), device)
    context["sections"] = form_sections(survey_round.questionnaire.definition, context["values"], context["errors"])
    return with_device(request, render(request, "surveys/answer.html", context, status=status), device)
