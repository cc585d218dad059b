"""The 内审 case page and one POST view per action: start, close, team, document requests (and the school's
upload), findings (and their 整改), the report (issue, download), publication and withdrawal. Every object is read
through visible_to (out of scope = 404); the services check who may act and say why not."""

import datetime
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dudao.audits.models import (
    AUDIT_CASE_WORKFLOW,
    AuditCase,
    AuditCaseStatus,
    AuditCaseTransition,
    AuditDocRequest,
    AuditFinding,
    AuditFindingCategory,
    AuditPlanStatus,
    AuditTeamMember,
    AuditTeamRole,
)
from dudao.audits.selectors import cases as selectors
from dudao.audits.services import cases as services
from dudao.audits.services import reports
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import attempt
from dudao.documents.models import StoredFile
from dudao.documents.render import DocumentError
from dudao.people.models import Expert, Inspector
from dudao.quality.views import stored_file

S = AuditCaseStatus


def parse_date(value):
    """An ISO date from a form, None when empty; anything else is passed on as typed so the service refuses it
    ("…不是有效的日期")."""
    value = (value or "").strip()[:20]
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return value


def _case(request, pk: int) -> AuditCase:
    return get_visible_or_404(AuditCase.objects.select_related("school", "school__region", "plan", "auditee_user",
                                                              "publication", "report_file"), request.user, pk=pk)


@login_required
@require_safe
def case_detail(request, pk: int):
    case = _case(request, pk)
    office = scope_for(request.user).holds(case.region_code, Role.OFFICE)
    worker = office or services.is_team_member(request.user, case)
    findings = list(selectors.findings_of(case))
    context = {
        "case": case, "office": office, "worker": worker, "team": list(selectors.team(case)),
        "requests": list(selectors.requests_of(case)), "findings": findings,
        "history": AuditCaseTransition.history(case), "today": timezone.localdate(),
        "editable": office and not case.is_issued,
        "can_start": office and AUDIT_CASE_WORKFLOW.allows(case.status, S.IN_PROGRESS)
        and case.plan.status == AuditPlanStatus.APPROVED,
        "plan_pending": case.plan.status != AuditPlanStatus.APPROVED,
        "can_close": office and AUDIT_CASE_WORKFLOW.allows(case.status, S.CLOSED),
        "can_publish": office and AUDIT_CASE_WORKFLOW.allows(case.status, S.PUBLISHED),
        "can_withdraw": office and case.status == S.PUBLISHED,
        "team_roles": AuditTeamRole.choices, "categories": AuditFindingCategory.choices,
        "candidates": services.team_candidates(case) if office and not case.is_issued else None,
        "raised": sum(1 for f in findings if f.rect_finding_id),
    }
    return render(request, "audits/cases_detail.html", context)


def _back(case_pk: int, anchor: str = ""):
    response = redirect("audits:case_detail", pk=case_pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


@require_POST
@login_required
def case_start(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: services.case_start(actor=request.user, case=case), "审计已启动，状态为“实施中”。")
    return _back(case.pk)


@require_POST
@login_required
def case_close(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: services.case_close(actor=request.user, case=case, note=request.POST.get("note", "")),
            "审计事项已结案。")
    return _back(case.pk)


# ---- team ----------------------------------------------------------------------------------------------------


@require_POST
@login_required
def team_add(request, pk: int):
    case = _case(request, pk)
    kind, pick = request.POST.get("kind", ""), _int(request.POST.get("person"))
    found = {"user": None, "inspector": None, "expert": None}
    if kind in ("user", "inspector", "expert") and pick is not None:
        model = {"user": get_user_model(), "inspector": Inspector, "expert": Expert}[kind]
        found[kind] = model.objects.filter(pk=pick).first()
        if found[kind] is None:
            raise Http404
    attempt(request, lambda: services.team_add(
        actor=request.user, case=case, role=request.POST.get("role", ""), **found,
        name=request.POST.get("name", "") if kind == "outside" else "",
        organisation=request.POST.get("organisation", "") if kind == "outside" else ""), "已加入审计组。")
    return _back(case.pk, "team")


@require_POST
@login_required
def team_remove(request, pk: int, member_pk: int):
    case = _case(request, pk)
    member = get_object_or_404(AuditTeamMember, pk=member_pk, case=case)
    attempt(request, lambda: services.team_remove(actor=request.user, member=member), "已移出审计组。")
    return _back(case.pk, "team")


# ---- document requests ---------------------------------------------------------------------------------------


@require_POST
@login_required
def request_add(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: services.request_add(
        actor=request.user, case=case, title=request.POST.get("title", ""), note=request.POST.get("note", ""),
        due_on=parse_date(request.POST.get("due_on", ""))), "已加入资料清单。")
    return _back(case.pk, "requests")


@require_POST
@login_required
def request_remove(request, pk: int, item_pk: int):
    case = _case(request, pk)
    item = get_object_or_404(AuditDocRequest, pk=item_pk, case=case)
    attempt(request, lambda: services.request_remove(actor=request.user, item=item), "已删除该项资料。")
    return _back(case.pk, "requests")


def _request(request, item_pk: int) -> AuditDocRequest:
    item = get_object_or_404(AuditDocRequest.objects.select_related("case", "case__school", "file"), pk=item_pk)
    if not selectors.may_see_docs(request.user, item):
        raise Http404("未找到该对象，或您无权查看。")
    return item


@require_POST
@login_required
def request_upload(request, item_pk: int):
    """The school's user (or the team) hands in one requested document."""
    item = _request(request, item_pk)
    attempt(request, lambda: services.request_upload(actor=request.user, item=item, upload=request.FILES.get("file")),
            f"“{item.title}”已报送。")
    if AuditCase.objects.visible_to(request.user).filter(pk=item.case_id).exists():
        return _back(item.case_id, "requests")
    return redirect("audits:case_list")


@login_required
@require_safe
def request_file(request, item_pk: int):
    item = _request(request, item_pk)
    if item.file_id is None:
        raise Http404
    return stored_file(StoredFile.objects.get(pk=item.file_id))


# ---- findings ------------------------------------------------------------------------------------------------


@require_POST
@login_required
def finding_add(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: services.finding_add(
        actor=request.user, case=case, text=request.POST.get("text", ""), category=request.POST.get("category", ""),
        amount=request.POST.get("amount", ""), severity=request.POST.get("severity", "")), "问题已登记。")
    return _back(case.pk, "findings")


@require_POST
@login_required
def finding_remove(request, pk: int, finding_pk: int):
    case = _case(request, pk)
    finding = get_object_or_404(AuditFinding, pk=finding_pk, case=case)
    attempt(request, lambda: services.finding_remove(actor=request.user, finding=finding), "问题已删除。")
    return _back(case.pk, "findings")


@require_POST
@login_required
def finding_raise(request, pk: int, finding_pk: int):
    case = _case(request, pk)
    finding = get_object_or_404(AuditFinding, pk=finding_pk, case=case)
    already = finding.rect_finding_id

    def write():
        raised = reports.finding_to_rectification(
            actor=request.user, finding=finding, due_date=parse_date(request.POST.get("due_date", "")),
            requirement=request.POST.get("requirement", ""))
        return (f"该问题已在整改台账中（问题 #{raised.pk}），未重复转入。" if already
                else f"已转入整改台账（问题 #{raised.pk}），由学校按整改流程办理。")
    attempt(request, write)
    return _back(case.pk, "findings")


# ---- report and publication ----------------------------------------------------------------------------------


@require_POST
@login_required
def report_issue(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: reports.report_issue(
        actor=request.user, case=case, number=request.POST.get("number", ""),
        issued_on=parse_date(request.POST.get("issued_on", "")), summary=request.POST.get("summary", ""),
        conclusion=request.POST.get("conclusion", "")), "审计报告已出具，审计事项内容已锁定。")
    return _back(case.pk, "report")


@login_required
@require_safe
def report_download(request, pk: int):
    """The issued report (the stored .docx); before issue, a draft rendered now for the office and the team."""
    case = _case(request, pk)
    if case.report_file_id:
        return stored_file(case.report_file)
    if not services.may_work_on(request.user, case):
        raise Http404
    try:
        data = reports.report_docx(case)
    except DocumentError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=reports.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('（草稿）' + reports.report_filename(case))}"
    return response


@require_POST
@login_required
def report_publish(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: reports.report_publish(actor=request.user, case=case),
            "审计报告摘要已在结果公开页面发布。")
    return _back(case.pk, "report")


@require_POST
@login_required
def report_withdraw(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: reports.report_withdraw(actor=request.user, case=case,
                                                     reason=request.POST.get("reason", "")),
            "已从结果公开页面撤回，撤回原因已记录。")
    return _back(case.pk, "report")
