"""Pages of area calls: 征集评选：作品、专家评分、排名、获奖与文集 (issue 24 item 5).

The call list and page (settings, entries, experts and recusal, ranking and awards, publication, anthology), the
create/edit form, one URL per workflow action, the entry form of eligible users, and the expert's anonymised tablet
pages (entry codes only: no author, school or file name; the downloaded document is an anonymised copy). Thin:
reads through selectors.calls, writes through services.calls."""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from dudao.core.errors import ApplicationError
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.web import attempt, require_role
from dudao.documents import files
from dudao.frameworks.models import Framework
from dudao.frameworks.scoring import build_tree
from dudao.people.models import Expert
from dudao.regions.models import Region
from dudao.research.models import (
    AnthologyStatus,
    AwardLevel,
    CallEntry,
    CallEntryStatus,
    CallExpert,
    CallKind,
    CallStatus,
    CallTransition,
    QuotaBasis,
)
from dudao.research.selectors import calls as selectors
from dudao.research.services import calls as services

CALL_EXPORT = [
    ("编号", lambda c: c.pk), ("名称", lambda c: c.title), ("征集类别", lambda c: c.get_kind_display()),
    ("组织区划", lambda c: c.region.name), ("开始日期", lambda c: c.opens_on), ("截止日期", lambda c: c.deadline),
    ("状态", lambda c: c.get_status_display()), ("作品数", lambda c: c.n_entries), ("评审专家数", lambda c: c.n_experts),
]
ENTRY_EXPORT = [
    ("作品编号", lambda e: e.code), ("作品标题", lambda e: e.title), ("类别", lambda e: e.category),
    ("作者", lambda e: e.authors_display), ("作者单位", lambda e: e.origin_name),
    ("投稿身份", lambda e: {"inspector": "督学", "school": "学校", "office": "督导室"}.get(e.submitted_as, "")),
    ("提交时间", lambda e: e.submitted_at), ("状态", lambda e: e.get_status_display()),
    ("评分专家数", lambda e: e.score_count or None),
    ("平均分", lambda e: float(e.mean_score) if e.mean_score is not None else None),
    ("名次", lambda e: e.rank), ("奖项", lambda e: e.get_award_display()), ("排名说明", lambda e: e.rank_note),
    ("奖项调整理由", lambda e: e.award_reason),
]


def _date(value: str):
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _posted_call(request) -> dict:
    post = request.POST
    framework = None
    if post.get("framework", "").isdigit():
        framework = Framework.objects.visible_to(request.user).filter(pk=int(post["framework"])).first()
    return {"title": post.get("title", ""), "kind": post.get("kind", ""), "description": post.get("description", ""),
            "categories": post.get("categories", ""), "allow_inspectors": bool(post.get("allow_inspectors")),
            "allow_schools": bool(post.get("allow_schools")), "allow_offices": bool(post.get("allow_offices")),
            "opens_on": _date(post.get("opens_on")), "deadline": _date(post.get("deadline")), "framework": framework,
            "quota_basis": post.get("quota_basis", ""), "quota_per_category": bool(post.get("quota_per_category")),
            **{f"quota_{k}": post.get(f"quota_{k}", "0") for k in ("first", "second", "third", "merit")}}


# ---- list and form ---------------------------------------------------------------------------------------------

@login_required
@require_safe
def call_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "kind", "year", "q")}
    calls = selectors.call_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("征集评选", "征集评选", CALL_EXPORT, calls.iterator(chunk_size=2000))
    page, size = paginate(request, calls)
    return render(request, "research/calls_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": CallStatus.choices, "kinds": CallKind.choices, "years": selectors.call_years(request.user),
        "can_create": bool(selectors.office_regions(request.user)),
        "assigned": selectors.assigned_calls(request.user)})


def _form_context(request, call=None, values=None) -> dict:
    regions = list(selectors.office_regions(request.user))
    region_code = call.region_id if call else (regions[0].code if regions else "")
    return {"call": call, "values": values or {}, "regions": regions, "kinds": CallKind.choices,
            "bases": QuotaBasis.choices, "frameworks": selectors.framework_choices(request.user, region_code)}


@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_create(request):
    values = {}
    if request.method == "POST":
        region = Region.objects.filter(code=request.POST.get("region", "")).first()
        values = dict(request.POST.items())
        call = None
        if region is None:
            messages.error(request, "请选择组织区划。")
        else:
            def write():
                nonlocal call
                call = services.call_create(actor=request.user, region=region, **_posted_call(request))
                return f"已创建征集评选“{call.title}”（草稿）。"
            if attempt(request, write):
                return redirect("research:call_detail", call.pk)
    return render(request, "research/calls_form.html", _form_context(request, values=values))


@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_edit(request, pk: int):
    call = selectors.get_call_for(request.user, pk)
    if not selectors.may_manage(request.user, call):
        raise Http404
    if request.method == "POST":
        if attempt(request, lambda: services.call_update(actor=request.user, call=call, **_posted_call(request))
                   and "已保存。"):
            return redirect("research:call_detail", call.pk)
        values = dict(request.POST.items())
    else:
        values = {"title": call.title, "kind": call.kind, "description": call.description,
                  "categories": "、".join(call.categories), "opens_on": call.opens_on.isoformat(),
                  "deadline": call.deadline.isoformat(), "framework": str(call.framework_id),
                  "quota_basis": call.quota_basis, "allow_inspectors": call.allow_inspectors,
                  "allow_schools": call.allow_schools, "allow_offices": call.allow_offices,
                  "quota_per_category": call.quota_per_category,
                  **{f"quota_{k}": getattr(call, f"quota_{k}") for k in ("first", "second", "third", "merit")}}
    return render(request, "research/calls_form.html", _form_context(request, call, values))


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_default_framework(request):
    region = Region.objects.filter(code=request.POST.get("region", "")).first()
    if region is None:
        messages.error(request, "请选择组织区划。")
    else:
        attempt(request, lambda: f"已生成并定版“{services.call_default_framework(actor=request.user, region=region)}”，可在评分指标中选用。")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("research:call_create")
    return redirect(target)


# ---- the call page ---------------------------------------------------------------------------------------------

@login_required
@require_safe
def call_detail(request, pk: int):
    call = selectors.get_call_for(request.user, pk)
    manage = selectors.may_manage(request.user, call)
    read_entries = selectors.may_read_entries(request.user, call)
    filters = {k: request.GET.get(k, "").strip() for k in ("category", "q")}
    context = {"call": call, "manage": manage, "read_entries": read_entries, "filters": filters,
               "transitions": CallTransition.history(call), "awards": AwardLevel.choices,
               "options": selectors.submit_options(request.user, call) if call.status == CallStatus.OPEN else [],
               "mine": selectors.my_entries(request.user, call),
               "anthology_ok": services.may_download_anthology(request.user, call),
               "anthology_busy": call.anthology_status in (AnthologyStatus.QUEUED, AnthologyStatus.RUNNING),
               "framework_rows": _framework_rows(call)}
    if read_entries:
        entries = selectors.entries_of(call, status="", **filters)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(f"{call.title}-作品", "作品", ENTRY_EXPORT, entries.iterator(chunk_size=2000))
        page, size = paginate(request, entries)
        scores = selectors.score_table(call)
        for e in page:
            e.expert_scores = scores.get(e.pk, [])
        context.update(page=page, size=size, query=query_without_page(request),
                       assignments=selectors.call_assignments(call),
                       n_entries=call.entries.filter(status=CallEntryStatus.SUBMITTED).count())
        if manage:
            context["free_experts"] = selectors.open_experts(request.user, call)
    assignment = None
    expert = selectors.expert_of(request.user)
    if expert is not None:
        assignment = selectors.assignment_for(call, expert)
    context["assignment"] = assignment
    return render(request, "research/calls_detail.html", context)


def _framework_rows(call) -> list[dict]:
    tree = build_tree(call.framework.definition)
    return [{"code": n.code, "name": n.name, "max": (n.rule or {}).get("max"), "kind": (n.rule or {}).get("kind")}
            for n in tree.leaves]


def _manage_or_404(request, pk: int):
    call = selectors.get_call_for(request.user, pk)
    if not selectors.may_manage(request.user, call):
        raise Http404
    return call


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_open(request, pk: int):
    call = _manage_or_404(request, pk)
    attempt(request, lambda: services.call_open(actor=request.user, call=call) and "已发布征集，符合条件的人员可以投稿。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_close(request, pk: int):
    call = _manage_or_404(request, pk)
    attempt(request, lambda: services.call_close(actor=request.user, call=call) and "征集已结束，进入专家评审。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_rate(request, pk: int):
    call = _manage_or_404(request, pk)
    attempt(request, lambda: services.call_rate(actor=request.user, call=call) and "已汇总评分并按名额评定奖项，评分已关闭。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_reopen(request, pk: int):
    call = _manage_or_404(request, pk)
    attempt(request, lambda: services.call_reopen_scoring(actor=request.user, call=call,
                                                          reason=request.POST.get("reason", ""))
            and "已退回评审中，专家可以修改评分。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_publish(request, pk: int):
    call = _manage_or_404(request, pk)
    attempt(request, lambda: services.call_publish(
        actor=request.user, call=call, recipient=request.POST.get("recipient", ""),
        awarded_by=request.POST.get("awarded_by", "")) and "已公布评选结果，登记表彰并报送获奖名单。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_expert_assign(request, pk: int):
    call = _manage_or_404(request, pk)
    expert = Expert.objects.visible_to(request.user).filter(pk=request.POST.get("expert") or 0).first() \
        if str(request.POST.get("expert", "")).isdigit() else None
    if expert is None:
        messages.error(request, "请选择评审专家。")
    else:
        attempt(request, lambda: services.expert_assign(actor=request.user, call=call, expert=expert,
                                                        categories=request.POST.getlist("categories"))
                and f"已指派专家 {expert.name}。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_expert_remove(request, pk: int, assignment: int):
    call = _manage_or_404(request, pk)
    item = get_object_or_404(CallExpert, pk=assignment, call=call)
    attempt(request, lambda: services.expert_remove(actor=request.user, assignment=item) or "已移出评审名单。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_award_adjust(request, pk: int, entry: int):
    call = _manage_or_404(request, pk)
    item = get_object_or_404(CallEntry, pk=entry, call=call)
    attempt(request, lambda: services.award_adjust(actor=request.user, entry=item, award=request.POST.get("award", ""),
                                                   reason=request.POST.get("reason", "")) and "已调整奖项并记录理由。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
@require_role(Role.OFFICE, Role.ADMIN)
def call_anthology(request, pk: int):
    call = _manage_or_404(request, pk)
    attempt(request, lambda: services.anthology_start(actor=request.user, call=call) and "文集已开始生成，完成后可在本页下载。")
    return redirect("research:call_detail", pk)


@login_required
@require_safe
def call_anthology_download(request, pk: int):
    call = selectors.get_call_for(request.user, pk)
    if not (services.may_download_anthology(request.user, call) and call.anthology_file_id
            and call.anthology_status == AnthologyStatus.DONE):
        raise Http404
    return _attachment(files.read_blob(call.anthology_file.path), f"{call.title}获奖作品文集.docx",
                       call.anthology_file.content_type)


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- entries ---------------------------------------------------------------------------------------------------

@require_POST
@login_required
def call_entry_submit(request, pk: int):
    call = selectors.get_call_for(request.user, pk)
    attempt(request, lambda: "已提交作品，编号 " + services.entry_submit(
        actor=request.user, call=call, option=request.POST.get("option", ""), title=request.POST.get("title", ""),
        category=request.POST.get("category", ""), abstract=request.POST.get("abstract", ""),
        upload=request.FILES.get("document"), co_authors=request.POST.get("co_authors", "")).code + "。")
    return redirect("research:call_detail", pk)


@require_POST
@login_required
def call_entry_withdraw(request, pk: int):
    entry = selectors.get_entry_for(request.user, pk)
    attempt(request, lambda: services.entry_withdraw(actor=request.user, entry=entry) and "已撤回作品。")
    return redirect("research:call_detail", entry.call_id)


@login_required
@require_safe
def call_entry_document(request, pk: int):
    """The original document, with its name: the office and leaders of the call's region, the school, the submitter."""
    entry = selectors.get_entry_for(request.user, pk)
    return _attachment(files.read_blob(entry.document.path), entry.document.original_name, entry.document.content_type)


# ---- the expert's tablet (anonymised) ---------------------------------------------------------------------------

def _expert_call(request, pk: int):
    expert = selectors.expert_of(request.user)
    if expert is None:
        raise Http404
    call = selectors.get_call_for(request.user, pk)
    assignment = selectors.assignment_for(call, expert)
    if assignment is None:
        raise Http404
    return expert, call, assignment


@login_required
@require_safe
def call_score_list(request, pk: int):
    expert, call, assignment = _expert_call(request, pk)
    entries, recused = selectors.expert_entries(call, expert, assignment)
    scores = selectors.scores_by(expert, entries)
    rows = [{"entry": e, "score": scores.get(e.pk)} for e in entries]
    return render(request, "research/calls_score_list.html", {
        "call": call, "rows": rows, "recused": recused, "assignment": assignment,
        "done": sum(1 for r in rows if r["score"]), "open": call.status == CallStatus.REVIEWING})


def _expert_entry(request, pk: int):
    entry = get_object_or_404(CallEntry.objects.select_related("call", "call__framework", "school", "document"), pk=pk,
                              status=CallEntryStatus.SUBMITTED)
    expert, call, assignment = _expert_call(request, entry.call_id)
    mine, _recused = selectors.expert_entries(call, expert, assignment)
    if entry.pk not in {e.pk for e in mine}:
        raise Http404
    return expert, call, entry


@login_required
def call_score(request, pk: int):
    """One entry on the tablet: code, title, category, abstract, the anonymised document, the framework's leaves."""
    expert, call, entry = _expert_entry(request, pk)
    score = selectors.scores_by(expert, [entry]).get(entry.pk)
    values = dict(score.values) if score else {}
    comment = score.comment if score else ""
    if request.method == "POST":
        tree = build_tree(call.framework.definition)
        values = {leaf.code: request.POST.get(f"leaf-{leaf.code}", "") for leaf in tree.leaves}
        comment = request.POST.get("comment", "")
        if attempt(request, lambda: f"已保存 {entry.code} 的评分：{services.score_submit(actor=request.user, entry=entry, values=values, comment=comment).total} 分。"):
            return redirect("research:call_score_list", call.pk)
    rows = [{**row, "value": values.get(row["code"], "")} for row in _framework_rows(call)]
    return render(request, "research/calls_score.html", {
        "call": call, "entry": entry, "rows": rows, "comment": comment, "score": score,
        "open": call.status == CallStatus.REVIEWING})


@login_required
@require_safe
def call_score_document(request, pk: int):
    """The anonymised copy an assigned expert downloads: named by the entry code, the authors' names stripped."""
    from dudao.research import anthology  # noqa: PLC0415 -- python-docx (about 1 s) only for this download

    _expert, _call, entry = _expert_entry(request, pk)
    try:
        data, name, content_type = anthology.anonymised(entry)
    except anthology.AnthologyError as exc:
        raise ApplicationError(str(exc)) from None
    return _attachment(data, name, content_type)
