"""督导评估 pages: projects (list, new), a project (targets, teams, workflow), and a target (scoring form for
team members, self-assessment for the target, the evaluation for the office). Thin: parse, call, render."""

import datetime
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dudao.core.errors import ApplicationError
from dudao.core.forms import form_error
from dudao.core.models import Role
from dudao.core.registries import page_sections
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import attempt
from dudao.documents import files
from dudao.documents.decorators import document_errors
from dudao.frameworks.models import Framework
from dudao.inspections import annual, opinions, reports, selectors, services
from dudao.inspections.models import (
    BatchStatus,
    Inspection,
    InspectionKind,
    InspectionStage,
    Opinion,
    OpinionBatch,
    TeamMember,
    TeamRole,
)
from dudao.monitoring.selectors import counties_visible
from dudao.regions.models import GovUnit, UnitKind
from dudao.schools.models import EducationGroup, ManagementCentre, Project, School, SchoolType
from dudao.worker.recovery import workers_alive

UNFINISHED = {BatchStatus.PENDING, BatchStatus.RUNNING}
TEXT, SELECT = {"class": "form-control"}, {"class": "form-select"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class InspectionForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=128, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label="类型", choices=InspectionKind.choices, widget=forms.Select(attrs=SELECT))
    framework = forms.TypedChoiceField(label="指标体系（已定版）", coerce=int, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **TEXT}))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **TEXT}))

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [(f.pk, str(f)) for f in frameworks]


@login_required
def inspection_list(request):
    scope = scope_for(request.user)
    office = scope.everything or scope.has_role(Role.OFFICE)
    inspections = selectors.inspection_list(request.user)
    counties = list(counties_visible(request.user)) if office else []
    frozen = Framework.objects.visible_to(request.user).filter(status="frozen").order_by("name", "-version")
    today = timezone.localdate()
    form = InspectionForm(request.POST or None, frameworks=frozen, initial={
        "year": today.year, "starts_on": today, "ends_on": today + datetime.timedelta(days=60)})
    if request.method == "POST":
        county = next((c for c in counties if c.code == request.POST.get("county")), None)
        made = []
        if county is None or not form.is_valid():
            form_error(request, form) if county else messages.error(request, "请选择县（区）。")
        else:
            data = form.cleaned_data
            if attempt(request, lambda: made.append(services.inspection_create(
                    actor=request.user, county=county, framework=frozen.get(pk=data.pop("framework")), **data)),
                    "督导项目已建立，请确定督导对象和督导组。"):
                return redirect("inspections:detail", pk=made[0].pk)
    return render(request, "inspections/list.html", {
        "inspections": inspections, "office": office, "counties": counties, "form": form})


@login_required
def inspection_detail(request, pk: int):
    inspection = get_visible_or_404(Inspection.objects.select_related("county", "framework"), request.user, pk=pk)
    office = selectors.is_office(request.user, inspection)
    targets = list(selectors.targets_for(request.user, inspection).prefetch_related(
        Prefetch("team", queryset=TeamMember.objects.select_related("user"), to_attr="members")))
    actions = selectors.project_actions(request.user, inspection, has_targets=bool(targets))
    context = {"inspection": inspection, "office": office, "targets": targets, "actions": actions,
               "transitions": inspection.transitions.select_related("actor"),
               "next_stages": selectors.next_stages(inspection) if "advance" in actions else [],
               "missing": services.missing_scores(inspection) if office and inspection.stage in services.SCORING_STAGES
               else {}, "show_results": inspection.stage in selectors.RESULT_STAGES,
               "batch": inspection.batches.first() if selectors.sees_all_targets(request.user, inspection) else None}
    if context["batch"] is not None and context["batch"].status in UNFINISHED:
        context["workers"] = workers_alive()  # none seen: the panel says why the batch waits
    if office:
        context.update(school_types=[c for c in SchoolType.choices if c[0] != SchoolType.TRAINING],
                       unit_kinds=UnitKind.choices, for_units=inspection.framework.target == "unit",
                       people=selectors.team_candidates(inspection), roles=TeamRole.choices,
                       can_add_targets="targets" in actions, can_change_team="team" in actions)
        if context["can_add_targets"] and not context["for_units"]:
            county = inspection.county_id
            context.update(
                groups=EducationGroup.objects.filter(region__code__startswith=county).order_by("code"),
                centres=ManagementCentre.objects.filter(region__code__startswith=county).order_by("code"),
                projects=Project.objects.filter(region__code__startswith=county).order_by("-starts_on", "id"))
    return render(request, "inspections/detail.html", context)


# ---- a project's actions: one URL each, the county's office only (404 for anyone else) ---------------------

def _office_project(request, pk: int) -> Inspection:
    inspection = get_visible_or_404(Inspection.objects.select_related("county", "framework"), request.user, pk=pk)
    if not selectors.is_office(request.user, inspection):
        raise Http404
    return inspection


@login_required
@require_POST
def inspection_advance(request, pk: int):
    inspection, to = _office_project(request, pk), request.POST.get("to", "")
    label = InspectionStage(to).label if to in InspectionStage.values else to
    attempt(request, lambda: services.inspection_advance(actor=request.user, inspection=inspection, to=to,
                                                         note=request.POST.get("note", "")), f"已转到“{label}”。")
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def notice_number_set(request, pk: int):
    inspection = _office_project(request, pk)
    attempt(request, lambda: services.notice_number_set(actor=request.user, inspection=inspection,
                                                        number=request.POST.get("number", "")), "文号已保存。")
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def targets_add(request, pk: int):
    inspection, user, post = _office_project(request, pk), request.user, request.POST
    if inspection.framework.target == "unit":
        units = GovUnit.objects.filter(region__code__startswith=inspection.county_id, kind__in=post.getlist("unit_kinds"))
        attempt(request, lambda: services.targets_add(actor=user, inspection=inspection, units=units), "已添加督导对象。")
        return redirect("inspections:detail", pk=pk)
    schools = School.objects.filter(region__code__startswith=inspection.county_id,
                                    school_type__in=post.getlist("school_types"))
    count = post.get("count", "").strip()
    if count and not count.isdigit():
        messages.error(request, "抽样数量应为正整数。")
    elif count:
        attempt(request, lambda: services.targets_sample(actor=user, inspection=inspection, candidates=schools,
                                                         count=int(count)), "已随机抽取督导对象（随机种子已记录）。")
    else:
        attempt(request, lambda: services.targets_add(actor=user, inspection=inspection, schools=schools),
                "已添加督导对象。")
    return redirect("inspections:detail", pk=pk)


def _ids(post, name: str) -> list[int]:
    """Posted ids; anything else (text, "²", a number too long for the database) is kept as -1: refused below."""
    return [int(v) if v.isascii() and v.isdecimal() and len(v) < 19 else -1 for v in post.getlist(name)][:1000]


@login_required
@require_POST
def targets_add_others(request, pk: int):
    """Education groups, management centres, projects (and, for 年度综合目标考核, the directly administered
    schools) of the county: ids from elsewhere are refused, never silently dropped."""
    inspection, user, post = _office_project(request, pk), request.user, request.POST
    county = inspection.county_id
    wanted = {"groups": (EducationGroup, _ids(post, "groups")), "centres": (ManagementCentre, _ids(post, "centres")),
              "projects": (Project, _ids(post, "projects"))}
    chosen = {name: list(model.objects.filter(pk__in=ids, region__code__startswith=county))
              for name, (model, ids) in wanted.items()}
    if any(len(chosen[name]) != len(set(ids)) for name, (_m, ids) in wanted.items()):
        messages.error(request, "所选对象不存在或不在本县（区）。")
        return redirect("inspections:detail", pk=pk)
    schools = []
    if post.get("direct_schools"):
        schools = list(School.objects.filter(region__code__startswith=county, management_centre__isnull=True)
                       .exclude(school_type__in=[SchoolType.TRAINING, SchoolType.KINDERGARTEN]))
    attempt(request, lambda: services.targets_add(actor=user, inspection=inspection, schools=schools, **chosen),
            "已添加督导对象。")
    return redirect("inspections:detail", pk=pk)


@login_required
@require_safe
def annual_ranking(request, pk: int):
    """年度综合目标考核: targets ranked by score with the levels the quotas give; the county's office and
    leaders only (404 for anyone else, like a target of another unit)."""
    inspection = get_visible_or_404(Inspection.objects.select_related("county", "framework"), request.user, pk=pk)
    if inspection.kind != InspectionKind.ANNUAL or not selectors.sees_all_targets(request.user, inspection):
        raise Http404
    return render(request, "inspections/ranking.html", {
        "inspection": inspection, **annual.annual_ranking(inspection),
        "can_apply": selectors.is_office(request.user, inspection) and inspection.stage in annual.APPLY_STAGES})


@login_required
@require_POST
def annual_levels_apply(request, pk: int):
    inspection = _office_project(request, pk)
    attempt(request, lambda: annual.annual_levels_apply(actor=request.user, inspection=inspection),
            "已按名额写入各对象等级。")
    return redirect("inspections:ranking", pk=pk)


@login_required
@require_POST
def team_assign(request, pk: int):
    inspection, post = _office_project(request, pk), request.POST
    target = inspection.targets.filter(pk=post.get("target") or 0).first()
    member = selectors.team_candidates(inspection).filter(pk=post.get("user") or 0).first()
    if target is None or member is None:
        messages.error(request, "请选择督导对象和成员。")
        return redirect("inspections:detail", pk=pk)
    leaves = [c.strip() for c in post.get("leaves", "").replace("，", ",").split(",") if c.strip()]
    result = []
    if attempt(request, lambda: result.append(services.team_assign(
            actor=request.user, target=target, user=member, role=post.get("role", ""), leaves=leaves)), "督导组已更新。"):
        for warning in result[0][1]:
            messages.warning(request, warning)
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def batch_start(request, pk: int):
    inspection = _office_project(request, pk)
    attempt(request, lambda: opinions.batch_start(actor=request.user, inspection=inspection),
            "已开始批量生成督导意见书，进度见下方。")
    return redirect("inspections:detail", pk=pk)


@login_required
@require_POST
def batch_retry(request, pk: int):
    inspection = _office_project(request, pk)
    batch = inspection.batches.first()  # only the project's latest batch can be retried
    if batch is None:
        messages.error(request, "该项目没有批量生成记录。")
    else:
        attempt(request, lambda: opinions.batch_retry(actor=request.user, batch=batch), "已重新排队，进度见下方。")
    return redirect("inspections:detail", pk=pk)


# ---- a target: its page (GET) and one URL per action -----------------------------------------------------

@login_required
@require_safe
def target_detail(request, pk: int):
    target = selectors.target_for(request.user, pk)
    is_self = selectors.is_self_assessment(request.user, target)
    return _target_page(request, target, selectors.score_sheet(target, request.user, is_self))


def _target_page(request, target, sheet: list[dict], errors: dict[str, str] | None = None):
    inspection, user = target.inspection, request.user
    roles = selectors.target_roles(user, target)
    actions = selectors.target_actions(user, target, roles)
    own, office = "own" in roles, "office" in roles
    is_self = "self_score" in actions
    office_view = selectors.sees_all_targets(user, inspection)
    evaluation = None
    if office_view or (own and inspection.stage in selectors.RESULT_STAGES):
        evaluation = services.target_evaluation(target)
    opinion = Opinion.objects.filter(target=target).first()
    return render(request, "inspections/target.html", {
        **page_sections("inspections.target_detail", request, target),  # reviews: "member_figures_html"
        "target": target, "inspection": inspection, "sheet": sheet, "is_self": is_self, "actions": actions,
        "sheet_filled": sum(1 for row in sheet if row["value"]),
        "can_score": bool(sheet) and bool(actions & {"self_score", "score"}),
        "evaluation": evaluation, "rows": selectors.evaluation_rows(target, evaluation) if evaluation else [],
        "opinion": opinion, "office": office, "can_draft": "opinion" in actions,
        "problem_rows": (opinion.problems if opinion else []) + [{}] * 3,
        "can_download": selectors.may_download_opinion(user, target, opinion),
        "previous": selectors.previous_result(user, target),
        "appeals": list(target.appeals.select_related("submitted_by")) if office_view or own else [],
        "can_appeal": "appeal" in actions, "can_respond": "appeal_respond" in actions, "own": own,
        "materials": list(target.materials.all()) if office_view or own or sheet else [],
        "can_review": "review" in actions},
        status=400 if errors else 200)


def _acting_target(request, pk: int, action: str):
    """The target, if the user has the role for this action on it; else 404 (like a target out of scope)."""
    target = selectors.target_for(request.user, pk)
    if action in {"review", "appeal_respond", "opinion"} and not selectors.may_take_target_action(
            request.user, target, action):
        raise Http404
    return target


@login_required
@require_POST
def target_scores(request, pk: int):
    """Save the scoring form (a team member's scores, or the target's self-assessment): all or nothing; a
    refusal shows the form again with what was typed and each refused check point marked."""
    target = selectors.target_for(request.user, pk)
    is_self = selectors.is_self_assessment(request.user, target)
    sheet = selectors.score_sheet(target, request.user, is_self)
    errors = _save_scores(request, target, is_self, sheet)
    if not errors:
        return redirect("inspections:target", pk=pk)
    for row in sheet:  # keep what was typed
        row["value"] = request.POST.get(f"v-{row['code']}", "").strip()
        row["note"] = request.POST.get(f"n-{row['code']}", "")
        row["error"] = errors.get(row["code"], "")
    return _target_page(request, target, sheet, errors)


@login_required
@require_POST
def materials_submit(request, pk: int):
    target = _acting_target(request, pk, "materials")
    attempt(request, lambda: services.materials_submit(
        actor=request.user, target=target, report=request.POST.get("report", ""),
        uploads=request.FILES.getlist("files")), "自评材料已提交。")
    return redirect("inspections:target", pk=pk)


@login_required
@require_POST
def materials_review(request, pk: int):
    target = _acting_target(request, pk, "review")
    attempt(request, lambda: services.materials_review(actor=request.user, target=target,
                                                       note=request.POST.get("note", "")), "审核意见已保存。")
    return redirect("inspections:target", pk=pk)


@login_required
@require_POST
def appeal_submit(request, pk: int):
    target = _acting_target(request, pk, "appeal")
    attempt(request, lambda: opinions.appeal_submit(actor=request.user, target=target,
                                                    text=request.POST.get("text", "")), "申辩已提交，督导室将予以答复。")
    return redirect("inspections:target", pk=pk)


@login_required
@require_POST
def appeal_respond(request, pk: int):
    target = _acting_target(request, pk, "appeal_respond")
    appeal = target.appeals.filter(pk=request.POST.get("appeal") or 0).first()
    if appeal is None:
        raise Http404
    attempt(request, lambda: opinions.appeal_respond(actor=request.user, appeal=appeal,
                                                     response=request.POST.get("response", "")), "已答复申辩。")
    return redirect("inspections:target", pk=pk)


@login_required
@require_POST
def opinion_save(request, pk: int):
    target = _acting_target(request, pk, "opinion")
    attempt(request, lambda: opinions.opinion_save(
        actor=request.user, target=target, evaluation=request.POST.get("evaluation", ""),
        strengths=request.POST.get("strengths", ""), problems=_posted_problems(request.POST)), "督导意见书已保存。")
    return redirect("inspections:target", pk=pk)


def _posted_problems(post) -> list[dict]:
    return [{"text": text, "requirement": req, "due_date": due} for text, req, due in zip(
        post.getlist("p-text"), post.getlist("p-req"), post.getlist("p-due"), strict=False)]


@login_required
@document_errors
def opinion_download(request, pk: int, fmt: str):
    target = selectors.target_for(request.user, pk)
    opinion = Opinion.objects.filter(target=target).first()
    if not selectors.may_download_opinion(request.user, target, opinion):
        raise Http404
    name = quote(f"督导意见书_{target}_{opinion.number or '草稿'}.{fmt}")
    if fmt == "docx":
        response = HttpResponse(opinions.opinion_docx(opinion), content_type=DOCX)
    else:
        response = HttpResponse(opinions.opinion_pdf(opinion), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _batch_for(request, pk: int):
    batch = OpinionBatch.objects.select_related("inspection").filter(pk=pk).first()
    if batch is None or not Inspection.objects.visible_to(request.user).filter(pk=batch.inspection_id).exists() \
            or not selectors.sees_all_targets(request.user, batch.inspection):
        raise Http404
    return batch


@login_required
def batch_progress(request, pk: int):
    """The progress panel, polled by htmx every second until the batch is done."""
    batch = _batch_for(request, pk)
    return render(request, "inspections/_batch.html", {
        "batch": batch, "office": selectors.is_office(request.user, batch.inspection),
        "workers": workers_alive() if batch.status in UNFINISHED else 0})


@login_required
def batch_download(request, pk: int):
    batch = _batch_for(request, pk)
    if batch.status != BatchStatus.DONE:
        raise Http404
    try:
        handle = files.open_blob(batch.path)  # streamed from the file storage after the scope check above
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/zip")
    name = quote(f"{batch.inspection.name}_督导意见书.zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _save_scores(request, target, is_self: bool, sheet: list[dict]) -> dict[str, str]:
    """Save what changed in the form (all or nothing, services.scores_save); a refusal comes back as
    {leaf: message} so the form shows it with what was typed."""
    entries = []
    for row in sheet:
        code = row["code"]
        value, note = request.POST.get(f"v-{code}", "").strip(), request.POST.get(f"n-{code}", "")
        uploads = tuple(request.FILES.getlist(f"f-{code}")) if is_self else ()
        changed = value and not (value == row["value"] and note.strip() == row["note"])
        if changed or uploads:
            entries.append(services.ScoreEntry(code, value if changed else "", note, uploads))
    try:
        saved = services.scores_save(actor=request.user, target=target, entries=entries, is_self=is_self)
    except ApplicationError as exc:
        messages.error(request, f"{len(exc.errors)} 项评分有误，全部未保存，请修改标红的项目后重新提交。")
        return {e.column: e.message for e in exc.errors}
    # Count every check point that now has a value (what the scorer sees filled in), not only the changed ones.
    filled = sum(1 for row in sheet if request.POST.get(f"v-{row['code']}", "").strip() or row["value"])
    progress = f"已保存 {filled} 项评分（共 {len(sheet)} 项，本次修改 {saved} 项）"
    messages.success(request, f"{progress}，材料已上传。" if saved and request.FILES else
                     f"{progress}。" if saved else f"没有需要保存的修改（已评 {filled} / {len(sheet)} 项）。")
    return {}


@login_required
@document_errors
def project_report(request, pk: int, fmt: str = "html"):
    """督导报告: the ranking, levels and indicator averages (page with charts; Word with a chart image; PDF)."""
    inspection = get_visible_or_404(Inspection.objects.select_related("county", "framework"), request.user, pk=pk)
    if not selectors.sees_all_targets(request.user, inspection) or inspection.stage not in selectors.RESULT_STAGES:
        raise Http404
    if request.method == "POST":
        if not selectors.is_office(request.user, inspection):
            raise Http404
        attempt(request, lambda: reports.report_publish(actor=request.user, inspection=inspection),
                "督导结果已在结果公开页面发布。")
        return redirect(request.path)
    report = selectors.project_report(inspection)
    if fmt == "html":
        return render(request, "inspections/report.html", {
            "inspection": inspection, "report": report, "office": selectors.is_office(request.user, inspection),
            "chart": reports.chart_data(report)})
    context = reports.report_context(inspection, report)
    name = quote(f"{context['title']}.{fmt}")
    if fmt == "docx":
        response = HttpResponse(reports.report_docx(inspection, context, report), content_type=DOCX)
    else:
        response = HttpResponse(reports.report_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@document_errors
def notice_download(request, pk: int):
    inspection = get_visible_or_404(Inspection.objects.select_related("county", "framework"), request.user, pk=pk)
    if not inspection.notice_number:
        raise Http404
    response = HttpResponse(reports.notice_docx(inspection), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(inspection.notice_number + '_督导通知.docx')}"
    return response
