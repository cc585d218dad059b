"""满意度调查 pages for signed-in users: questionnaires and their editor, rounds, live counts, results,
open answers and the office's review. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dudao.core.forms import form_error
from dudao.core.listing import paginate, query_without_page
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import attempt, require_role
from dudao.monitoring.selectors import counties_visible
from dudao.regions.models import Region
from dudao.schools.models import School
from dudao.surveys import builtin, selectors, services
from dudao.surveys.forms import CodesForm, FindingForm, QuestionForm, QuestionnaireForm, RoundForm
from dudao.surveys.models import AccessCode, Questionnaire, SurveyResponse, SurveyRound
from dudao.surveys.public import form_sections
from dudao.surveys.questionnaire import TYPES, questions


def _office_counties(user) -> list[Region]:
    scope = scope_for(user)
    if not (scope.everything or scope.has_role(Role.OFFICE)):
        return []
    return list(counties_visible(user))


@login_required
@require_role()
def round_list(request):
    rounds = selectors.counted(selectors.round_list(request.user))
    page, size = paginate(request, rounds)
    return render(request, "surveys/round_list.html", {
        "page": page, "size": size, "query": query_without_page(request),
        "office": bool(_office_counties(request.user))})


@login_required
def questionnaire_list(request):
    counties = _office_counties(request.user)
    if not counties:
        raise Http404
    if request.method == "POST":
        county = next((c for c in counties if c.code == request.POST.get("county")), None)
        if county is None:
            messages.error(request, "请选择县（区）。")
        else:
            created = []
            if attempt(request, lambda: created.append(services.questionnaire_from_template(
                    actor=request.user, county=county, template_code=request.POST.get("template", ""))),
                    "已从模板建立问卷草稿，请修改后发布。"):
                return redirect("surveys:questionnaire_detail", pk=created[0].pk)
    return render(request, "surveys/questionnaire_list.html", {
        "questionnaires": selectors.questionnaire_list(request.user), "counties": counties,
        "templates": [(code, t["title"]) for code, t in builtin.TEMPLATES.items()]})


def _office_questionnaire(request, pk: int) -> Questionnaire:
    questionnaire = get_visible_or_404(Questionnaire.objects.select_related("county"), request.user, pk=pk)
    if not selectors.is_office_for(request.user, questionnaire.county_id):
        raise Http404
    return questionnaire


def _questionnaire_page(request, questionnaire: Questionnaire, question_form=None, edit_form=None):
    """The questionnaire's page; a refused add or save shows its form again, as typed, with status 400."""
    refused = question_form is not None or edit_form is not None
    edit_form = edit_form or QuestionnaireForm(initial={
        "title": questionnaire.title, "intro": questionnaire.intro, "group": questionnaire.group,
        "definition": questionnaire.definition})
    return render(request, "surveys/questionnaire_detail.html", {
        "questionnaire": questionnaire, "question_form": question_form or QuestionForm(), "edit_form": edit_form,
        "types": TYPES, "versions": Questionnaire.objects.filter(
            county=questionnaire.county, family=questionnaire.family).order_by("version")},
        status=400 if refused else 200)


@login_required
@require_safe
def questionnaire_detail(request, pk: int):
    return _questionnaire_page(request, _office_questionnaire(request, pk))


# ---- a questionnaire's actions: one URL each, the county's office only (404 for anyone else) -----------------

@login_required
@require_POST
def question_add(request, pk: int):
    questionnaire = _office_questionnaire(request, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
    elif attempt(request, lambda: services.question_add(
            actor=request.user, questionnaire=questionnaire, section=form.cleaned_data["section"],
            question=form.question()), "题目已添加。"):
        return redirect("surveys:questionnaire_detail", pk=pk)
    return _questionnaire_page(request, questionnaire, question_form=form)


@login_required
@require_POST
def questionnaire_save(request, pk: int):
    questionnaire = _office_questionnaire(request, pk)
    form = QuestionnaireForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
    elif attempt(request, lambda: services.questionnaire_save(
            actor=request.user, questionnaire=questionnaire, **form.cleaned_data), "问卷已保存。"):
        return redirect("surveys:questionnaire_detail", pk=pk)
    return _questionnaire_page(request, questionnaire, edit_form=form)


def _question_edit(request, pk: int, write) -> HttpResponse:
    questionnaire = _office_questionnaire(request, pk)
    attempt(request, lambda: write(questionnaire, request.POST.get("code", "")), "已更新。")
    return redirect("surveys:questionnaire_detail", pk=pk)


@login_required
@require_POST
def question_up(request, pk: int):
    return _question_edit(request, pk, lambda q, code: services.question_move(
        actor=request.user, questionnaire=q, code=code, step=-1))


@login_required
@require_POST
def question_down(request, pk: int):
    return _question_edit(request, pk, lambda q, code: services.question_move(
        actor=request.user, questionnaire=q, code=code, step=1))


@login_required
@require_POST
def question_remove(request, pk: int):
    return _question_edit(request, pk, lambda q, code: services.question_remove(
        actor=request.user, questionnaire=q, code=code))


@login_required
@require_POST
def questionnaire_publish(request, pk: int):
    questionnaire = _office_questionnaire(request, pk)
    attempt(request, lambda: services.questionnaire_publish(actor=request.user, questionnaire=questionnaire),
            "问卷已发布，可以用于开展调查；发布后不能再修改。")
    return redirect("surveys:questionnaire_detail", pk=pk)


@login_required
@require_POST
def questionnaire_new_version(request, pk: int):
    questionnaire, made = _office_questionnaire(request, pk), []
    if attempt(request, lambda: made.append(services.questionnaire_new_version(
            actor=request.user, questionnaire=questionnaire)), "已生成新版本草稿。"):
        return redirect("surveys:questionnaire_detail", pk=made[0].pk)
    return redirect("surveys:questionnaire_detail", pk=pk)


@login_required
def questionnaire_preview(request, pk: int):
    questionnaire = _office_questionnaire(request, pk)
    return render(request, "surveys/answer.html", {
        "questionnaire": questionnaire, "preview": True, "title": questionnaire.title, "open": True,
        "sections": form_sections(questionnaire.definition, {}, {}), "storage_key": ""})


@login_required
def round_new(request):
    counties = _office_counties(request.user)
    if not counties:
        raise Http404
    county = next((c for c in counties if c.code == request.GET.get("county", request.POST.get("county"))), counties[0])
    published = Questionnaire.objects.visible_to(request.user).filter(county=county, status="published")
    towns = Region.objects.filter(code__startswith=county.code, level="town").order_by("code")
    now = timezone.localtime()
    form = RoundForm(request.POST or None, questionnaires=published, towns=towns, initial={
        "year": now.year, "opens_at": now.strftime("%Y-%m-%dT%H:%M"), "school_types": ["primary", "junior", "nine_year"],
        "closes_at": (now + timezone.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST":
        if not form.is_valid():
            form_error(request, form)
        else:
            data = form.cleaned_data
            schools = School.objects.filter(region__code__startswith=data["town"] or county.code,
                                            school_type__in=data["school_types"])
            created = []
            if attempt(request, lambda: created.append(services.round_create(
                    actor=request.user, questionnaire=published.get(pk=data["questionnaire"]), name=data["name"],
                    year=data["year"], schools=schools, opens_at=data["opens_at"], closes_at=data["closes_at"],
                    use_codes=data["use_codes"], feeds_recognition=data["feeds_recognition"])), "调查已建立。"):
                return redirect("surveys:round_detail", pk=created[0].pk)
    return render(request, "surveys/round_new.html", {"form": form, "counties": counties, "county": county},
                  status=400 if request.method == "POST" else 200)


def _round(request, pk: int) -> SurveyRound:
    return get_visible_or_404(SurveyRound.objects.select_related("questionnaire", "county"), request.user, pk=pk)


@login_required
@require_safe
def round_detail(request, pk: int):
    survey_round = _round(request, pk)
    office = selectors.is_office_for(request.user, survey_round.county_id)
    region_view = selectors.sees_region(request.user, survey_round.county_id)
    school = None if region_view else selectors.own_school(request.user, survey_round)
    results = selectors.round_results(request.user, survey_round, school)
    context = {"round": survey_round, "office": office, "results": results, "school": school,
               "public_links": [], "charts": selectors.charts(results, selectors.trend(request.user, survey_round) if region_view else [])}
    if office:
        context.update(live=selectors.live_counts(request.user, survey_round), refusals=selectors.refusals(survey_round),
                       flagged=SurveyResponse.objects.visible_to(request.user).filter(
                           round=survey_round, flagged=True, excluded=False).count(),
                       codes=AccessCode.objects.filter(round=survey_round).values("school_id").order_by().count()
                       if survey_round.use_codes else 0,
                       recognition=selectors.recognition(survey_round.county, survey_round.year)
                       if survey_round.feeds_recognition else None)
    return render(request, "surveys/round_detail.html", context)


def _chosen_school(survey_round: SurveyRound, form):
    """The school a valid form names, if it takes part in the round."""
    return survey_round.schools.filter(pk=form.cleaned_data["school"]).first() if form.is_valid() else None


# ---- a round's actions: one URL each, the county's office only (404 for anyone else) ------------------------

def _office_round(request, pk: int) -> SurveyRound:
    survey_round = _round(request, pk)
    if not selectors.is_office_for(request.user, survey_round.county_id):
        raise Http404
    return survey_round


@login_required
@require_POST
def round_close(request, pk: int):
    survey_round = _office_round(request, pk)
    attempt(request, lambda: services.round_close(actor=request.user, survey_round=survey_round), "调查已结束。")
    return redirect("surveys:round_detail", pk=pk)


@login_required
@require_POST
def round_finding(request, pk: int):
    survey_round = _office_round(request, pk)
    form = FindingForm(request.POST)
    school = _chosen_school(survey_round, form)
    if school is None:
        messages.error(request, "请选择学校和题目。")
    else:
        attempt(request, lambda: services.finding_from_item(
            actor=request.user, survey_round=survey_round, school=school, item=form.cleaned_data["item"],
            due_date=form.cleaned_data["due_date"]), f"已向{school.name}提出问题，进入整改流程。")
    return redirect("surveys:round_detail", pk=pk)


@login_required
@require_POST
def round_codes(request, pk: int):
    survey_round = _office_round(request, pk)
    form = CodesForm(request.POST)
    school = _chosen_school(survey_round, form)
    if school is None:
        messages.error(request, "请选择学校并填写 1—2000 的数量。")
    else:
        attempt(request, lambda: services.codes_generate(
            actor=request.user, survey_round=survey_round, school=school, label=form.cleaned_data["label"],
            count=form.cleaned_data["count"]), "访问码已生成，可打印发放。")
    return redirect("surveys:round_detail", pk=pk)


@login_required
@require_POST
def flagged_exclude(request, pk: int):
    survey_round = _office_round(request, pk)
    attempt(request, lambda: services.flagged_exclude(actor=request.user, survey_round=survey_round,
                                                      note=request.POST.get("note", "")), "疑似异常答卷已剔除。")
    return redirect("surveys:round_detail", pk=pk)


@login_required
@require_POST
def recognition_publish(request, pk: int):
    survey_round = _office_round(request, pk)
    attempt(request, lambda: services.recognition_publish(actor=request.user, county=survey_round.county,
                                                          year=survey_round.year),
            f"已将社会认可度写入{survey_round.county.name}{survey_round.year}学年评估监测数据。")
    return redirect("surveys:round_detail", pk=pk)


def _response_exclude(request, pk: int, *, exclude: bool) -> HttpResponse:
    survey_round = _office_round(request, pk)
    response = get_visible_or_404(SurveyResponse.objects.select_related("round__county"), request.user,
                                  pk=request.POST.get("response"), round=survey_round)
    attempt(request, lambda: services.response_exclude(actor=request.user, response=response, excluded=exclude,
                                                       note=request.POST.get("note", "")),
            "答卷已剔除。" if exclude else "答卷已恢复计入。")
    query = request.GET.urlencode()  # back to the answers as they were filtered
    return redirect(reverse("surveys:round_answers", args=[pk]) + (f"?{query}" if query else ""))


@login_required
@require_POST
def response_exclude(request, pk: int):
    return _response_exclude(request, pk, exclude=True)


@login_required
@require_POST
def response_include(request, pk: int):
    return _response_exclude(request, pk, exclude=False)


@login_required
@require_safe
def round_answers(request, pk: int):
    """Open answers and suspicious responses: office only (raw answers)."""
    survey_round = _round(request, pk)
    if not selectors.is_office_for(request.user, survey_round.county_id):
        raise Http404
    school_id = request.GET.get("school", "")
    code = request.GET.get("q", "")
    keyword = request.GET.get("kw", "").strip()[:50]
    answers, words, total = selectors.open_answers(
        request.user, survey_round, code=code, school_id=int(school_id) if school_id.isdigit() else None,
        keyword=keyword)
    suspicious = SurveyResponse.objects.visible_to(request.user).filter(round=survey_round).filter(
        flagged=True).select_related("school")[:200]
    text_questions = [q for q in questions(survey_round.questionnaire.definition) if q["type"] in ("text", "textarea")]
    return render(request, "surveys/round_answers.html", {
        "round": survey_round, "answers": answers, "words": words, "total": total, "suspicious": suspicious,
        "schools": survey_round.schools.order_by("name"), "text_questions": text_questions,
        "filters": {"school": school_id, "q": code, "kw": keyword},
        "excluded": SurveyResponse.objects.visible_to(request.user).filter(round=survey_round, excluded=True,
                                                                            flagged=False).select_related("school")[:200],
        "base": reverse("surveys:round_answers", args=[survey_round.pk])})
