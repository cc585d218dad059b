"""Forms and POST parsing for 挂牌督导 pages; they only parse input, services decide."""

import datetime
import uuid

from django import forms
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.people.models import Inspector, InspectorStatus
from dudao.rectification.models import FollowUp
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import Campus, School, SchoolType
from dudao.zones.models import (
    METHODS,
    ROUTINE_ITEMS,
    ComplaintChannel,
    ComplaintKind,
    LessonRating,
    ReplyChannel,
    VisitReason,
    Zone,
)

DATE = {"type": "date"}


class ZoneForm(forms.Form):
    code = forms.CharField(label="责任区编码", max_length=32)
    name = forms.CharField(label="责任区名称", max_length=64)
    region = forms.ModelChoiceField(label="所在县（区）", queryset=None)
    lead = forms.ModelChoiceField(label="牵头督学", queryset=None, required=False)
    note = forms.CharField(label="备注", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY)
        self.fields["lead"].queryset = Inspector.objects.visible_to(user).filter(status=InspectorStatus.ACTIVE)
        style_form(self)


class AssignForm(forms.Form):
    school = forms.ModelChoiceField(label="学校", queryset=None)
    campus = forms.ModelChoiceField(label="校区（按校区分别挂牌时选择）", queryset=None, required=False)
    inspector = forms.ModelChoiceField(label="责任督学", queryset=None)
    started_on = forms.DateField(label="挂牌日期", widget=forms.DateInput(attrs=DATE), initial=timezone.localdate)

    def __init__(self, *args, user, zone, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.visible_to(user).filter(region__code__startswith=zone.region_id).exclude(
            school_type=SchoolType.TRAINING)
        self.fields["school"].queryset = schools.order_by("code")
        self.fields["campus"].queryset = Campus.objects.filter(school__in=schools).select_related("school")
        self.fields["campus"].label_from_instance = lambda c: f"{c.school.name}（{c.name}）"
        self.fields["inspector"].queryset = Inspector.objects.visible_to(user).filter(
            status=InspectorStatus.ACTIVE, region__code__startswith=zone.region_id[:6])
        style_form(self)


class EndAssignmentForm(forms.Form):
    date = forms.DateField(label="结束日期", widget=forms.DateInput(attrs=DATE), initial=timezone.localdate)
    reason = forms.CharField(label="结束原因", max_length=255)


class CrossPlanForm(forms.Form):
    visiting_zone = forms.ModelChoiceField(label="派出责任区", queryset=None)
    host_zone = forms.ModelChoiceField(label="被督导责任区", queryset=None)
    planned_on = forms.DateField(label="计划日期", widget=forms.DateInput(attrs=DATE))
    inspectors = forms.ModelMultipleChoiceField(label="参加督学", queryset=None, widget=forms.SelectMultiple(attrs={"size": 6}))
    note = forms.CharField(label="任务说明", required=False, max_length=255)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        zones = Zone.objects.visible_to(user)
        self.fields["visiting_zone"].queryset = zones
        self.fields["host_zone"].queryset = zones
        self.fields["inspectors"].queryset = Inspector.objects.visible_to(user).filter(status=InspectorStatus.ACTIVE)
        style_form(self)


class ComplaintForm(forms.Form):
    """Office staff typing in a complaint received by phone, letter or visit."""

    school = forms.ModelChoiceField(label="涉及学校", queryset=None)
    kind = forms.ChoiceField(label="类型", choices=ComplaintKind.choices)
    channel = forms.ChoiceField(label="来源渠道", choices=[c for c in ComplaintChannel.choices if c[0] != "public_page"])
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 4}))
    complainant_name = forms.CharField(label="反映人", required=False, max_length=64)
    complainant_phone = forms.CharField(label="联系电话", required=False, max_length=32)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.visible_to(user).order_by("code")
        style_form(self)


class PublicComplaintForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ComplaintKind.choices, widget=forms.RadioSelect,
                             initial=ComplaintKind.COMPLAINT)
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    complainant_name = forms.CharField(label="您的称呼（选填）", required=False, max_length=64)
    complainant_phone = forms.CharField(label="联系电话（选填，便于答复）", required=False, max_length=32)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people leave it empty

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ComplaintActionForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    assigned_to = forms.ModelChoiceField(label="承办督学", queryset=None, required=False)
    verification = forms.CharField(label="核实情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    substantiated = forms.NullBooleanField(label="反映情况是否属实", required=False, widget=forms.Select(
        choices=[("unknown", "请选择"), ("true", "属实"), ("false", "不属实")]))
    raise_finding = forms.BooleanField(label="登记为问题，纳入整改台账", required=False)
    finding_item = forms.ChoiceField(label="问题所属督导事项", required=False, choices=[("", "—")] + ROUTINE_ITEMS)
    reply_channel = forms.ChoiceField(label="答复方式", required=False, choices=[("", "—")] + ReplyChannel.choices)
    reply_text = forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = Inspector.objects.visible_to(user).filter(status=InspectorStatus.ACTIVE)
        style_form(self)


# ---- the visit form (tablet): scalar fields here, repeated rows parsed from POST lists ---------------

class VisitForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    school = forms.IntegerField(label="学校")
    campus = forms.IntegerField(label="校区", required=False)
    date = forms.DateField(label="督导日期", widget=forms.DateInput(attrs=DATE))
    start = forms.TimeField(label="到校时间", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="离校时间", widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.ChoiceField(label="督导类型", choices=VisitReason.choices, initial=VisitReason.ASSIGNED)
    reason_note = forms.CharField(label="任务来源说明", required=False, max_length=255)
    topic = forms.CharField(label="本月专项督导内容", required=False, max_length=128)
    narrative = forms.CharField(label="督导纪实", widget=forms.Textarea(attrs={"rows": 5}))
    highlights = forms.CharField(label="亮点与经验", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


def new_client_id() -> str:
    return str(uuid.uuid4())


def visit_payload(form: VisitForm, post) -> dict:
    """Everything the visit service needs from a valid VisitForm plus the repeated rows of the POST."""
    data = form.cleaned_data
    tz = timezone.get_current_timezone()
    started = datetime.datetime.combine(data["date"], data["start"], tzinfo=tz)
    ended = datetime.datetime.combine(data["date"], data["end"], tzinfo=tz)
    methods = {}
    for code, _label in METHODS:
        raw = (post.get(f"method_{code}") or "").strip()
        if raw:
            if not raw.isdigit():
                raise ApplicationError("督导方式的次数应为非负整数。")
            methods[code] = int(raw)
    problems = []
    for item, follow_up, description, requirement in zip(
            post.getlist("problem_item"), post.getlist("problem_follow_up"), post.getlist("problem_description"),
            post.getlist("problem_requirement"), strict=False):
        if item or description.strip():
            problems.append({"item": item, "follow_up": follow_up, "description": description, "requirement": requirement})
    lessons = []
    for class_name, subject, teacher, rating, notes in zip(
            post.getlist("lesson_class"), post.getlist("lesson_subject"), post.getlist("lesson_teacher"),
            post.getlist("lesson_rating"), post.getlist("lesson_notes"), strict=False):
        if class_name.strip() or subject.strip() or teacher.strip():
            lessons.append({"class_name": class_name, "subject": subject, "teacher": teacher, "rating": rating,
                            "notes": notes})
    return {"client_id": data["client_id"], "started_at": started, "ended_at": ended, "methods": methods,
            "items": post.getlist("items"), "topic": data["topic"], "narrative": data["narrative"],
            "highlights": data["highlights"], "reason": data["reason"], "reason_note": data["reason_note"],
            "problems": problems, "lessons": lessons}


FOLLOW_UPS = FollowUp.choices
RATINGS = LessonRating.choices
