"""因需督导 pages (issue 23): the request list (filters, search, Excel, pages), one request (its history, the
office's decision, the inspector's 关联督导纪实), the new-request form of a school or unit user (stacked on a phone),
and the office's 督导菜单 (create, edit, stop/open, move). Thin: parse, call a service or a read, render; one URL
per action."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.checks.models import RequestOutcome, RequestStatus
from dudao.checks.selectors import requests as selectors
from dudao.checks.services import requests as services
from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.web import has_role, require_role

STAFF = (Role.OFFICE, Role.LEADER)

REQUEST_EXPORT = [
    ("申请时间", lambda r: r.submitted_at), ("申请学校/单位", lambda r: r.target_name), ("督导主题", lambda r: str(r)),
    ("主题来源", lambda r: "督导菜单" if r.topic_id else "自拟"), ("申请理由与需求", lambda r: r.reason),
    ("希望开始日期", lambda r: r.preferred_from), ("希望结束日期", lambda r: r.preferred_to),
    ("申请人", lambda r: person_name(r.submitted_by)), ("状态", lambda r: r.get_status_display()),
    ("安排方式", lambda r: r.get_outcome_display()), ("承办督学", lambda r: r.inspector.name if r.inspector_id else ""),
    ("计划完成日期", lambda r: r.due_on), ("处理意见", lambda r: r.decision_note),
    ("处理人", lambda r: person_name(r.decided_by, nobody="") if r.decided_by_id else ""), ("处理时间", lambda r: r.decided_at),
    ("完成时间", lambda r: r.done_at),
]


# ---- forms (they only parse) -------------------------------------------------------------------------------------

class RequestForm(forms.Form):
    target = forms.ChoiceField(label="申请学校/单位")
    topic = forms.ChoiceField(label="督导菜单中的主题", required=False)
    free_topic = forms.CharField(label="或自拟主题", max_length=128, required=False,
                                 help_text="菜单中没有合适的主题时填写；与菜单主题二选一")
    reason = forms.CharField(label="申请理由与需求", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text="希望督学重点关注什么、学校遇到的困难")
    preferred_from = forms.DateField(label="希望开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    preferred_to = forms.DateField(label="希望结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, schools, units, menu, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {f"school:{s.pk}": s for s in schools}
        self.units = {f"unit:{u.pk}": u for u in units}
        self.fields["target"].choices = [(k, t.name) for k, t in (self.schools | self.units).items()]
        self.menu = {str(t.pk): t for t in menu}
        self.fields["topic"].choices = [("", "（不选，自拟主题）")] + [
            (k, f"{t.title}（{t.duration}）" if t.duration else t.title) for k, t in self.menu.items()]
        style_form(self)

    def target_kwargs(self) -> dict:
        key = self.cleaned_data["target"]
        return {"school": self.schools.get(key), "unit": self.units.get(key)}


class TopicForm(forms.Form):
    region = forms.ChoiceField(label="发布区划")
    title = forms.CharField(label="督导主题", max_length=128)
    content = forms.CharField(label="督导内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="这项督导包括哪些内容、督学怎样开展")
    duration = forms.CharField(label="所需时间", max_length=64, required=False, help_text="例如：半天、1 天")

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.fields["region"].choices = [(c, r.name) for c, r in self.regions.items()]
        style_form(self)


class AcceptForm(forms.Form):
    outcome = forms.ChoiceField(label="安排方式", choices=RequestOutcome.choices, widget=forms.RadioSelect)
    inspector = forms.ChoiceField(label="承办督学", required=False,
                                  help_text="不选：由学校的责任督学承办（专项检查按检查对象的责任督学）")
    due_on = forms.DateField(label="计划完成日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                             help_text="责任督学专项督导必填；立项督导评估作为项目结束日期")
    framework = forms.ChoiceField(label="指标体系（立项督导评估）", required=False)
    note = forms.CharField(label="处理意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, inspectors, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspectors = {str(i.pk): i for i in inspectors}
        self.frameworks = {str(f.pk): f for f in frameworks}
        self.fields["inspector"].choices = [("", "（责任督学）")] + [(k, i.name) for k, i in self.inspectors.items()]
        self.fields["framework"].choices = [("", "（请选择）")] + [
            (k, f"{f.name}（第{f.version}版）") for k, f in self.frameworks.items()]
        style_form(self)


class DeclineForm(forms.Form):
    note = forms.CharField(label="不予受理的理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class NoteForm(forms.Form):
    note = forms.CharField(label="完成说明", max_length=2000, required=False)


# ---- requests ----------------------------------------------------------------------------------------------------

@login_required
def request_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "outcome", "topic", "q")}
    rows = selectors.request_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("督导申请", "督导申请", REQUEST_EXPORT, rows.iterator(chunk_size=2000))
    page, size = paginate(request, rows)
    schools, units = services.owned_targets(request.user)
    return render(request, "checks/requests_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": RequestStatus.choices, "outcomes": RequestOutcome.choices,
        "topics": selectors.topic_options(request.user), "can_file": bool(schools or units),
        "staff": has_role(request.user, *STAFF), "filtered": any(filters.values())})


def _detail(request, req, *, accept_form=None, decline_form=None, status=200):
    office = selectors.is_office_for(request.user, req)
    deciding = office and req.status == RequestStatus.SUBMITTED
    if deciding and accept_form is None:
        accept_form = AcceptForm(inspectors=selectors.inspector_choices(req),
                                 frameworks=selectors.framework_choices(request.user, req),
                                 initial={"outcome": RequestOutcome.INSPECTION if req.unit_id else RequestOutcome.VISIT,
                                          "due_on": req.preferred_to})
    accepted = req.status == RequestStatus.ACCEPTED
    linking = accepted and req.outcome == RequestOutcome.VISIT and (
        office or selectors.is_inspector_of(request.user, req))
    return render(request, "checks/requests_detail.html", {
        "req": req, "history": selectors.history(req), "office": office, "deciding": deciding,
        "accept_form": accept_form, "decline_form": decline_form or DeclineForm(),
        "linking": linking, "visits": selectors.visits_to_link(req) if linking else [],
        # only the 承办督学 can write the visit record (the office would get a 404 from the visit form)
        "writes_visit": linking and selectors.is_inspector_of(request.user, req),
        "can_mark_done": office and accepted and req.outcome != RequestOutcome.VISIT,
    }, status=status)


@login_required
def request_detail(request, pk: int):
    return _detail(request, selectors.get_request_for(request.user, pk))


@login_required
def request_new(request):
    schools, units = services.owned_targets(request.user)
    if not (schools or units):
        raise Http404
    first = schools[0] if schools else units[0]
    menu = selectors.menu_for_region(first.region_id)
    form = RequestForm(request.POST or None, schools=schools, units=units, menu=menu,
                       initial={"topic": request.GET.get("topic", "")})
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                req = services.request_submit(
                    actor=request.user, **form.target_kwargs(), topic=form.menu.get(data["topic"]),
                    free_topic=data["free_topic"], reason=data["reason"], preferred_from=data["preferred_from"],
                    preferred_to=data["preferred_to"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, "督导申请已提交，督导室处理后您会收到消息，也可以在本页查看状态。")
                return redirect("checks:request_detail", pk=req.pk)
        else:
            message = "输入有误，请按提示修改。"
    return render(request, "checks/requests_new.html", {"form": form, "message": message, "menu": menu},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
@require_role(Role.OFFICE)
def request_accept(request, pk: int):
    req = selectors.get_request_for(request.user, pk)
    form = AcceptForm(request.POST, inspectors=selectors.inspector_choices(req),
                      frameworks=selectors.framework_choices(request.user, req))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_accept(actor=request.user, request=req, outcome=data["outcome"],
                                    inspector=form.inspectors.get(data["inspector"]), due_on=data["due_on"],
                                    framework=form.frameworks.get(data["framework"]), note=data["note"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已受理该督导申请。")
            return redirect("checks:request_detail", pk=req.pk)
    else:
        messages.error(request, "输入有误：请选择安排方式，并检查日期。")
    return _detail(request, selectors.get_request_for(request.user, pk), accept_form=form, status=400)


@login_required
@require_POST
@require_role(Role.OFFICE)
def request_decline(request, pk: int):
    req = selectors.get_request_for(request.user, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.request_decline(actor=request.user, request=req, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已不予受理，申请单位会看到理由。")
            return redirect("checks:request_detail", pk=req.pk)
    else:
        messages.error(request, "不予受理须写明理由。")
    return _detail(request, selectors.get_request_for(request.user, pk), decline_form=form, status=400)


@login_required
@require_POST
def request_link_visit(request, pk: int):
    req = selectors.get_request_for(request.user, pk)
    raw = request.POST.get("visit", "")
    visit = selectors.visits_to_link(req).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) <= 9 else None
    try:
        if visit is None:
            raise ApplicationError("请选择一条承办督学在受理之后对该校的“专项任务”督导纪实。")
        services.request_link_visit(actor=request.user, request=req, visit=visit)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已关联督导纪实，该申请已完成督导。")
    return redirect("checks:request_detail", pk=req.pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def request_done(request, pk: int):
    req = selectors.get_request_for(request.user, pk)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("完成说明过长。")
        services.request_mark_done(actor=request.user, request=req, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已标记为完成督导。")
    return redirect("checks:request_detail", pk=req.pk)


# ---- 督导菜单 ----------------------------------------------------------------------------------------------------

@login_required
def topic_list(request):
    """Staff: every topic of their menus with the office's actions; a school or unit user: the active topics of
    its region, each with a link to file a request on it; an inspector: the active topics of their schools."""
    schools, units = services.owned_targets(request.user)
    staff = has_role(request.user, *STAFF)
    if staff:
        topics = selectors.office_menu(request.user)
    elif schools or units:
        topics = selectors.menu_for_region((schools or units)[0].region_id)
    else:
        topics = selectors.menu_for_schools(request.user)
    return render(request, "checks/requests_menu.html", {
        "topics": topics,
        "staff": staff, "can_edit": selectors.office_regions(request.user).exists() and has_role(request.user, Role.OFFICE),
        "can_file": bool(schools or units)})


def _topic_form_page(request, form, *, topic=None, message=""):
    return render(request, "checks/requests_topic_form.html", {"form": form, "topic": topic, "message": message},
                  status=400 if form.is_bound else 200)


@login_required
@require_role(Role.OFFICE)
def topic_create(request):
    form = TopicForm(request.POST or None, regions=selectors.office_regions(request.user))
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.topic_create(actor=request.user, region=form.regions[data["region"]], title=data["title"],
                                      content=data["content"], duration=data["duration"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, f"已发布督导主题“{data['title']}”。")
                return redirect("checks:topic_list")
        else:
            message = "输入有误，请按提示修改。"
    return _topic_form_page(request, form, message=message)


@login_required
@require_role(Role.OFFICE)
def topic_edit(request, pk: int):
    topic = selectors.get_topic_for(request.user, pk)
    regions = [topic.region]
    form = TopicForm(request.POST or None, regions=regions, initial={
        "region": topic.region_id, "title": topic.title, "content": topic.content, "duration": topic.duration})
    form.fields["region"].disabled = True
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.topic_update(actor=request.user, topic=topic, title=data["title"], content=data["content"],
                                      duration=data["duration"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, "已保存督导主题。")
                return redirect("checks:topic_list")
        else:
            message = "输入有误，请按提示修改。"
    return _topic_form_page(request, form, topic=topic, message=message)


def _topic_action(request, pk: int, write, success: str):
    topic = selectors.get_topic_for(request.user, pk)
    try:
        write(topic)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("checks:topic_list")


@login_required
@require_POST
@require_role(Role.OFFICE)
def topic_deactivate(request, pk: int):
    return _topic_action(request, pk, lambda t: services.topic_set_active(actor=request.user, topic=t, active=False),
                         "已停止该主题的申请。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def topic_activate(request, pk: int):
    return _topic_action(request, pk, lambda t: services.topic_set_active(actor=request.user, topic=t, active=True),
                         "已重新开放该主题的申请。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def topic_up(request, pk: int):
    return _topic_action(request, pk, lambda t: services.topic_move(actor=request.user, topic=t, up=True), "已上移。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def topic_down(request, pk: int):
    return _topic_action(request, pk, lambda t: services.topic_move(actor=request.user, topic=t, up=False), "已下移。")
