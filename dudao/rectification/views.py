"""Pages of the rectification loop: the ledger (问题台账), findings, 整改通知书, 督办单 and 约谈 proposals.
Thin: parse, call a service or selector, render."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.core.web import attempt, has_role, require_role
from dudao.documents.decorators import document_errors
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.rectification import accountability, followup, notices, selectors
from dudao.rectification.documents import notice_context
from dudao.rectification.forms import (
    COMMITMENT_ROWS,
    CaseFileForm,
    CaseStepForm,
    CommendationForm,
    FindingEditForm,
    NoticeIssueForm,
    OrderRespondForm,
    PublicationForm,
    RecheckDrawForm,
    RecheckResultForm,
    TalkDismissForm,
    TalkHoldForm,
    TalkProposeForm,
    VerifyForm,
    WithdrawForm,
)
from dudao.rectification.models import (
    FORMS_FOR,
    CaseStep,
    FindingSource,
    FindingStatus,
    NoticeStatus,
    OrderStatus,
    TalkStatus,
)
from dudao.regions.selectors import region_list

EXPORT_LIMIT = 100_000
LEDGER_COUNT_CAP = 10_000  # the ledger counts up to this; beyond it says "more than" and asks to filter


def _errors(form) -> str:
    return "输入有误：" + "；".join(v[0] for v in form.errors.values())


# ---- 问题台账 -------------------------------------------------------------------------------------------------

def ledger_columns(today) -> list:
    """The layout offices use (序号, 单位, 问题, 来源, 整改要求, 期限, 责任人, 进展, 状态); rows are (n, finding)."""
    return [
        ("序号", lambda row: row[0]),
        ("单位", lambda row: str(row[1].target)),
        ("问题", lambda row: row[1].description),
        ("来源", lambda row: row[1].get_source_display()),
        ("整改要求", lambda row: row[1].requirement or (row[1].notice.requirement if row[1].notice else "")),
        ("期限", lambda row: row[1].due_date.isoformat() if row[1].due_date else ""),
        ("责任人", lambda row: row[1].responsible_person),
        ("进展", lambda row: selectors.progress_label(row[1], today)),
        ("状态", lambda row: row[1].get_status_display()),
    ]


@login_required
@require_role()
def ledger(request):
    today = timezone.localdate()
    filters = {k: request.GET.get(k, "").strip() for k in selectors.LEDGER_FILTERS}
    findings = selectors.ledger(request.user, today=today, **filters)
    if request.GET.get("export"):
        if findings.count() > EXPORT_LIMIT:
            messages.error(request, f"导出超过 {EXPORT_LIMIT} 条，请先按区划、状态等条件缩小范围。")
            return redirect(f"{request.path}?{query_without_page(request)}")
        numbered = enumerate(findings.iterator(chunk_size=2000), start=1)
        return xlsx_response("问题台账", "问题台账", ledger_columns(today), numbered)
    page, size = paginate(request, findings, count_cap=LEDGER_COUNT_CAP)
    rows = [(f, selectors.progress_label(f, today)) for f in page]
    return render(request, "rectification/ledger.html", {
        "page": page, "rows": rows, "size": size, "filters": filters, "query": query_without_page(request),
        "sources": FindingSource.choices, "statuses": FindingStatus.choices, "today": today, "can_issue": has_role(request.user, Role.OFFICE),
        "regions": region_list(request.user), "categories": selectors.ledger_categories(request.user, filters["category"])})


@login_required
def finding_detail(request, pk: int):
    finding = selectors.get_finding_for(request.user, pk)
    office = has_role(request.user, Role.OFFICE) and finding.status == FindingStatus.OPEN
    form = FindingEditForm(initial={k: getattr(finding, k) for k in FindingEditForm.base_fields}) if office else None
    return render(request, "rectification/finding_detail.html", {
        "finding": finding, "timeline": selectors.finding_timeline(finding), "form": form,
        "evidence": finding.evidence.all()})


@login_required
@require_POST
def finding_edit(request, pk: int):
    finding = selectors.get_finding_for(request.user, pk)
    form = FindingEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("rectification:finding_detail", pk=pk)

    def write():
        notices.finding_update(actor=request.user, finding=finding, **form.cleaned_data)
        return "问题已修改。"

    attempt(request, write)
    return redirect("rectification:finding_detail", pk=pk)


# ---- 整改通知书 ------------------------------------------------------------------------------------------------

@login_required
def notice_new(request):
    if not has_role(request.user, Role.OFFICE):
        raise Http404
    if request.method == "POST":
        form = NoticeIssueForm(request.POST)
        ids = form.cleaned_data["findings"] if form.is_valid() else []
    else:
        ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()]
        form = NoticeIssueForm(initial={"findings": ",".join(map(str, ids))})
    findings = selectors.issuable(request.user, ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if len(findings) != len(set(ids)):
            form.add_error(None, "所选问题中有已办结、已在整改通知书中或您无权处理的问题，请回到台账重新选择。")
        else:
            try:
                notice = notices.notice_issue(actor=request.user, findings=findings, due_date=data["due_date"],
                                              days=data["days"], requirement=data["requirement"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已下发整改通知书 {notice.number}。")
                return redirect("rectification:notice_detail", pk=notice.pk)
    if not findings and request.method == "GET":
        messages.error(request, "请先在问题台账中勾选待整改、且未下发整改通知书的问题。")
        return redirect("rectification:ledger")
    return render(request, "rectification/notice_new.html", {"form": form, "findings": findings})


@login_required
@require_role()
def notice_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "overdue", "q")}
    page, size = paginate(request, selectors.notice_list(request.user, **filters))
    return render(request, "rectification/notice_list.html", {
        "page": page, "size": size, "filters": filters, "query": query_without_page(request),
        "statuses": NoticeStatus.choices, "today": timezone.localdate()})


@login_required
def notice_detail(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    return render(request, "rectification/notice_detail.html", {
        "notice": notice, "findings": notice.findings.order_by("id"), "actions": selectors.notice_actions(request.user, notice),
        "reports": selectors.notice_reports(notice), "transitions": notice.transitions.select_related("actor"),
        "order": notice.order if selectors.has_order(notice) else None, "verify_form": VerifyForm(),
        "today": timezone.localdate()})


@login_required
@document_errors
def notice_document(request, pk: int, fmt: str):
    """整改通知书 as Word (from the region's editable template) or PDF."""
    notice = selectors.get_notice_for(request.user, pk)
    context = notice_context(notice)
    name = f"{notice.number}_{notice.target}_整改通知书"
    if fmt == "docx":
        response = HttpResponse(render_docx("rectification_notice", notice.region_code, context),
                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.docx')}"
        return response
    if fmt != "pdf":
        raise Http404
    response = HttpResponse(render_pdf_bytes("rectification/notice_document.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name + '.pdf')}"
    return response


# ---- a notice's actions: one URL each; the service refuses whoever may not take it --------------------------

def _notice_write(request, pk: int, write) -> HttpResponse:
    """Run one action on a visible notice (404 otherwise) and show its message on the notice's page."""
    notice = selectors.get_notice_for(request.user, pk)
    attempt(request, lambda: write(notice))
    return redirect("rectification:notice_detail", pk=pk)


@login_required
@require_POST
def notice_acknowledge(request, pk: int):
    def write(notice):
        notices.notice_acknowledge(actor=request.user, notice=notice)
        return "已签收整改通知书。"
    return _notice_write(request, pk, write)


@login_required
@require_POST
def notice_start(request, pk: int):
    def write(notice):
        notices.notice_start(actor=request.user, notice=notice)
        return "已开始整改。"
    return _notice_write(request, pk, write)


@login_required
@require_POST
def notice_report(request, pk: int):
    def write(notice):
        reports = {f.pk: (request.POST.get(f"measures_{f.pk}", ""), request.FILES.getlist(f"evidence_{f.pk}"))
                   for f in notice.findings.all()}
        notices.notice_report(actor=request.user, notice=notice, reports=reports)
        return "整改报告已提交，等待核查。"
    return _notice_write(request, pk, write)


@login_required
@require_POST
def notice_verify(request, pk: int):
    def write(notice):
        form = VerifyForm(request.POST)
        if not form.is_valid():
            raise ApplicationError("请选择核查结论。")
        notices.notice_verify(actor=request.user, notice=notice, **form.cleaned_data)
        return "核查结果已保存。"
    return _notice_write(request, pk, write)


@login_required
@require_POST
def notice_file(request, pk: int):
    def write(notice):
        notices.notice_file(actor=request.user, notice=notice)
        return "已报督导室备案。"
    return _notice_write(request, pk, write)


@login_required
@require_POST
def order_issue(request, pk: int):
    def write(notice):
        return f"已下达督办单 {notices.order_issue(actor=request.user, notice=notice).number}。"
    return _notice_write(request, pk, write)


# ---- 督办单 and 约谈 --------------------------------------------------------------------------------------------

@login_required
@require_role()
def order_list(request):
    status = request.GET.get("status", "").strip()
    page, size = paginate(request, selectors.order_list(request.user, status=status))
    return render(request, "rectification/order_list.html", {
        "page": page, "size": size, "status": status, "statuses": OrderStatus.choices,
        "query": query_without_page(request), "today": timezone.localdate()})


@login_required
def order_detail(request, pk: int):
    order = selectors.get_order_for(request.user, pk)
    may_respond = selectors.may_respond(request.user, order)
    return render(request, "rectification/order_detail.html", {
        "order": order, "notice": order.notice, "findings": order.notice.findings.order_by("id"),
        "form": OrderRespondForm(initial={"response": order.response}) if may_respond else None,
        "today": timezone.localdate()})


@login_required
@require_POST
def order_respond(request, pk: int):
    order = selectors.get_order_for(request.user, pk)
    form = OrderRespondForm(request.POST)
    attempt(request, lambda: notices.order_respond(actor=request.user, order=order, response=form.cleaned_data["response"]),
            "已签收督办单并报送落实情况。", form=form, invalid="请填写督办落实情况。")
    return redirect("rectification:order_detail", pk=pk)


@login_required
@require_role(Role.OFFICE)
def talk_new(request):
    if request.method == "POST":
        form = TalkProposeForm(request.POST)
        ids = form.cleaned_data["findings"] if form.is_valid() else []
    else:
        ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()]
        form = TalkProposeForm(initial={"findings": ",".join(map(str, ids))})
    findings = list(selectors.ledger(request.user).filter(pk__in=ids))
    if request.method == "POST" and form.is_valid():
        try:
            talk = accountability.talk_propose(actor=request.user, reason=form.cleaned_data["reason"], findings=findings)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已提出约谈建议。")
            return redirect("rectification:talk_detail", pk=talk.pk)
    if not findings and request.method == "GET":
        messages.error(request, "请先在问题台账中勾选约谈涉及的问题。")
        return redirect("rectification:ledger")
    return render(request, "rectification/talk_new.html", {"form": form, "findings": findings})


@login_required
def talk_detail(request, pk: int):
    talk = selectors.get_talk_for(request.user, pk)
    office = bool(selectors.talk_actions(request.user, talk))
    return render(request, "rectification/talk_detail.html", {
        "talk": talk, "findings": talk.findings.select_related("school", "unit").order_by("id"),
        "hold_form": TalkHoldForm(initial={"held_on": timezone.localdate()}) if office else None,
        "dismiss_form": TalkDismissForm() if office else None, "rows": range(COMMITMENT_ROWS),
        "cases": talk.cases.all()})


@login_required
@require_POST
def talk_hold(request, pk: int):
    talk = selectors.get_talk_for(request.user, pk)

    def write():
        form = TalkHoldForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ApplicationError(_errors(form))
        data = form.cleaned_data
        accountability.talk_hold(
            actor=request.user, talk=talk, held_on=data["held_on"], conducted_by=data["conducted_by"],
            persons=data["persons"], content=data["content"], recipients=data["recipients"],
            commitments=form.commitments(request.POST), record=data["record"])
        return "约谈记录已保存，整改承诺已纳入问题台账。"

    attempt(request, write)
    return redirect("rectification:talk_detail", pk=pk)


@login_required
@require_POST
def talk_dismiss(request, pk: int):
    talk = selectors.get_talk_for(request.user, pk)

    def write():
        form = TalkDismissForm(request.POST)
        if not form.is_valid():
            raise ApplicationError("不予约谈须写明理由。")
        accountability.talk_dismiss(actor=request.user, talk=talk, reason=form.cleaned_data["reason"])
        return "已决定不予约谈。"

    attempt(request, write)
    return redirect("rectification:talk_detail", pk=pk)


# ---- 问责 ----------------------------------------------------------------------------------------------------

@login_required
@require_role(Role.OFFICE, Role.LEADER)
def case_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("step", "q")}
    page, size = paginate(request, selectors.case_list(request.user, **filters))
    return render(request, "rectification/case_list.html", {
        "page": page, "size": size, "filters": filters, "steps": CaseStep.choices, "query": query_without_page(request),
        "can_file": has_role(request.user, Role.OFFICE)})


@login_required
@require_role(Role.OFFICE)
def case_new(request):
    initial = {"filed_on": timezone.localdate()}
    talk_id = request.GET.get("talk", "")
    if talk_id.isdigit():
        talk = selectors.get_talk_for(request.user, int(talk_id))
        target = talk.school or talk.unit
        initial |= {"talk": talk.pk, "code": target.code, "facts": talk.reason,
                    "target_kind": "unit"}
    form = CaseFileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school, unit = selectors.target_by_code(request.user, data["code"])
        talk = selectors.get_talk_for(request.user, data["talk"]) if data["talk"] else None
        try:
            if school is None and unit is None:
                raise ApplicationError(f"未找到学校或单位“{data['code']}”，或您无权查看。")
            case = accountability.case_file(
                actor=request.user, target_kind=data["target_kind"], situation=data["situation"], facts=data["facts"],
                filed_on=data["filed_on"], school=school, unit=unit, person_name=data["person_name"],
                person_post=data["person_post"], talk=talk, grounds=data["grounds"], document=data["document"],
                findings=list(talk.findings.all()) if talk else [])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已立案，案号 {case.number}。")
            return redirect("rectification:case_detail", pk=case.pk)
    return render(request, "rectification/case_new.html", {"form": form})


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def case_detail(request, pk: int):
    case = selectors.get_case_for(request.user, pk)
    step_form = None
    if has_role(request.user, Role.OFFICE) and case.next_step:
        step_form = CaseStepForm(initial={"step": case.next_step, "on": timezone.localdate()})
    return render(request, "rectification/case_detail.html", {
        "case": case, "steps": selectors.case_steps(case), "step_form": step_form,
        "next_label": CaseStep(case.next_step).label if case.next_step else "",
        "forms_allowed": FORMS_FOR[case.target_kind], "findings": case.findings.all()})


@login_required
@require_POST
def case_step(request, pk: int):
    case = selectors.get_case_for(request.user, pk)
    form = CaseStepForm(request.POST, request.FILES)

    def write():
        if not form.is_valid():
            raise ApplicationError(_errors(form))
        data = form.cleaned_data
        accountability.case_advance(
            actor=request.user, case=case, step=data["step"], on=data["on"], note=data["note"], document=data["document"],
            decision_form=data["decision_form"], decision_basis=data["decision_basis"], effective_on=data["effective_on"])
        return "已记录。"

    attempt(request, write)
    return redirect("rectification:case_detail", pk=pk)


# ---- a target's record and 激励表彰 -----------------------------------------------------------------------------

@login_required
def target_record(request, kind: str, pk: int):
    target = selectors.get_target_for(request.user, kind, pk)
    form = None
    if has_role(request.user, Role.OFFICE):
        form = CommendationForm(request.POST or None, initial={"awarded_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                accountability.commendation_record(actor=request.user, **{kind: target}, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "表彰已登记。")
                return redirect("rectification:target_record", kind=kind, pk=pk)
    elif request.method == "POST":
        raise Http404
    return render(request, "rectification/target_record.html", {
        "target": target, "kind": kind, "form": form, **selectors.target_record(request.user, kind, target)})


@login_required
@require_role()
def talk_list(request):
    status = request.GET.get("status", "").strip()
    page, size = paginate(request, selectors.talk_list(request.user, status=status))
    return render(request, "rectification/talk_list.html", {
        "page": page, "size": size, "status": status, "statuses": TalkStatus.choices,
        "query": query_without_page(request)})


# ---- dashboard -------------------------------------------------------------------------------------------

GROUP_LABELS = {"region": "按区划", "school_type": "按学校类型", "source": "按问题来源", "category": "按问题类别"}


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def dashboard(request):
    group = request.GET.get("group", "region")
    group = group if group in GROUP_LABELS else "region"
    region = request.GET.get("region", "").strip()
    data = selectors.dashboard(request.user, group=group, region=region)
    return render(request, "rectification/dashboard.html", {
        **data, "group": group, "groups": GROUP_LABELS, "region": region, "today": timezone.localdate()})


# ---- 回头看 ----------------------------------------------------------------------------------------------------------

def _home_region(user) -> str:
    scope = scope_for(user)
    return min(scope.region_prefixes, key=len, default="") if scope.region_prefixes else ""


@login_required
@require_role(Role.OFFICE)
def recheck_list(request):
    form = RecheckDrawForm(request.POST or None, initial={
        "region": _home_region(request.user), "closed_to": timezone.localdate(), "size": 20,
        "closed_from": timezone.localdate().replace(month=1, day=1)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = followup.recheck_draw(actor=request.user, region_code=data["region"], closed_from=data["closed_from"],
                                           closed_to=data["closed_to"], size=data["size"], source=data["source"],
                                           seed=data["seed"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已从 {round_.population} 个已整改问题中随机抽取 {round_.sample_size} 个，随机种子 {round_.seed}。")
            return redirect("rectification:recheck_detail", pk=round_.pk)
    page, size = paginate(request, selectors.recheck_list(request.user))
    return render(request, "rectification/recheck_list.html", {"page": page, "size": size, "form": form,
                                                               "query": query_without_page(request)})


@login_required
@require_role(Role.OFFICE)
def recheck_detail(request, pk: int):
    round_ = selectors.get_recheck_for(request.user, pk)
    return render(request, "rectification/recheck_detail.html", {
        "round": round_, "items": selectors.recheck_items(round_), "form": RecheckResultForm()})


@login_required
@require_POST
@require_role(Role.OFFICE)
def recheck_result(request, pk: int, item_pk: int):
    round_ = selectors.get_recheck_for(request.user, pk)
    item = selectors.recheck_items(round_).filter(pk=item_pk).first()
    if item is None:
        raise Http404
    form = RecheckResultForm(request.POST)

    def write():
        if not form.is_valid():
            raise ApplicationError("请选择复查结果。")
        followup.recheck_record(actor=request.user, item=item, **form.cleaned_data)
        return "复查结果已记录。" if form.cleaned_data["passed"] else "已重新打开该问题，纳入整改。"

    attempt(request, write)
    return redirect("rectification:recheck_detail", pk=pk)


# ---- 结果公开 (office side; the public page is rectification.public) ---------------------------------------------------

@login_required
@require_role(Role.OFFICE)
def publication_list(request):
    region = _home_region(request.user)
    initial = {"region": region, "kind": "result"}
    if request.GET.get("draft") == "rectification":
        title, body = selectors.rectification_summary_draft(request.user, region)
        initial |= {"kind": "rectification", "title": title, "body": body}
    form = PublicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = followup.publication_publish(actor=request.user, kind=data["kind"], region_code=data["region"],
                                                title=data["title"], body=data["body"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已发布“{item.title}”。")
            return redirect("rectification:publication_list")
    page, size = paginate(request, selectors.publication_list(request.user))
    return render(request, "rectification/publication_list.html", {
        "page": page, "size": size, "form": form, "withdraw_form": WithdrawForm(), "query": query_without_page(request)})


@login_required
@require_POST
@require_role(Role.OFFICE)
def publication_withdraw(request, pk: int):
    item = selectors.get_publication_for(request.user, pk)
    form = WithdrawForm(request.POST)

    attempt(request, lambda: followup.publication_withdraw(actor=request.user, item=item, reason=form.cleaned_data["reason"]),
            "已撤回。", form=form, invalid="撤回须写明原因。")
    return redirect("rectification:publication_list")
