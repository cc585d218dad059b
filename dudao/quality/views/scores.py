"""学生成绩 pages (office of the round's county only): the upload with its errors and warnings, the confirmation
of a file held back by warnings (kept in storage under its SHA-256 and named in the session, never re-sent by the
browser), the import history with its prior-attainment links, the template, and the pupil-level rows."""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role
from dudao.core.tabular import read_import_file
from dudao.core.web import require_role
from dudao.quality.models import Round, RoundSchool, RoundSubject, ScoreImport, StudentScore
from dudao.quality.scoresheet import SHEET, template_bytes
from dudao.quality.selectors import office_round_or_404
from dudao.quality.services.scores import pending_drop, pending_keep, pending_name, scores_import
from dudao.quality.views import XLSX, attachment

PENDING_KEY = "quality_scores_pending"
EXPORT_LIMIT = 1_000_000


class ScoreUploadForm(forms.Form):
    file = forms.FileField(label="学生成绩文件（.xlsx / .xls / .ods / .csv）")


def _pending_path(request, round: Round, sha256: str) -> str:
    return pending_name(request.user.pk, round.pk, sha256)


def _history(round: Round):
    return ScoreImport.objects.filter(round=round).select_related("created_by", "linked_round")[:50]


def _render(request, round: Round, *, form=None, result=None, message="", errors=(), error_total=0,
            status: int = 200) -> HttpResponse:
    return render(request, "quality/scores_import.html", {
        "round": round, "form": form or ScoreUploadForm(), "result": result, "message": message,
        "errors": list(errors)[:500], "error_total": error_total, "imports": _history(round),
        "subjects": RoundSubject.objects.filter(round=round),
        "row_count": StudentScore.objects.filter(round=round).count(),
    }, status=status)


@login_required
@require_role(Role.OFFICE)
def scores_import_view(request, pk: int):
    round = office_round_or_404(request.user, pk)
    if request.method != "POST":
        return _render(request, round)
    form = ScoreUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, round, form=form, status=400)
    upload = form.cleaned_data["file"]
    pending_drop(user_id=request.user.pk, round_id=round.pk)  # a new upload replaces the one waiting, if any
    try:
        data = read_import_file(upload)
        result = scores_import(actor=request.user, round=round, data=data, filename=upload.name or "")
    except ApplicationError as exc:
        return _render(request, round, form=form, message=exc.message, errors=exc.errors,
                       error_total=len(exc.errors), status=400)
    if result.needs_confirmation:
        pending_keep(user_id=request.user.pk, round_id=round.pk, sha256=result.sha256, data=data)
        pending = request.session.get(PENDING_KEY, {})
        pending[str(round.pk)] = {"sha256": result.sha256, "filename": (upload.name or "")[:255]}
        request.session[PENDING_KEY] = pending
        return _render(request, round, result=result)
    messages.success(request, _done_text(result))
    return redirect("quality:scores_import", pk=round.pk)


def _done_text(result) -> str:
    linked = f"（关联 {result.linked_round.title}）" if result.linked_round else ""
    return (f"导入成功：{result.rows} 行，替换已有成绩 {result.replaced} 行；前测成绩来自文件 {result.prior_from_file} 行，"
            f"按学生编号关联往期 {result.prior_linked} 行{linked}，无前测成绩 {result.prior_missing} 行。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def scores_confirm(request, pk: int):
    """Import the file held back by warnings: the one this user uploaded for this round, named by its SHA-256."""
    round = office_round_or_404(request.user, pk)
    sha256 = request.POST.get("sha256", "")
    pending = request.session.get(PENDING_KEY, {})
    entry = pending.get(str(round.pk))
    if not entry or entry.get("sha256") != sha256:
        messages.error(request, "待确认的文件已失效，请重新上传。")
        return redirect("quality:scores_import", pk=round.pk)
    path = _pending_path(request, round, sha256)
    if not default_storage.exists(path):
        messages.error(request, "待确认的文件已失效，请重新上传。")
        return redirect("quality:scores_import", pk=round.pk)
    with default_storage.open(path, "rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        messages.error(request, "待确认的文件校验失败，请重新上传。")
        return redirect("quality:scores_import", pk=round.pk)
    try:
        result = scores_import(actor=request.user, round=round, data=data, filename=entry.get("filename", ""),
                               confirm=True)
    except ApplicationError as exc:
        return _render(request, round, message=exc.message, errors=exc.errors, error_total=len(exc.errors),
                       status=400)
    pending.pop(str(round.pk), None)
    request.session[PENDING_KEY] = pending
    default_storage.delete(path)
    messages.success(request, _done_text(result))
    return redirect("quality:scores_import", pk=round.pk)


@login_required
@require_role(Role.OFFICE)
def scores_template(request, pk: int):
    """The 学生成绩 template with one example row of this round (its first school and subject)."""
    round = office_round_or_404(request.user, pk)
    school = RoundSchool.objects.filter(round=round).select_related("school").first()
    subject = RoundSubject.objects.filter(round=round).first()
    example = ["S0001", school.school.code if school else "", round.grade, subject.name if subject else "语文",
               int(0.8 * subject.full_marks) if subject else 80, "", "男", "1班"]
    return attachment(template_bytes(example), XLSX, "学生成绩导入模板.xlsx")


@login_required
@require_role(Role.OFFICE)
def scores_rows(request, pk: int):
    """The round's pupil-level rows (office only): filter by school, subject and class; export to Excel."""
    round = office_round_or_404(request.user, pk)
    rows = StudentScore.objects.visible_to(request.user).filter(round=round).select_related("school", "subject")
    school = request.GET.get("school", "").strip()
    subject = request.GET.get("subject", "").strip()
    class_name = request.GET.get("class", "").strip()[:32]
    if school.isdigit():
        rows = rows.filter(school_id=int(school))
    if subject.isdigit():
        rows = rows.filter(subject_id=int(subject))
    if class_name:
        rows = rows.filter(class_name=class_name)
    rows = rows.order_by("school__code", "subject__order", "subject_id", "class_name", "student")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{round.title}学生成绩.xlsx", SHEET, [
            ("学生编号", lambda s: s.student), ("学校标识码", lambda s: s.school.code),
            ("学校名称", lambda s: s.school.name), ("学科", lambda s: s.subject.name), ("成绩", lambda s: s.score),
            ("前测成绩", lambda s: s.prior), ("前测来源", lambda s: s.get_prior_source_display()),
            ("性别", lambda s: s.gender), ("班级", lambda s: s.class_name)], rows[:EXPORT_LIMIT].iterator(2000))
    page, size = paginate(request, rows)
    return render(request, "quality/scores_rows.html", {
        "round": round, "page": page, "size": size, "query": query_without_page(request),
        "schools": RoundSchool.objects.filter(round=round).select_related("school"),
        "subjects": RoundSubject.objects.filter(round=round), "school": school, "subject": subject,
        "class_name": class_name, "import_url": reverse("quality:scores_import", args=[round.pk])})
