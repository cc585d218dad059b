"""Views of the 述职评议 (issue 21 item 2): the session list (year, status, search, Excel), the create/edit form, the
session page (reporters, raters, status moves) and its POST actions, one view each; the printable sheet of
personal links with QR codes; the results page (ranked, per-leaf averages, Excel, the .docx) and findings from low
check points; a unit's own reporter entries (述职报告 upload, result once published); and the phone rating sheet
behind a rater's key (no login, rate-limited per address). Thin: parse, call a service or a read, render."""

import datetime
import hashlib
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response, xlsx_sheets_response
from dudao.core.middleware import current_request_meta
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.web import attempt, has_role, require_role
from dudao.documents.selectors import render_docx
from dudao.frameworks.scoring import build_tree
from dudao.frameworks.selectors import rule_text
from dudao.reviews.models import CombineRule, RaterKind, SessionStatus
from dudao.reviews.selectors import rating as selectors
from dudao.reviews.services import rating as services
from dudao.zones.public import qr_svg

READERS = (Role.OFFICE, Role.LEADER)

SESSION_EXPORT = [
    ("编号", lambda s: s.pk), ("名称", lambda s: s.title), ("年度", lambda s: s.year), ("区县", lambda s: s.region.name),
    ("评议日期", lambda s: s.held_on), ("评议指标", lambda s: str(s.framework)),
    ("合成方式", lambda s: s.get_combine_display()), ("状态", lambda s: s.get_status_display()),
    ("述职单位数", lambda s: s.reporter_count), ("评议人数", lambda s: s.rater_count),
]


class SessionForm(forms.Form):
    region = forms.ChoiceField(label="区县")
    title = forms.CharField(label="评议名称", max_length=services.TITLE_MAX)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    held_on = forms.DateField(label="评议日期", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    framework = forms.ChoiceField(label="评议指标（已定版的指标体系）")
    combine = forms.ChoiceField(label="评分合成方式", choices=CombineRule.choices)

    def __init__(self, *args, user, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            del self.fields["region"]
            frameworks = selectors.framework_choices(user, session.region)
        else:
            counties = list(selectors.office_counties(user))
            self.fields["region"].choices = [(r.code, r.name) for r in counties]
            frameworks = selectors.framework_choices(user, counties[0] if len(counties) == 1 else None)
        self.fields["framework"].choices = [("", "请选择")] + [(f.pk, str(f)) for f in frameworks]
        style_form(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=services.REASON_MAX)


class RaterForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=services.NAME_MAX)
    kind = forms.ChoiceField(label="身份", choices=RaterKind.choices)
    unit = forms.IntegerField(label="所在单位（回避本单位）", required=False)
    user = forms.IntegerField(label="平台账号（可选）", required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label="述职报告（PDF 或 Word .docx）")


class FindingsForm(forms.Form):
    due_date = forms.DateField(label="整改期限")


def _threshold(session) -> float:
    return float(policy_value("reviews.rating_low_threshold", session.region_id))


# ---- sessions -----------------------------------------------------------------------------------------------

@login_required
def session_list(request):
    if not has_role(request.user, *READERS):
        if scope_for(request.user).unit_ids:
            return redirect("reviews:session_mine")
        raise Http404
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "status", "q")}
    sessions = selectors.session_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("述职评议", "述职评议", SESSION_EXPORT, sessions.iterator(chunk_size=2000))
    page, size = paginate(request, sessions)
    return render(request, "reviews/rating_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": SessionStatus.choices, "years": selectors.session_years(request.user),
        "can_create": selectors.holds_office(request.user)})


def _form_message(form) -> str:
    return "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                                  for k, v in form.errors.items())


@login_required
@require_role(Role.OFFICE)
def session_create(request):
    year = timezone.localdate().year
    form = SessionForm(request.POST or None, user=request.user,
                       initial={"year": year, "title": f"{year}年度督导委员会成员单位和乡镇（街道）履行教育职责述职评议",
                                "combine": CombineRule.TRIMMED})
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            region = selectors.office_counties(request.user).filter(code=data["region"]).first()
            try:
                session = services.session_create(actor=request.user, region=region, title=data["title"],
                                                  year=data["year"], held_on=data["held_on"],
                                                  framework=data["framework"], combine=data["combine"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, f"已创建述职评议“{session.title}”，请添加述职单位和评议人。")
                return redirect("reviews:session_detail", pk=session.pk)
        else:
            message = _form_message(form)
    return render(request, "reviews/rating_form.html", {"form": form, "message": message},
                  status=400 if message else 200)


@login_required
@require_role(Role.OFFICE)
def session_edit(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    form = SessionForm(request.POST or None, user=request.user, session=session, initial={
        "title": session.title, "year": session.year, "held_on": session.held_on, "framework": session.framework_id,
        "combine": session.combine})
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.session_update(actor=request.user, session=session, title=data["title"], year=data["year"],
                                        held_on=data["held_on"], framework=data["framework"],
                                        combine=data["combine"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, "述职评议已保存。")
                return redirect("reviews:session_detail", pk=session.pk)
        else:
            message = _form_message(form)
    return render(request, "reviews/rating_form.html", {"form": form, "session": session, "message": message},
                  status=400 if message else 200)


@login_required
@require_role(*READERS)
def session_detail(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    office = selectors.holds_office(request.user, session.region_id)
    context = {
        "session": session, "office": office, "reporters": selectors.reporters_of(session),
        "raters": selectors.raters_of(session), "progress": selectors.rater_progress(session),
        "transitions": session.transitions.select_related("actor"),
        "leaf_count": len(selectors.leaf_columns(session)),
    }
    if office:
        context |= {"units": selectors.unit_choices(session.region), "kinds": RaterKind.choices,
                    "users": selectors.region_users(session.region_id)[:500]}
    return render(request, "reviews/rating_detail.html", context)


def _post_session(request, pk: int, write, success: str, *, form=None, invalid: str | None = None):
    session = selectors.get_session_for(request.user, pk)
    attempt(request, lambda: write(session), success, form=form, invalid=invalid)
    return redirect("reviews:session_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def session_open(request, pk: int):
    return _post_session(request, pk, lambda s: services.session_open(actor=request.user, session=s),
                         "评议已开始，评议人可以通过各自的链接评分。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def session_close(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    if attempt(request, lambda: services.session_close(actor=request.user, session=session),
               "评议已结束，结果已汇总。"):
        return redirect("reviews:session_results", pk=pk)
    return redirect("reviews:session_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def session_reopen(request, pk: int):
    form = ReasonForm(request.POST)
    return _post_session(request, pk, lambda s: services.session_reopen(
        actor=request.user, session=s, reason=form.cleaned_data["reason"]), "已重新开放评议，汇总结果已清除。",
        form=form, invalid="请写明重新开放的原因。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def session_publish(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    attempt(request, lambda: services.session_publish(actor=request.user, session=session),
            "评议结果已公布到结果公开页面。")
    return redirect("reviews:session_results", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def session_unpublish(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    form = ReasonForm(request.POST)
    attempt(request, lambda: services.session_unpublish(actor=request.user, session=session,
                                                        reason=form.cleaned_data["reason"]),
            "已撤回公布的评议结果。", form=form, invalid="撤回须写明原因。")
    return redirect("reviews:session_results", pk=pk)


# ---- reporters ----------------------------------------------------------------------------------------------

@login_required
@require_POST
@require_role(Role.OFFICE)
def reporters_add(request, pk: int):
    def write(session):
        added = services.reporters_add(actor=request.user, session=session, units=request.POST.getlist("units"))
        return f"已添加 {len(added)} 个述职单位。"

    return _post_session(request, pk, write, None)


@login_required
@require_POST
@require_role(Role.OFFICE)
def reporters_default(request, pk: int):
    def write(session):
        added = services.reporters_add_default(actor=request.user, session=session)
        return f"已添加 {len(added)} 个述职单位（督导委员会成员单位和乡镇、街道）。"

    return _post_session(request, pk, write, None)


@login_required
@require_POST
@require_role(Role.OFFICE)
def reporter_remove(request, pk: int):
    reporter = selectors.get_reporter_for(request.user, pk)
    attempt(request, lambda: services.reporter_remove(actor=request.user, reporter=reporter),
            f"已移除述职单位“{reporter.unit.name}”。")
    return redirect("reviews:session_detail", pk=reporter.session_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def reporter_move(request, pk: int, up: bool):
    reporter = selectors.get_reporter_for(request.user, pk)
    attempt(request, lambda: services.reporter_move(actor=request.user, reporter=reporter, up=up), "述职顺序已调整。")
    return redirect(reverse("reviews:session_detail", args=[reporter.session_id]) + "#reporters")


@login_required
@require_POST
def report_upload(request, pk: int):
    reporter = selectors.get_reporter_for(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    attempt(request, lambda: services.report_upload(actor=request.user, reporter=reporter,
                                                    upload=form.cleaned_data["file"]),
            "述职报告已上传。", form=form, invalid="请选择述职报告文件（PDF 或 Word .docx）。")
    if selectors.holds_office(request.user, reporter.session.region_id):
        return redirect(reverse("reviews:session_detail", args=[reporter.session_id]) + "#reporters")
    return redirect("reviews:session_mine")


@login_required
def session_mine(request):
    """A unit's own reporter entries: upload the 述职报告; the result once published."""
    rows = selectors.my_reporters(request.user)
    if not rows.exists() and not scope_for(request.user).unit_ids:
        raise Http404
    return render(request, "reviews/rating_mine.html", {"rows": rows, "upload_form": UploadForm()})


# ---- raters -------------------------------------------------------------------------------------------------

@login_required
@require_POST
@require_role(Role.OFFICE)
def rater_add(request, pk: int):
    form = RaterForm(request.POST)

    def write(session):
        data = form.cleaned_data
        rater = services.rater_add(actor=request.user, session=session, name=data["name"], kind=data["kind"],
                                   unit=data["unit"], user=data["user"])
        return f"已添加评议人“{rater.name}”。"

    return _post_session(request, pk, write, None, form=form, invalid="请填写评议人姓名并选择身份。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def rater_remove(request, pk: int):
    rater = selectors.get_rater_for(request.user, pk)
    attempt(request, lambda: services.rater_remove(actor=request.user, rater=rater), f"已移除评议人“{rater.name}”。")
    return redirect(reverse("reviews:session_detail", args=[rater.session_id]) + "#raters")


@login_required
@require_POST
@require_role(Role.OFFICE)
def rater_reissue(request, pk: int):
    rater = selectors.get_rater_for(request.user, pk)
    attempt(request, lambda: services.rater_reissue(actor=request.user, rater=rater),
            f"已为“{rater.name}”重新生成评议链接，原链接已失效。")
    return redirect(reverse("reviews:session_detail", args=[rater.session_id]) + "#raters")


@login_required
@require_role(Role.OFFICE)
@never_cache
def rater_links(request, pk: int):
    """The printable sheet: each rater's personal link and its QR code (office only: the links are the keys)."""
    session = selectors.get_session_for(request.user, pk)
    if not selectors.holds_office(request.user, session.region_id):
        raise Http404
    rows = []
    for rater in selectors.raters_of(session):
        url = request.build_absolute_uri(reverse("reviews:rate_sheet", args=[rater.key]))
        rows.append({"rater": rater, "url": url, "qr": qr_svg(url)})
    return render(request, "reviews/rating_links.html", {"session": session, "rows": rows})


# ---- results ------------------------------------------------------------------------------------------------

def _result_export(session):
    columns = selectors.leaf_columns(session)
    base = [("名次", lambda r: r.reporter.rank), ("述职单位", lambda r: r.reporter.unit.name),
            ("得分", lambda r: None if r.reporter.score is None else round(r.reporter.score, 2)),
            ("等级", lambda r: r.reporter.level), ("评议人数", lambda r: r.reporter.rater_count),
            ("评议人数不足", lambda r: r.reporter.few_raters)]
    leaves = [(f"{c.code} {c.name}（得分率%）", lambda r, i=i: None if r.leaves[i] is None else round(r.leaves[i], 1))
              for i, c in enumerate(columns)]
    return base + leaves


@login_required
@require_role(*READERS)
def session_results(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    rows = selectors.result_rows(session)
    if request.GET.get("export") == "xlsx":
        return xlsx_sheets_response(f"{session.title}结果", [("评议结果", _result_export(session), rows)])
    office = selectors.holds_office(request.user, session.region_id)
    return render(request, "reviews/rating_results.html", {
        "session": session, "rows": rows, "columns": selectors.leaf_columns(session), "office": office,
        "minimum": policy_value("reviews.rating_min_raters", session.region_id),
        "computed": session.status in (SessionStatus.CLOSED, SessionStatus.PUBLISHED)})


@login_required
@require_role(*READERS)
def session_document(request, pk: int):
    """述职评议结果 (.docx) from the region's template in force (sandboxed)."""
    session = selectors.get_session_for(request.user, pk)
    if session.status not in (SessionStatus.CLOSED, SessionStatus.PUBLISHED):
        messages.error(request, "评议结果汇总后才能生成述职评议结果文书。")
        return redirect("reviews:session_detail", pk=pk)
    try:
        data = render_docx("rating_result", session.region_id, selectors.document_context(session))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:session_results", pk=pk)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(session.title + '结果.docx')}"
    return response


@login_required
@require_role(Role.OFFICE)
def session_findings(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    threshold = _threshold(session)
    return render(request, "reviews/rating_findings.html", {
        "session": session, "items": selectors.low_items(session, threshold), "threshold": threshold,
        "office": selectors.holds_office(request.user, session.region_id),
        "due": timezone.localdate() + datetime.timedelta(days=30)})


@login_required
@require_POST
@require_role(Role.OFFICE)
def findings_raise(request, pk: int):
    session = selectors.get_session_for(request.user, pk)
    form = FindingsForm(request.POST)

    def write():
        findings = services.findings_raise(actor=request.user, session=session, items=request.POST.getlist("items"),
                                           due_date=form.cleaned_data["due_date"])
        return f"已列入问题整改 {len(findings)} 项，可在问题台账中跟踪。"

    attempt(request, write, None, form=form, invalid="请填写整改期限。")
    return redirect("reviews:session_findings", pk=pk)


# ---- the rating sheet (no login) ----------------------------------------------------------------------------

def _address() -> str:
    ip = current_request_meta().get("ip") or ""
    return hashlib.sha256(f"{settings.SECRET_KEY}|{ip}".encode()).hexdigest()[:16]


def _over(kind: str, limit: int) -> bool:
    """A per-address hourly counter (the public survey's idiom: one cache round trip in the usual case)."""
    key = f"dudao:rating-{kind}:{_address()}:{timezone.now():%Y%m%d%H}"
    try:
        return cache.incr(key) > limit
    except ValueError:
        if cache.add(key, 1, 3700):
            return limit < 1
        return cache.incr(key) > limit


def _rater_or_404(key: str):
    """The rater of a key; an unknown key counts against the address's guess limit, and once over it every
    request of the address is refused (429) for the hour, known keys too."""
    if _over("requests", int(policy_value("reviews.rating_requests_per_hour", ""))):
        return None, _refused("请求过于频繁，请稍后再试。", 429)
    guesses_key = f"dudao:rating-guesses:{_address()}:{timezone.now():%Y%m%d%H}"
    if (cache.get(guesses_key) or 0) >= int(policy_value("reviews.rating_bad_keys_per_hour", "")):
        return None, _refused("无效链接过多，请稍后再试，或联系督导室重新获取评议链接。", 429)
    rater = selectors.rater_by_key(key)
    if rater is None:
        _over("guesses", 10**9)
        raise Http404("评议链接无效或已失效。")
    return rater, None


def _refused(message: str, status: int):
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _leaf_rows(session):
    tree = build_tree(session.framework.definition)
    rows = []
    for node in tree.leaves:
        rule = node.rule or {}
        if rule.get("kind") == "text":
            continue
        parent = tree.nodes[node.parent].name if node.parent else ""
        rows.append({"code": node.code, "name": node.name, "parent": parent, "rule": rule_text(rule),
                     "choices": _choices(rule)})
    return rows


def _choices(rule: dict) -> list[str]:
    """The buttons of a leaf on the phone: whole points up to 10, the levels, 达标/不达标; else a typed value."""
    kind = rule.get("kind")
    if kind == "points" and float(rule.get("max") or 0).is_integer() and 0 < rule["max"] <= 10:
        return [str(n) for n in range(int(rule["max"]) + 1)]
    if kind == "levels":
        return list(rule.get("levels") or {})
    if kind == "yesno":
        return ["达标", "不达标"]
    return []


@csrf_protect
@never_cache
def rate_sheet(request, key: str):
    rater, refused = _rater_or_404(key)
    if refused:
        return refused
    session = rater.session
    saved = selectors.sheet_ratings(rater)
    reporters = [r for r in session.reporters.select_related("unit", "report").order_by("position", "pk")
                 if not (rater.unit_id and r.unit_id == rater.unit_id)]
    leaves = _leaf_rows(session)
    sheets = []
    for reporter in reporters:
        scores = saved[reporter.pk].scores if reporter.pk in saved else {}
        done = sum(1 for leaf in leaves if leaf["code"] in scores)
        sheets.append({"reporter": reporter, "done": done, "complete": done == len(leaves),
                       "items": [{"leaf": leaf, "value": scores.get(leaf["code"], "")} for leaf in leaves]})
    return render(request, "reviews/rating_sheet.html", {
        "rater": rater, "session": session, "sheets": sheets, "leaves": leaves,
        "open": session.status == SessionStatus.OPEN and not rater.finished_at,
        "recused": rater.unit if rater.unit_id else None,
        "finished": rater.finished_at, "complete": all(s["complete"] for s in sheets)})


@csrf_protect
@require_POST
@never_cache
def rate_save(request, key: str):
    rater, refused = _rater_or_404(key)
    if refused:
        return refused
    if len(request.POST) > 400:
        message, ok = "提交的内容过多。", False
    else:
        scores = {k[2:]: v for k, v in request.POST.items() if k.startswith("s_")}
        try:
            rating = services.rating_save(rater=rater, reporter=request.POST.get("reporter", ""), scores=scores)
        except ApplicationError as exc:
            message, ok = exc.message, False
        else:
            message, ok = f"已保存 {timezone.localtime(rating.submitted_at):%H:%M:%S}", True
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message}, status=200 if ok else 400)
    (messages.success if ok else messages.error)(request, message)
    return redirect(reverse("reviews:rate_sheet", args=[key]) + f"#r{request.POST.get('reporter', '')[:12]}")


@csrf_protect
@require_POST
@never_cache
def rate_submit(request, key: str):
    rater, refused = _rater_or_404(key)
    if refused:
        return refused
    try:
        services.rating_submit(rater=rater)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    # done: the sheet itself says it was submitted and is locked (no second message)
    return redirect("reviews:rate_sheet", key=key)
