"""满意度调查 pages for signed-in users: questionnaires and their editor, rounds, live counts, results,
open answers and the office's review. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

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


@login_required
def questionnaire_detail(request, pk: int):
    questionnaire = _office_questionnaire(request, pk)
    question_form = QuestionForm(request.POST if request.POST.get("action") == "add" else None)
    edit_form = QuestionnaireForm(request.POST if request.POST.get("action") == "save" else None, initial={
        "title": questionnaire.title, "intro": questionnaire.intro, "group": questionnaire.group,
        "definition": questionnaire.definition})
    if request.method == "POST":
        action, code, user = request.POST.get("action"), request.POST.get("code", ""), request.user
        target = [questionnaire]
        if action == "add":
            if not question_form.is_valid():
                form_error(request, question_form)
            elif attempt(request, lambda: services.question_add(
                    actor=user, questionnaire=questionnaire, section=question_form.cleaned_data["section"],
                    question=question_form.question()), "题目已添加。"):
                return redirect(request.path)
        elif action == "save":
            if not edit_form.is_valid():
                form_error(request, edit_form)
            elif attempt(request, lambda: services.questionnaire_save(
                    actor=user, questionnaire=questionnaire, **edit_form.cleaned_data), "问卷已保存。"):
                return redirect(request.path)
        elif action in ("remove", "up", "down"):
            attempt(request, lambda: (services.question_remove(actor=user, questionnaire=questionnaire, code=code)
                                      if action == "remove" else services.question_move(
                actor=user, questionnaire=questionnaire, code=code, step=-1 if action == "up" else 1)), "已更新。")
            return redirect(request.path)
        elif action == "publish":
            attempt(request, lambda: services.questionnaire_publish(actor=user, questionnaire=questionnaire),
                    "问卷已发布，可以用于开展调查；发布后不能再修改。")
            return redirect(request.path)
        elif action == "new_version":
            if attempt(request, lambda: target.append(services.questionnaire_new_version(
                    actor=user, questionnaire=questionnaire)), "已生成新版本草稿。"):
                return redirect("surveys:questionnaire_detail", pk=target[-1].pk)
            return redirect(request.path)
    return render(request, "surveys/questionnaire_detail.html", {
        "questionnaire": questionnaire, "question_form": question_form, "edit_form": edit_form, "types": TYPES,
        "versions": Questionnaire.objects.filter(county=questionnaire.county, family=questionnaire.family).order_by(
            "version")}, status=400 if request.method == "POST" else 200)


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
def round_detail(request, pk: int):
    survey_round = _round(request, pk)
    office = selectors.is_office_for(request.user, survey_round.county_id)
    if request.method == "POST":
        if not office:
            raise Http404
        _round_action(request, survey_round)
        return redirect(request.get_full_path())
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


def _round_action(request, survey_round: SurveyRound) -> None:
    action, user = request.POST.get("action"), request.user
    if action == "close":
        attempt(request, lambda: services.round_close(actor=user, survey_round=survey_round), "调查已结束。")
    elif action == "finding":
        form = FindingForm(request.POST)
        school = _chosen_school(survey_round, form)
        if school is None:
            messages.error(request, "请选择学校和题目。")
        else:
            attempt(request, lambda: services.finding_from_item(
                actor=user, survey_round=survey_round, school=school, item=form.cleaned_data["item"],
                due_date=form.cleaned_data["due_date"]), f"已向{school.name}提出问题，进入整改流程。")
    elif action == "codes":
        form = CodesForm(request.POST)
        school = _chosen_school(survey_round, form)
        if school is None:
            messages.error(request, "请选择学校并填写 1—2000 的数量。")
        else:
            attempt(request, lambda: services.codes_generate(
                actor=user, survey_round=survey_round, school=school, label=form.cleaned_data["label"],
                count=form.cleaned_data["count"]), "访问码已生成，可打印发放。")
    elif action == "exclude_flagged":
        attempt(request, lambda: services.flagged_exclude(actor=user, survey_round=survey_round,
                                                          note=request.POST.get("note", "")), "疑似异常答卷已剔除。")
    elif action == "recognition":
        attempt(request, lambda: services.recognition_publish(actor=user, county=survey_round.county,
                                                              year=survey_round.year),
                f"已将社会认可度写入{survey_round.county.name}{survey_round.year}学年评估监测数据。")
    else:
        messages.error(request, "未知的操作。")


@login_required
def round_answers(request, pk: int):
    """Open answers and suspicious responses: office only (raw answers)."""
    survey_round = _round(request, pk)
    if not selectors.is_office_for(request.user, survey_round.county_id):
        raise Http404
    if request.method == "POST":
        response = get_visible_or_404(SurveyResponse.objects.select_related("round__county"), request.user,
                                      pk=request.POST.get("response"), round=survey_round)
        exclude = request.POST.get("action") == "exclude"
        attempt(request, lambda: services.response_exclude(actor=request.user, response=response, excluded=exclude,
                                                           note=request.POST.get("note", "")),
                "答卷已剔除。" if exclude else "答卷已恢复计入。")
        return redirect(request.get_full_path())
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
