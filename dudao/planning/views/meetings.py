"""Views of planning: meetings (会议, issue 20 item 3). The list (year, kind, search, Excel export), the create and
edit form (attendee pickers: staff and units of the office's region; the start in Beijing time), the meeting page
(agenda, minutes text and file, decisions and what each became) and its POST actions, one view each. Thin: parse,
call a service or a read, render. Leaders read; only office staff of the region write."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.dates import cn_date
from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.web import attempt, require_role
from dudao.planning.models import MeetingKind
from dudao.planning.selectors import meetings as selectors
from dudao.planning.services import meetings as services

READERS = (Role.OFFICE, Role.LEADER)

MEETING_EXPORT = [
    ("编号", lambda m: m.pk), ("会议名称", lambda m: m.title), ("会议类型", lambda m: m.get_kind_display()),
    ("区域", lambda m: m.region.name), ("开始时间", lambda m: m.starts_at), ("地点", lambda m: m.place),
    ("主持人", lambda m: m.host), ("决定事项数", lambda m: m.decision_count),
    ("会议纪要", lambda m: "有" if (m.minutes or m.minutes_file_id) else "无"),
]


class MeetingForm(forms.Form):
    region = forms.ChoiceField(label="所属区域")
    kind = forms.ChoiceField(label="会议类型", choices=[("", "请选择")] + MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=services.TITLE_MAX)
    starts_at = forms.DateTimeField(label="开始时间（北京时间）", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label="地点", max_length=services.PLACE_MAX, required=False)
    host = forms.CharField(label="主持人", max_length=services.HOST_MAX, required=False)
    attendees_note = forms.CharField(label="其他参会人员（不在名单中的人员，如列席代表）", required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    agenda = forms.CharField(label="会议议程（每行一项）", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [(r.code, r.name) for r in selectors.office_regions(user)]
        style_form(self)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="纪要正文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label="纪要文件（PDF 或 Word .docx，可选；上传后替换原文件链接）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class DecisionForm(forms.Form):
    text = forms.CharField(label="决定事项", max_length=services.DECISION_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))
    owner_label = forms.CharField(label="责任人或单位", max_length=services.LABEL_MAX, required=False)
    due_date = forms.DateField(label="完成期限", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class TaskForm(forms.Form):
    section = forms.IntegerField(label="工作要点部分")
    owner_user = forms.IntegerField(label="责任人", required=False)
    owner_label = forms.CharField(label="责任科室", max_length=services.LABEL_MAX, required=False)
    due_date = forms.DateField(label="完成期限")


class FindingForm(forms.Form):
    target = forms.RegexField(label="整改对象", regex=r"^[su]:\d{1,12}$")
    due_date = forms.DateField(label="整改期限")
    requirement = forms.CharField(label="整改要求", required=False, max_length=services.TEXT_MAX)


def _initial(meeting) -> dict:
    return {"kind": meeting.kind, "title": meeting.title,
            "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"), "place": meeting.place,
            "host": meeting.host, "attendees_note": meeting.attendees_note, "agenda": meeting.agenda}


def _picked(request, name: str, meeting=None) -> set[str]:
    if request.method == "POST":
        return set(request.POST.getlist(name))
    if meeting is None:
        return set()
    return {str(pk) for pk in getattr(meeting, name).values_list("pk", flat=True)}


def _form_page(request, form, *, meeting=None, message: str = ""):
    return render(request, "planning/meetings_form.html", {
        "form": form, "meeting": meeting, "message": message,
        "staff": [(u.pk, person_name(u)) for u in selectors.staff_choices(request.user)],
        "units": selectors.unit_choices(request.user),
        "picked_users": _picked(request, "attendee_users", meeting),
        "picked_units": _picked(request, "attendee_units", meeting),
    }, status=400 if message else 200)


def _form_message(form) -> str:
    return "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                                  for k, v in form.errors.items())


@login_required
@require_role(*READERS)
def meeting_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "kind", "q")}
    meetings = selectors.meeting_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("会议", "会议", MEETING_EXPORT, meetings.iterator(chunk_size=2000))
    page, size = paginate(request, meetings)
    return render(request, "planning/meetings_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "kinds": MeetingKind.choices, "years": selectors.meeting_years(request.user),
        "can_create": selectors.holds_office(request.user)})


@login_required
@require_role(Role.OFFICE)
def meeting_create(request):
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    form = MeetingForm(request.POST or None, user=request.user,
                       initial={"starts_at": now.strftime("%Y-%m-%dT%H:%M"),
                                # ?kind=committee (the 督导委员会 page's link) preselects the kind; anything else: 年度工作会议
                                "kind": request.GET.get("kind") if request.GET.get("kind") in MeetingKind.values
                                else MeetingKind.ANNUAL})
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            region = selectors.office_regions(request.user).filter(code=data["region"]).first()
            try:
                meeting = services.meeting_create(
                    actor=request.user, region=region, kind=data["kind"], title=data["title"],
                    starts_at=data["starts_at"], place=data["place"], host=data["host"],
                    attendee_users=request.POST.getlist("attendee_users"),
                    attendee_units=request.POST.getlist("attendee_units"),
                    attendees_note=data["attendees_note"], agenda=data["agenda"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, f"已登记会议“{meeting.title}”。")
                return redirect("planning:meeting_detail", pk=meeting.pk)
        else:
            message = _form_message(form)
    return _form_page(request, form, message=message)


@login_required
@require_role(Role.OFFICE)
def meeting_edit(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    form = MeetingForm(request.POST or None, user=request.user, editing=True, initial=_initial(meeting))
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_update(
                    actor=request.user, meeting=meeting, kind=data["kind"], title=data["title"],
                    starts_at=data["starts_at"], place=data["place"], host=data["host"],
                    attendee_users=request.POST.getlist("attendee_users"),
                    attendee_units=request.POST.getlist("attendee_units"),
                    attendees_note=data["attendees_note"], agenda=data["agenda"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, "会议信息已保存。")
                return redirect("planning:meeting_detail", pk=meeting.pk)
        else:
            message = _form_message(form)
    return _form_page(request, form, meeting=meeting, message=message)


@login_required
@require_role(*READERS)
def meeting_detail(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    office = selectors.holds_office(request.user, meeting.region_id)
    people, units = selectors.attendees(meeting)
    rows = selectors.meeting_decisions(meeting)
    context = {
        "meeting": meeting, "office": office, "people": people, "units": units, "rows": rows,
        "agenda_lines": [line for line in meeting.agenda.splitlines() if line.strip()],
        "day": cn_date(meeting.starts_at),
    }
    if office:
        context |= {
            "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}), "decision_form": DecisionForm(),
            "sections": selectors.plan_sections(meeting),
            "owners": [(u.pk, person_name(u)) for u in selectors.task_owners(meeting.region_id)],
            "schools": selectors.region_schools(meeting.region_id).only("pk", "name"),
            "target_units": selectors.region_units(meeting.region_id).only("pk", "name"),
            "today": timezone.localdate(),
        }
    return render(request, "planning/meetings_detail.html", context)


@login_required
@require_POST
@require_role(Role.OFFICE)
def meeting_delete(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    title = meeting.title
    if attempt(request, lambda: services.meeting_delete(actor=request.user, meeting=meeting), f"已删除会议“{title}”。"):
        return redirect("planning:meeting_list")
    return redirect("planning:meeting_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def meeting_minutes(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    form = MinutesForm(request.POST, request.FILES)

    def write():
        services.minutes_set(actor=request.user, meeting=meeting, text=form.cleaned_data["minutes"],
                             upload=form.cleaned_data.get("file"))
        return "会议纪要已保存。"

    attempt(request, write, form=form)
    return redirect("planning:meeting_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def decision_add(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    form = DecisionForm(request.POST)
    attempt(request, lambda: services.decision_add(
        actor=request.user, meeting=meeting, text=form.cleaned_data["text"],
        owner_label=form.cleaned_data["owner_label"], due_date=form.cleaned_data["due_date"]),
        "已登记决定事项。", form=form)
    return redirect(reverse("planning:meeting_detail", args=[pk]) + "#decisions")


@login_required
@require_POST
@require_role(Role.OFFICE)
def decision_edit(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    form = DecisionForm(request.POST)
    attempt(request, lambda: services.decision_update(
        actor=request.user, decision=decision, text=form.cleaned_data["text"],
        owner_label=form.cleaned_data["owner_label"], due_date=form.cleaned_data["due_date"]),
        "决定事项已保存。", form=form)
    return redirect("planning:meeting_detail", pk=decision.meeting_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def decision_delete(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    attempt(request, lambda: services.decision_delete(actor=request.user, decision=decision), "已删除决定事项。")
    return redirect("planning:meeting_detail", pk=decision.meeting_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def decision_task(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    form = TaskForm(request.POST)

    def write():
        data = form.cleaned_data
        section = selectors.region_section(decision.meeting.region_id, data["section"])
        owner = selectors.task_owner(decision.meeting.region_id, data["owner_user"]) if data["owner_user"] else None
        task = services.decision_to_task(actor=request.user, decision=decision, section=section, owner_user=owner,
                                         owner_label=data["owner_label"], due_date=data["due_date"])
        return f"已转为{section.plan.title}中的工作任务（{section.title}）。" if task else ""

    attempt(request, write, form=form, invalid="请选择工作要点中的部分并填写完成期限。")
    return redirect("planning:meeting_detail", pk=decision.meeting_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def decision_finding(request, pk: int):
    decision = selectors.get_decision_for(request.user, pk)
    form = FindingForm(request.POST)

    def write():
        data = form.cleaned_data
        kind, target = data["target"].split(":")
        services.decision_to_finding(
            actor=request.user, decision=decision, school=int(target) if kind == "s" else None,
            unit=int(target) if kind == "u" else None, due_date=data["due_date"], requirement=data["requirement"])
        return "已列入问题整改，可在问题台账中跟踪。"

    attempt(request, write, form=form, invalid="请选择整改对象（一所学校或一个单位）并填写整改期限。")
    return redirect("planning:meeting_detail", pk=decision.meeting_id)
