"""Views of reviews: the outputs of a review (issue 21) — 自评报告, 印证材料, 实地督查日程, 问题清单, 复查. Thin: parse,
call one service or read, render. The office and leaders of the review's region read; the office writes and
downloads the package; a unit that sees the review through its assignment gets the same 404 as a stranger."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dudao.core.dates import cn_date, cn_month_day
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.tabular import read_import_file
from dudao.core.web import attempt, require_role
from dudao.documents import files
from dudao.documents.selectors import render_docx
from dudao.rectification.models import FindingStatus
from dudao.reviews.selectors import outputs as selectors
from dudao.reviews.services import outputs as services
from dudao.reviews.services import package as package_services
from dudao.reviews.services import problems as problem_services
from dudao.reviews.zipnames import component
from dudao.worker.recovery import workers_alive

READERS = (Role.OFFICE, Role.LEADER)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(response, name: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# ---- the hub (the panel on its own page) -----------------------------------------------------------------------

@login_required
@require_role(*READERS)
def outputs(request, pk: int):
    review = selectors.get_review_for_reader(request.user, pk)
    context = selectors.panel(request.user, review)
    if review.previous_id:
        context |= {"previous_problems": selectors.problem_summary(review.previous),
                    "previous_rows": selectors.problem_list(review.previous)[:200]}
    return render(request, "reviews/outputs_page.html", context)


# ---- 自评报告 --------------------------------------------------------------------------------------------------

class ReportForm(forms.Form):
    text = forms.CharField(label="自评报告正文", required=False, widget=forms.Textarea(attrs={"rows": 24}))
    base = forms.CharField(required=False, widget=forms.HiddenInput)


class DraftForm(forms.Form):
    overwrite = forms.BooleanField(label="覆盖现有正文", required=False)


@login_required
@require_role(*READERS)
def report(request, pk: int):
    review = selectors.get_review_for_reader(request.user, pk)
    return render(request, "reviews/outputs_report.html", {
        "review": review, "office": selectors.is_office(request.user, review),
        "check": selectors.report_check(review), "version": selectors.text_version(review.report_text)})


@login_required
@require_POST
@require_role(Role.OFFICE)
def report_save(request, pk: int):
    review = selectors.get_review_for_office(request.user, pk)
    form = ReportForm(request.POST)
    attempt(request, lambda: services.report_save(actor=request.user, review=review, text=form.cleaned_data["text"],
                                                  base=form.cleaned_data["base"]), "自评报告已保存。", form=form)
    return redirect("reviews:report", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def report_draft(request, pk: int):
    review = selectors.get_review_for_office(request.user, pk)
    form = DraftForm(request.POST)
    attempt(request, lambda: services.report_draft(actor=request.user, review=review,
                                                   overwrite=form.cleaned_data["overwrite"]),
            "已按各指标采纳的情况说明生成初稿，请在此基础上修改。", form=form)
    return redirect("reviews:report", pk=pk)


def report_context(review, check) -> dict:
    """The document's plain data. Over the limit the download is allowed and marked: the file name says
    “超出字数”, and the document opens with the warning (the office may be sending it for internal review)."""
    warning = f"本稿 {check.words:,} 字，超出字数上限 {check.limit:,} 字 {check.over:,} 字，报送前请压缩。" if check.is_over else ""
    return {
        "title": f"{review.region.name}{review.title}自评报告", "review": review.title, "region": review.region.name,
        "body": review.body, "office": f"{review.region.name}人民政府教育督导室",
        "generated_on": cn_date(timezone.localdate()), "words": check.words, "limit": check.limit or "",
        "warning": warning, "paragraphs": [line for line in review.report_text.splitlines() if line.strip()],
    }


@login_required
@require_safe
@require_role(*READERS)
def report_docx(request, pk: int):
    review = selectors.get_review_for_reader(request.user, pk)
    check = selectors.report_check(review)
    try:
        data = render_docx("review_report", review.region_id, report_context(review, check))
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    suffix = f"（超出字数{check.over}字）" if check.is_over else ""
    name = f"{component(review.title, fallback='迎检')}_自评报告{suffix}.docx"
    return _attachment(HttpResponse(data, content_type=DOCX), name)


# ---- 印证材料 ---------------------------------------------------------------------------------------------------

@login_required
@require_role(*READERS)
def package(request, pk: int):
    review = selectors.get_review_for_reader(request.user, pk)
    packages = selectors.package_list(review)
    running = any(p.status in package_services.UNFINISHED for p in packages)
    return render(request, "reviews/outputs_package.html", {
        "review": review, "office": selectors.is_office(request.user, review), "packages": packages,
        "counts": selectors.package_counts(review), "running": running,
        "workers": workers_alive() if running else 0})


@login_required
@require_POST
@require_role(Role.OFFICE)
def package_start(request, pk: int):
    review = selectors.get_review_for_office(request.user, pk)
    attempt(request, lambda: package_services.package_start(actor=request.user, review=review),
            "已开始生成印证材料包，完成后可在本页下载。")
    return redirect("reviews:package", pk=pk)


@login_required
@require_safe
@require_role(*READERS)
def package_progress(request, pk: int, package_pk: int):
    review = selectors.get_review_for_reader(request.user, pk)
    item = review.packages.select_related("file", "requested_by").filter(pk=package_pk).first()
    if item is None:
        raise Http404
    return render(request, "reviews/_outputs_package_row.html", {
        "review": review, "p": item, "office": selectors.is_office(request.user, review),
        "workers": workers_alive() if item.status in package_services.UNFINISHED else 0})


@login_required
@require_safe
@require_role(Role.OFFICE)
def package_download(request, pk: int, package_pk: int):
    """The zip, streamed from storage: the review's office only (a leader or another county gets a 404)."""
    item = selectors.get_package_for_office(request.user, pk, package_pk)
    try:
        handle = files.open_blob(item.file.path)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return _attachment(FileResponse(handle, content_type="application/zip"), package_services.download_name(item))


# ---- 实地督查日程 ------------------------------------------------------------------------------------------------

class VisitForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label="开始时间", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label="结束时间", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    activity = forms.CharField(label="内容", max_length=services.ACTIVITY_MAX)
    place = forms.CharField(label="地点", max_length=services.PLACE_MAX, required=False)
    school = forms.IntegerField(label="查看学校", required=False, min_value=1, max_value=2**31 - 1)
    people = forms.CharField(label="陪同/参加人员", max_length=services.PEOPLE_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


VISIT_EXPORT = [
    ("日期", lambda v: v.day), ("开始时间", lambda v: v.starts.strftime("%H:%M") if v.starts else ""),
    ("结束时间", lambda v: v.ends.strftime("%H:%M") if v.ends else ""), ("内容", lambda v: v.activity),
    ("地点", lambda v: v.place), ("查看学校", lambda v: v.school.name if v.school_id else ""),
    ("陪同/参加人员", lambda v: v.people),
]


def _time(visit) -> str:
    if visit.starts and visit.ends:
        return f"{visit.starts:%H:%M}—{visit.ends:%H:%M}"
    return f"{visit.starts:%H:%M}" if visit.starts else ""


def schedule_context(review, visits) -> dict:
    days = sorted({v.day for v in visits})
    period = (cn_date(days[0]) if len(days) == 1 else f"{cn_date(days[0])}至{cn_date(days[-1])}") if days else ""
    return {
        "title": f"{review.title} 实地督查日程", "office": f"{review.region.name}人民政府教育督导室",
        "body": review.body, "period": period, "generated_on": cn_date(timezone.localdate()), "count": len(visits),
        "rows": [{"day": cn_month_day(v.day), "time": _time(v), "activity": v.activity, "place": v.place,
                  "school": v.school.name if v.school_id else "", "people": v.people} for v in visits],
    }


@login_required
@require_role(*READERS)
def visits(request, pk: int):
    review = selectors.get_review_for_reader(request.user, pk)
    rows = selectors.visit_list(review)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        rows = rows.filter(activity__contains=q) | rows.filter(place__contains=q) | rows.filter(school__name__contains=q)
    export = request.GET.get("export")
    if export == "xlsx":
        return xlsx_response(f"{review.title}实地督查日程", "实地督查日程", VISIT_EXPORT, rows.iterator())
    if export == "docx":
        data = render_docx("review_visit_schedule", review.region_id, schedule_context(review, list(rows)))
        return _attachment(HttpResponse(data, content_type=DOCX), f"{component(review.title, fallback='迎检')}_实地督查日程.docx")
    if request.GET.get("print"):
        return render(request, "reviews/outputs_visits_print.html", {"review": review, **schedule_context(review, list(rows))})
    page, size = paginate(request, rows, default_size=100)
    office = selectors.is_office(request.user, review)
    return render(request, "reviews/outputs_visits.html", {
        "review": review, "office": office, "page": page, "size": size, "query": query_without_page(request),
        "q": q, "form": VisitForm() if office else None,
        "schools": selectors.county_schools(review) if office else []})


def _visit_write(request, write, success: str, pk: int):
    form = VisitForm(request.POST)
    attempt(request, lambda: write(form.cleaned_data), success, form=form)
    return redirect(reverse("reviews:visits", args=[pk]) + "#schedule")


@login_required
@require_POST
@require_role(Role.OFFICE)
def visit_add(request, pk: int):
    review = selectors.get_review_for_office(request.user, pk)
    return _visit_write(request, lambda d: services.visit_add(actor=request.user, review=review, **d), "已添加日程。", pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def visit_edit(request, pk: int, visit_pk: int):
    _review, visit = selectors.get_visit_for_office(request.user, pk, visit_pk)
    return _visit_write(request, lambda d: services.visit_update(actor=request.user, visit=visit, **d), "日程已保存。", pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def visit_delete(request, pk: int, visit_pk: int):
    _review, visit = selectors.get_visit_for_office(request.user, pk, visit_pk)
    attempt(request, lambda: services.visit_delete(actor=request.user, visit=visit), "已删除日程。")
    return redirect(reverse("reviews:visits", args=[pk]) + "#schedule")


# ---- 问题清单 ---------------------------------------------------------------------------------------------------

PROBLEM_EXPORT = [
    ("行号", lambda p: p.row), ("指标编号", lambda p: p.indicator_code), ("问题", lambda p: p.text),
    ("整改要求", lambda p: p.requirement), ("责任对象", lambda p: str(p.finding.target)),
    ("整改期限", lambda p: p.finding.due_date or ""), ("整改状态", lambda p: p.finding.get_status_display()),
    ("整改通知书", lambda p: p.finding.notice.number if p.finding.notice_id else ""),
]


@login_required
@require_role(*READERS)
def problems(request, pk: int):
    review = selectors.get_review_for_reader(request.user, pk)
    filters = {"status": request.GET.get("status", "").strip(), "q": request.GET.get("q", "").strip()[:100]}
    if filters["status"] not in FindingStatus.values:
        filters["status"] = ""
    rows = selectors.problem_list(review, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{review.title}问题清单", "问题清单", PROBLEM_EXPORT, rows.iterator(chunk_size=500))
    page, size = paginate(request, rows)
    return render(request, "reviews/outputs_problems.html", {
        "review": review, "office": selectors.is_office(request.user, review), "page": page, "size": size,
        "query": query_without_page(request), "filters": filters, "statuses": FindingStatus.choices,
        "summary": selectors.problem_summary(review), "today": timezone.localdate()})


@login_required
@require_POST
@require_role(Role.OFFICE)
def problem_import(request, pk: int):
    review = selectors.get_review_for_office(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _problems_page_error(request, review, "请选择要导入的问题清单文件（.xlsx）。")
    try:
        created = problem_services.problem_import(actor=request.user, review=review, data=read_import_file(upload),
                                                  filename=upload.name or "问题清单.xlsx")
    except ApplicationError as exc:
        return _problems_page_error(request, review, exc.message, exc.errors)
    messages.success(request, f"已导入 {len(created)} 个问题，已列入问题台账（来源：上级督导），可下发整改通知书。")
    return redirect("reviews:problems", pk=pk)


def _problems_page_error(request, review, message: str, errors=()):
    return render(request, "reviews/outputs_problems_import.html", {
        "review": review, "message": message, "errors": list(errors)}, status=400)


@login_required
@require_safe
@require_role(Role.OFFICE)
def problem_template(request, pk: int):
    selectors.get_review_for_office(request.user, pk)
    return _attachment(HttpResponse(problem_services.template_bytes(),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                       "问题清单导入模板.xlsx")


# ---- 复查 -------------------------------------------------------------------------------------------------------

class RecheckForm(forms.Form):
    copy_indicators = forms.BooleanField(label="复制问题清单涉及的指标", required=False)
    title = forms.CharField(label="复查名称", max_length=200, required=False)


@login_required
@require_POST
@require_role(Role.OFFICE)
def recheck_create(request, pk: int):
    review = selectors.get_review_for_office(request.user, pk)
    form = RecheckForm(request.POST)
    created = {}

    def write():
        created["review"] = services.recheck_create(actor=request.user, review=review, title=form.cleaned_data["title"],
                                                    copy_indicators=form.cleaned_data["copy_indicators"])
        return f"已发起复查“{created['review'].title}”。"

    if attempt(request, write, form=form):
        return redirect("reviews:outputs", pk=created["review"].pk)
    return redirect("reviews:outputs", pk=pk)

