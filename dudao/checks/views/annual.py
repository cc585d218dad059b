"""年检 pages (issue 23): the list of rounds (or, for an institution or a reviewer, their reports), a round's page
with its checklist and reports, and a report's page where the institution submits and the reviewer decides.
Thin views, one write per URL; a refused write re-renders what was typed with status 400."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.checks.models import (
    AnnualReportStatus,
    AnnualRequirement,
    AnnualResult,
    AnnualRoundStatus,
    InstitutionKind,
)
from dudao.checks.selectors import annual as selectors
from dudao.checks.services import annual as services
from dudao.core.dates import local_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, owns
from dudao.core.web import has_role, require_role
from dudao.frameworks.scoring import build_tree
from dudao.regions.models import Region


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


# ---- list and new round ------------------------------------------------------------------------------------

@login_required
def annual_list(request):
    """Office and leaders: the rounds of their regions. Institutions and reviewers: their own reports."""
    user = request.user
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "status", "q")}
    if has_role(user, Role.OFFICE, Role.LEADER):
        rows = selectors.rounds_visible(user)
        if filters["year"].isdigit():
            rows = rows.filter(year=int(filters["year"]))
        if filters["status"] in AnnualRoundStatus.values:
            rows = rows.filter(status=filters["status"])
        if filters["q"]:
            rows = rows.filter(title__icontains=filters["q"])
        if request.GET.get("export") == "xlsx":
            return xlsx_response("年检.xlsx", "年检", [
                ("年度", lambda r: r.year), ("名称", lambda r: r.title), ("区划", lambda r: r.region.name),
                ("提交截止", lambda r: r.submit_by), ("状态", lambda r: r.get_status_display()),
                ("结果公布", lambda r: local_date(r.published_at) if r.published_at else "")], rows.iterator())
        page, size = paginate(request, rows)
        return render(request, "checks/annual_list.html", {
            "page": page, "size": size, "filters": filters, "query": query_without_page(request), "mode": "rounds",
            "statuses": AnnualRoundStatus.choices, "can_create": has_role(user, Role.OFFICE)})
    rows = selectors.reports_visible(user).order_by("-round__year", "school__name", "id")
    if filters["year"].isdigit():
        rows = rows.filter(round__year=int(filters["year"]))
    if filters["status"] in AnnualReportStatus.values:
        rows = rows.filter(status=filters["status"])
    if filters["q"]:
        rows = rows.filter(school__name__icontains=filters["q"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response("年检报告.xlsx", "年检报告", _report_columns(), rows.iterator())
    page, size = paginate(request, rows)
    return render(request, "checks/annual_list.html", {
        "page": page, "size": size, "filters": filters, "query": query_without_page(request), "mode": "reports",
        "statuses": AnnualReportStatus.choices})


def _report_columns():
    return [("年度", lambda r: r.round.year), ("机构", lambda r: r.school.name), ("类别", lambda r: r.get_kind_display()),
            ("状态", lambda r: r.get_status_display()),
            ("提交时间", lambda r: local_date(r.submitted_at) if r.submitted_at else ""),
            ("逾期提交", lambda r: "是" if selectors.is_late(r) else ""),
            ("评审人", lambda r: (r.reviewer.get_full_name() or r.reviewer.username) if r.reviewer else ""),
            ("得分", lambda r: r.score if r.score is not None else ""), ("年检结论", lambda r: r.get_result_display())]


def _counties(user):
    return [r for r in Region.objects.visible_to(user).filter(level="county").order_by("code")
            if holds_role_in(user, r.code, Role.OFFICE)]


@login_required
@require_role(Role.OFFICE)
def annual_create(request):
    user = request.user
    counties = _counties(user)
    frameworks = list(services.frameworks_for(user))
    today = timezone.localdate()
    posted = request.POST if request.method == "POST" else {
        "year": str(today.year), "title": f"{today.year}年度民办学校和校外培训机构年检",
        "submit_by": str(datetime.date(today.year, 11, 30)), "region": counties[0].code if counties else ""}
    error = None
    if request.method == "POST":
        region = next((c for c in counties if c.code == posted.get("region")), None)
        framework = next((f for f in frameworks if str(f.pk) == posted.get("framework")), None)
        try:
            if region is None:
                raise ApplicationError("请选择组织年检的区县。")
            if posted.get("framework") and framework is None:
                raise ApplicationError("所选指标体系不可用：须为已定版的专项督导或学校评价指标体系。")
            year = posted.get("year", "").strip()
            submit_by = _date(posted.get("submit_by"))
            if not year.isdigit():
                raise ApplicationError("请填写年度（四位数字）。")
            if submit_by is None:
                raise ApplicationError("请填写自查报告提交截止日期（年-月-日）。")
            annual = services.annual_round_create(actor=user, region=region, year=int(year), title=posted.get("title"),
                                                  submit_by=submit_by, framework=framework)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "已创建年检，请核对各类机构的材料清单后开始填报。")
            return redirect("checks:annual_detail", pk=annual.pk)
    return render(request, "checks/annual_new.html", {
        "posted": posted, "error": error, "counties": counties, "frameworks": frameworks},
        status=400 if error else 200)


# ---- the round page ----------------------------------------------------------------------------------------

@login_required
def annual_detail(request, pk: int):
    annual = selectors.get_round_for(request.user, pk)
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "result", "kind", "q")}
    rows = selectors.round_reports(annual, status=filters["status"] if filters["status"] in AnnualReportStatus.values
                                   else "", result=filters["result"] if filters["result"] in AnnualResult.values else "",
                                   kind=filters["kind"] if filters["kind"] in InstitutionKind.values else "",
                                   q=filters["q"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{annual.title}.xlsx", "年检报告", _report_columns(),
                             rows.select_related("round").iterator())
    page, size = paginate(request, rows)
    for r in page:
        r.round = annual
    requirements = list(AnnualRequirement.objects.filter(round=annual).order_by("kind", "order", "id"))
    return render(request, "checks/annual_detail.html", {
        "annual": annual, "page": page, "size": size, "filters": filters, "query": query_without_page(request),
        "summary": selectors.round_summary(annual),
        "requirements": [(k.value, k.label, [r for r in requirements if r.kind == k.value]) for k in InstitutionKind],
        "can_edit": holds_role_in(request.user, annual.region_id, Role.OFFICE),
        "statuses": AnnualReportStatus.choices, "results": AnnualResult.choices, "kinds": InstitutionKind.choices,
        "posted": request.POST})


def _round_write(request, pk, write, success):
    annual = selectors.get_round_for(request.user, pk)
    try:
        done = write(annual)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(done) if callable(success) else success)
    return redirect("checks:annual_detail", pk=annual.pk)


@login_required
@require_POST
def annual_requirement_add(request, pk: int):
    return _round_write(request, pk, lambda a: services.annual_requirement_add(
        actor=request.user, annual=a, kind=request.POST.get("kind", ""), title=request.POST.get("title", ""),
        required=request.POST.get("required") == "on"), lambda r: f"已添加材料“{r.title}”。")


def _requirement(request, pk: int) -> AnnualRequirement:
    """The round's requirement named by the form (404 for another round's or a missing one)."""
    annual = selectors.get_round_for(request.user, pk)
    given = request.POST.get("requirement", "")
    requirement = AnnualRequirement.objects.filter(pk=int(given), round=annual).first() if given.isdigit() else None
    if requirement is None:
        raise Http404
    return requirement


@login_required
@require_POST
def annual_requirement_remove(request, pk: int):
    requirement = _requirement(request, pk)
    return _round_write(request, pk, lambda a: services.annual_requirement_remove(
        actor=request.user, requirement=requirement), f"已删除材料“{requirement.title}”。")


@login_required
@require_POST
def annual_requirement_toggle(request, pk: int):
    requirement = _requirement(request, pk)
    return _round_write(request, pk, lambda a: services.annual_requirement_toggle(
        actor=request.user, requirement=requirement),
        lambda r: f"“{r.title}”改为{'必须提交' if r.required else '选择提交'}。")


@login_required
@require_POST
def annual_open(request, pk: int):
    return _round_write(request, pk, lambda a: services.annual_round_open(actor=request.user, annual=a),
                        lambda n: f"年检已开始填报，共 {n} 家机构。")


@login_required
@require_POST
def annual_close(request, pk: int):
    return _round_write(request, pk, lambda a: services.annual_round_close(actor=request.user, annual=a),
                        "年检已结束填报。")


@login_required
@require_POST
def annual_publish(request, pk: int):
    return _round_write(request, pk, lambda a: services.annual_publish(actor=request.user, annual=a),
                        "年检结果已在结果公开页公布。")


# ---- the report page ---------------------------------------------------------------------------------------

def _report_page(request, report, *, error: str | None = None, form: str = "", status: int = 200):
    user = request.user
    office = holds_role_in(user, report.region_code, Role.OFFICE)
    reviewer = office or (report.reviewer_id is not None and report.reviewer_id == user.pk)
    own = owns(user, school_id=report.school_id)
    tree = build_tree(report.round.framework.definition) if report.round.framework_id else None
    scores = {s.point: s for s in report.scores.all()}
    points = [{"node": n, "score": scores.get(n.code), "posted": request.POST.get(f"v_{n.code}") if form == "score"
               else None} for n in tree.leaves] if tree else []
    editable = own and report.round.status == AnnualRoundStatus.OPEN and report.status in (
        AnnualReportStatus.PENDING, AnnualReportStatus.RETURNED)
    deciding = reviewer and report.status == AnnualReportStatus.SUBMITTED
    return render(request, "checks/annual_report.html", {
        "report": report, "annual": report.round, "checklist": selectors.checklist(report), "error": error,
        "form": form, "posted": request.POST, "own": own, "editable": editable, "office": office,
        "deciding": deciding, "points": points, "late": selectors.is_late(report),
        "round_visible": selectors.rounds_visible(user).filter(pk=report.round_id).exists(),
        "transitions": report.transitions.select_related("actor").order_by("at", "id"),
        "candidates": selectors.reviewer_candidates(report.round.region_id) if office and report.status !=
        AnnualReportStatus.REVIEWED else [],
        "results": AnnualResult.choices, "missing": selectors.missing_requirements(report) if editable else [],
        "today": timezone.localdate()}, status=status)


@login_required
def annual_report(request, pk: int):
    return _report_page(request, selectors.get_report_for(request.user, pk))


def _report_write(request, pk, form, write, success):
    report = selectors.get_report_for(request.user, pk)
    try:
        write(report)
    except PermissionDenied:  # a reader of the report (leader, institution, inspector) making a move not theirs
        raise Http404 from None
    except ApplicationError as exc:
        report.refresh_from_db()
        return _report_page(request, report, error=exc.message, form=form, status=400)
    messages.success(request, success)
    return redirect("checks:annual_report", pk=report.pk)


@login_required
@require_POST
def annual_upload(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    requirement = AnnualRequirement.objects.filter(pk=request.POST.get("requirement") or 0,
                                                   round_id=report.round_id).first() \
        if (request.POST.get("requirement") or "").isdigit() else None
    if requirement is None:
        return _report_page(request, report, error="请选择要上传的材料。", form="upload", status=400)
    return _report_write(request, pk, "upload", lambda r: services.annual_document_upload(
        actor=request.user, report=r, requirement=requirement, upload=request.FILES.get("file")),
        f"已上传“{requirement.title}”。")


@login_required
@require_POST
def annual_save(request, pk: int):
    return _report_write(request, pk, "submit", lambda r: services.annual_self_report_save(
        actor=request.user, report=r, self_report=request.POST.get("self_report", "")), "自查报告已暂存。")


@login_required
@require_POST
def annual_submit(request, pk: int):
    return _report_write(request, pk, "submit", lambda r: services.annual_submit(
        actor=request.user, report=r, self_report=request.POST.get("self_report", "")), "年检材料已提交，等待评审。")


@login_required
@require_POST
def annual_assign(request, pk: int):
    reviewer_id = request.POST.get("reviewer", "")
    reviewer = get_user_model().objects.filter(pk=int(reviewer_id)).first() if reviewer_id.isdigit() else None
    return _report_write(request, pk, "assign", lambda r: services.annual_reviewer_assign(
        actor=request.user, report=r, reviewer=reviewer), "已安排评审人。")


@login_required
@require_POST
def annual_return(request, pk: int):
    return _report_write(request, pk, "return", lambda r: services.annual_return(
        actor=request.user, report=r, reason=request.POST.get("reason", "")), "已退回机构补正。")


@login_required
@require_POST
def annual_score(request, pk: int):
    values = {k[2:]: v for k, v in request.POST.items() if k.startswith("v_")}
    notes = {k[2:]: v for k, v in request.POST.items() if k.startswith("n_")}
    return _report_write(request, pk, "score", lambda r: services.annual_score(
        actor=request.user, report=r, values=values, notes=notes), "评分已保存。")


@login_required
@require_POST
def annual_result(request, pk: int):
    due_text = request.POST.get("rectify_due", "")
    due = _date(due_text)

    def write(report):
        if due_text.strip() and due is None:
            raise ApplicationError("整改期限不是有效日期（年-月-日）。")
        return services.annual_result(actor=request.user, report=report, result=request.POST.get("result", ""),
                                      reasons=request.POST.get("reasons", ""), rectify_due=due)

    return _report_write(request, pk, "result", write, "年检结论已记录。")


# ---- the school profile's section --------------------------------------------------------------------------

def school_section(request, school) -> dict:
    """年检 history of an institution on its profile page (dashboard.school_detail): nothing for a public school
    without any report."""
    history = selectors.school_history(request.user, school)
    if not history and services.institution_kind(school) is None:
        return {"annual_section": None}
    return {"annual_section": {"history": history,
                               "fails": sum(1 for r in history if r.result == AnnualResult.FAIL)}}

