"""Views of 迎检 (issue 21 item 1): the review list (filters, search, Excel export), the create and edit form, the
review page (header, progress, indicator tree with assignees, status moves, assignment and self-score forms),
the indicator import (preview with warnings → confirm), one assignment with its evidence versions (hand in,
accept, return), "我的迎检任务" and the boards. Thin: parse, call a service or a read, render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.tabular import read_import_file
from dudao.core.web import attempt, require_role
from dudao.reviews.models import AssignmentStatus, ReviewKind, ReviewLevel, ReviewStatus
from dudao.reviews.models.upward import REVIEW_FLOW
from dudao.reviews.selectors import upward as selectors
from dudao.reviews.services import upward as services

IMPORT_SESSION = "reviews-indicator-import"

REVIEW_EXPORT = [
    ("编号", lambda r: r.pk), ("名称", lambda r: r.title), ("年度", lambda r: r.year),
    ("检查层级", lambda r: r.get_level_display()), ("类型", lambda r: r.get_kind_display()),
    ("检查机关", lambda r: r.body), ("受检区县", lambda r: r.region.name), ("状态", lambda r: r.get_status_display()),
    ("材料报送截止", lambda r: r.materials_due), ("实地督查开始", lambda r: r.visit_starts),
    ("指标数", lambda r: r.indicator_count), ("分工数", lambda r: r.assignment_count),
    ("已采纳", lambda r: r.accepted_count),
]
TASK_EXPORT = [
    ("迎检", lambda a: a.indicator.review.title), ("指标编号", lambda a: a.indicator.code),
    ("指标内容", lambda a: a.indicator.text), ("责任单位/人", lambda a: a.assignee_name),
    ("提交期限", lambda a: a.due_on), ("状态", lambda a: a.get_status_display()),
]
BOARD_EXPORT = [
    ("名称", lambda r: r.name), ("分配", lambda r: r.assigned), ("已提交", lambda r: r.handed),
    ("已采纳", lambda r: r.accepted), ("已退回", lambda r: r.returned), ("逾期", lambda r: r.overdue),
    ("完成率%", lambda r: r.done),
]

BOARD_COLUMNS = [("name", "名称"), ("assigned", "分配"), ("handed", "已提交"), ("accepted", "已采纳"),
                 ("returned", "已退回"), ("overdue", "逾期"), ("done", "完成率")]


class ReviewForm(forms.Form):
    region = forms.ChoiceField(label="受检区县")
    title = forms.CharField(label="名称", max_length=services.TITLE_MAX)
    level = forms.ChoiceField(label="检查层级", choices=ReviewLevel.choices)
    kind = forms.ChoiceField(label="类型", choices=ReviewKind.choices)
    body = forms.CharField(label="检查机关", max_length=services.BODY_MAX)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    materials_due = forms.DateField(label="材料报送截止日期", required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    visit_starts = forms.DateField(label="实地督查开始日期", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    visit_ends = forms.DateField(label="实地督查结束日期", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    word_limit = forms.IntegerField(label="自评报告字数上限", required=False, min_value=100, max_value=100_000)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [(r.code, r.name) for r in selectors.office_counties(user)]
        style_form(self)


class ImportForm(forms.Form):
    file = forms.FileField(label="指标表（.xlsx、.xls、.ods 或 .csv）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class AssignForm(forms.Form):
    request = forms.CharField(label="材料要求", required=False, max_length=services.REQUEST_MAX)
    due_on = forms.DateField(label="提交期限")


class EvidenceForm(forms.Form):
    statement = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 5}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=services.REASON_MAX)


def _form_message(form) -> str:
    return "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                                  for k, v in form.errors.items())


def _review_args(data: dict) -> dict:
    return {k: data[k] for k in ("title", "level", "kind", "body", "year", "materials_due", "visit_starts",
                                 "visit_ends", "word_limit")}


@login_required
def review_list(request):
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("year", "level", "kind", "status", "q")}
    reviews = selectors.review_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("迎检", "迎检", REVIEW_EXPORT, reviews.iterator(chunk_size=2000))
    page, size = paginate(request, reviews)
    return render(request, "reviews/upward_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "levels": ReviewLevel.choices, "kinds": ReviewKind.choices, "statuses": ReviewStatus.choices,
        "years": selectors.review_years(request.user), "can_create": selectors.office_counties(request.user).exists(),
        "has_tasks": selectors.has_tasks(request.user),
        "many_counties": selectors.holds_many_counties(request.user)})


@login_required
@require_role(Role.OFFICE)
def review_create(request):
    form = ReviewForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    message = ""
    if request.method == "POST":
        if form.is_valid():
            region = selectors.office_counties(request.user).filter(code=form.cleaned_data["region"]).first()
            try:
                review = services.review_create(actor=request.user, region=region, **_review_args(form.cleaned_data))
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, f"已登记迎检“{review.title}”。下一步：导入检查指标。")
                return redirect("reviews:review_detail", pk=review.pk)
        else:
            message = _form_message(form)
    return render(request, "reviews/upward_form.html", {"form": form, "message": message},
                  status=400 if message else 200)


@login_required
@require_role(Role.OFFICE)
def review_edit(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    if not selectors.is_office(request.user, review):
        raise Http404
    initial = {k: getattr(review, k) for k in ("title", "level", "kind", "body", "year", "materials_due",
                                               "visit_starts", "visit_ends", "word_limit")}
    form = ReviewForm(request.POST or None, user=request.user, editing=True, initial=initial)
    message = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_update(actor=request.user, review=review, **_review_args(form.cleaned_data))
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, "迎检信息已保存。")
                return redirect("reviews:review_detail", pk=review.pk)
        else:
            message = _form_message(form)
    return render(request, "reviews/upward_form.html", {"form": form, "review": review, "message": message},
                  status=400 if message else 200)


@login_required
def review_detail(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    office = selectors.is_office(request.user, review)
    view = selectors.review_view(request.user, review)
    context = {"review": review, "office": office, "view": view, "full": selectors.reads_all(request.user, review),
               "moves": [(to, REVIEW_FLOW.label(to)) for to in REVIEW_FLOW.allowed_from(review.status)],
               "history": selectors.transitions(review), "editable": review.status in services.OPEN_STATUSES}
    if office:
        context |= {"units": selectors.assignable_units(review), "staff": selectors.assignable_staff(review),
                    "today": timezone.localdate()}
    return render(request, "reviews/upward_detail.html", context)


@login_required
@require_POST
@require_role(Role.OFFICE)
def review_move(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    to = request.POST.get("to", "")
    attempt(request, lambda: services.review_move(actor=request.user, review=review, to=to,
                                                  note=request.POST.get("note", "")),
            f"迎检状态已变为“{REVIEW_FLOW.label(to)}”。")
    return redirect("reviews:review_detail", pk=pk)


@login_required
@require_role(Role.OFFICE)
def indicators_import(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    if not selectors.is_office(request.user, review):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"review": review, "form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = read_import_file(upload)
                result = services.indicators_import(actor=request.user, review=review, data=data,
                                                    filename=upload.name or "指标.xlsx")
            except ApplicationError as exc:
                context |= {"message": exc.message, "errors": exc.errors[:500], "error_total": len(exc.errors)}
                status = 400
            else:
                if result.imported:
                    messages.success(request, f"已导入 {result.imported} 项指标。")
                    return redirect("reviews:review_detail", pk=pk)
                request.session[IMPORT_SESSION] = {"review": review.pk, "rows": result.rows,
                                                   "digest": result.digest, "filename": (upload.name or "")[-200:]}
                context |= {"preview": result}
        else:
            context["message"] = _form_message(form)
            status = 400
    return render(request, "reviews/upward_import.html", context, status=status)


@login_required
@require_POST
@require_role(Role.OFFICE)
def indicators_confirm(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    pending = request.session.get(IMPORT_SESSION) or {}
    if pending.get("review") != review.pk or pending.get("digest") != request.POST.get("digest"):
        messages.error(request, "待确认的指标表已失效，请重新上传。")
        return redirect("reviews:indicators_import", pk=pk)

    def write():
        result = services.indicators_confirm(actor=request.user, review=review, rows=pending["rows"],
                                             filename=pending.get("filename", ""), digest=pending["digest"])
        request.session.pop(IMPORT_SESSION, None)
        return f"已确认并导入 {result.imported} 项指标。"

    if attempt(request, write):
        return redirect("reviews:review_detail", pk=pk)
    return redirect("reviews:indicators_import", pk=pk)


@login_required
@require_role(Role.OFFICE)
def indicators_template(request):
    response = HttpResponse(services.indicator_template(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E8%BF%8E%E6%A3%80%E6%8C%87%E6%A0%87%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@login_required
@require_POST
@require_role(Role.OFFICE)
def assignments_create(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    form = AssignForm(request.POST)

    def write():
        new = services.assignments_create(
            actor=request.user, review=review, indicators=request.POST.getlist("indicators"),
            units=request.POST.getlist("units"), users=request.POST.getlist("users"),
            request=form.cleaned_data["request"], due_on=form.cleaned_data["due_on"])
        return f"已新增 {len(new)} 项分工，并通知了责任单位和人员。"

    attempt(request, write, form=form, invalid="请填写有效的提交期限。")
    return redirect(reverse("reviews:review_detail", args=[pk]) + "#indicators")


@login_required
def assignment_detail(request, pk: int):
    assignment = selectors.get_assignment_for(request.user, pk)
    review = assignment.indicator.review
    versions = selectors.evidence_versions(assignment)
    office = selectors.is_office(request.user, review)
    may_hand_in = (services.may_hand_in(request.user, assignment) and review.status in services.OPEN_STATUSES
                   and assignment.status in (AssignmentStatus.PENDING, AssignmentStatus.RETURNED))
    own = services.may_hand_in(request.user, assignment)
    return render(request, "reviews/upward_assignment.html", {
        "assignment": assignment, "review": review, "versions": versions, "latest": versions[0] if versions else None,
        "office": office, "may_decide": office and not own and review.status in services.OPEN_STATUSES,
        "may_hand_in": may_hand_in, "may_change": office and not versions and review.status in services.OPEN_STATUSES,
        "max_files": policy_value("reviews.evidence_max_files", review.region_id),
        "max_mb": policy_value("reviews.evidence_file_mb", review.region_id),
        "max_chars": policy_value("reviews.statement_max_chars", review.region_id),
        "today": timezone.localdate()})


@login_required
@require_POST
@require_role(Role.OFFICE)
def assignment_edit(request, pk: int):
    assignment = selectors.get_assignment_for(request.user, pk)
    form = AssignForm(request.POST)
    attempt(request, lambda: services.assignment_update(
        actor=request.user, assignment=assignment, request=form.cleaned_data["request"],
        due_on=form.cleaned_data["due_on"]), "分工已修改。", form=form, invalid="请填写有效的提交期限。")
    return redirect("reviews:assignment_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def assignment_delete(request, pk: int):
    assignment = selectors.get_assignment_for(request.user, pk)
    review_id = assignment.indicator.review_id
    if attempt(request, lambda: services.assignment_delete(actor=request.user, assignment=assignment), "分工已删除。"):
        return redirect(reverse("reviews:review_detail", args=[review_id]) + "#indicators")
    return redirect("reviews:assignment_detail", pk=pk)


@login_required
@require_POST
def evidence_submit(request, pk: int):
    assignment = selectors.get_assignment_for(request.user, pk)
    form = EvidenceForm(request.POST)
    attempt(request, lambda: services.evidence_submit(
        actor=request.user, assignment=assignment, statement=form.cleaned_data["statement"],
        uploads=request.FILES.getlist("files")) and "材料已提交，等待督导室审核。", form=form, invalid="请填写情况说明。")
    return redirect("reviews:assignment_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def evidence_accept(request, pk: int):
    evidence = selectors.get_evidence_for(request.user, pk)
    attempt(request, lambda: services.evidence_decide(actor=request.user, evidence=evidence, accept=True),
            f"已采纳第 {evidence.version} 版材料。")
    return redirect("reviews:assignment_detail", pk=evidence.assignment_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def evidence_return(request, pk: int):
    evidence = selectors.get_evidence_for(request.user, pk)
    form = ReturnForm(request.POST)
    attempt(request, lambda: services.evidence_decide(actor=request.user, evidence=evidence, accept=False,
                                                      reason=form.cleaned_data["reason"]),
            f"已退回第 {evidence.version} 版材料。", form=form, invalid="退回时请填写理由。")
    return redirect("reviews:assignment_detail", pk=evidence.assignment_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def self_scores(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    scores = {}
    for key, value in request.POST.items():
        if key.startswith("score_"):
            value = value.strip()
            scores[key[6:]] = value if value else None
    notes = {key[5:]: value for key, value in request.POST.items() if key.startswith("note_")}
    attempt(request, lambda: f"已保存 {services.self_scores_set(actor=request.user, review=review, scores=scores, notes=notes)} 项自评得分。")
    return redirect(reverse("reviews:review_detail", args=[pk]) + "#indicators")


@login_required
def my_tasks(request):
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("status", "q")}
    tasks = selectors.my_assignments(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("我的迎检任务", "迎检任务", TASK_EXPORT, tasks.iterator(chunk_size=2000))
    page, size = paginate(request, tasks)
    return render(request, "reviews/upward_tasks.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": AssignmentStatus.choices, "today": timezone.localdate()})


@login_required
def review_board(request, pk: int):
    review = selectors.get_review_for(request.user, pk)
    if not selectors.reads_all(request.user, review):
        raise Http404
    sort = request.GET.get("sort", "done")[:20]
    rows = selectors.sort_rows(selectors.board_by_assignee(review), sort)
    tops = selectors.board_by_indicator(review)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("迎检进度", "按责任单位", BOARD_EXPORT, rows)
    return render(request, "reviews/upward_board.html", {"review": review, "rows": rows, "tops": tops, "sort": sort,
                                                         "board_columns": BOARD_COLUMNS,
                                                         "query": query_without_page(request)})


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def province_board(request):
    year = selectors.parse_year(request.GET.get("year")) or timezone.localdate().year
    sort = request.GET.get("sort", "done")[:20]
    counties, departments = selectors.province_board(request.user, year)
    counties, departments = selectors.sort_rows(counties, sort), selectors.sort_rows(departments, sort)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("迎检进度（各区县）", "按区县", BOARD_EXPORT, counties)
    return render(request, "reviews/upward_province.html", {
        "year": year, "counties": counties, "departments": departments, "sort": sort,
        "years": selectors.review_years(request.user), "query": query_without_page(request),
        "board_columns": BOARD_COLUMNS, "year_query": f"year={year}&"})
