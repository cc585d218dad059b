"""Pages of area projects: 课题：成员、开题、中期、结题. Views are thin: forms parse, services write, selectors read."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.web import require_role
from dudao.regions.models import Region, RegionLevel
from dudao.research.models import (
    PROJECT_WORKFLOW,
    ProjectLevel,
    ProjectMember,
    ProjectMemberRole,
    ProjectResult,
    ProjectStatus,
)
from dudao.research.selectors import projects as selectors
from dudao.research.services import projects as services
from dudao.schools.models import School

User = get_user_model()
DATE = {"type": "date"}
FILTERS = ("level", "status", "q")
EXPORT = [
    ("课题编号", lambda p: p.number), ("课题名称", lambda p: p.title), ("级别", lambda p: p.get_level_display()),
    ("承担单位", lambda p: p.school.name if p.school_id else f"{p.region.name}教育督导室"),
    ("负责人", lambda p: p.owner.get_full_name() or p.owner.username), ("成员数", lambda p: p.n_members),
    ("立项日期", lambda p: p.started_on), ("计划结题日期", lambda p: p.planned_end),
    ("状态", lambda p: p.get_status_display()), ("下一节点截止", lambda p: p.next_due),
    ("结题结论", lambda p: p.get_result_display()), ("结题日期", lambda p: p.concluded_on),
]


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProjectForm(forms.Form):
    title = forms.CharField(label="课题名称", max_length=200)
    level = forms.ChoiceField(label="课题级别", choices=ProjectLevel.choices)
    number = forms.CharField(label="课题编号", max_length=64, required=False)
    school = forms.ModelChoiceField(label="承担学校", queryset=School.objects.none(), required=False,
                                    empty_label="（督导室承担）")
    owner = forms.CharField(label="负责人登录账号", max_length=150,
                            help_text="本区县的督学、承担学校的学校用户或督导室人员")
    started_on = forms.DateField(label="立项日期", widget=forms.DateInput(attrs=DATE))
    planned_end = forms.DateField(label="计划结题日期", widget=forms.DateInput(attrs=DATE))
    opening_due = forms.DateField(label="开题截止", widget=forms.DateInput(attrs=DATE))
    midterm_due = forms.DateField(label="中期截止", widget=forms.DateInput(attrs=DATE))
    final_due = forms.DateField(label="结题截止", widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.visible_to(user, as_roles=(Role.OFFICE,)).only(
            "id", "name", "code").order_by("code")
        style_form(self)


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    unit = forms.CharField(label="工作单位", max_length=128, required=False)
    role = forms.ChoiceField(label="分工", choices=ProjectMemberRole.choices, initial=ProjectMemberRole.MEMBER)
    username = forms.CharField(label="登录账号（可选）", max_length=150, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点名称", max_length=100)
    due_on = forms.DateField(label="截止日期", widget=forms.DateInput(attrs=DATE))


class SubmitForm(forms.Form):
    files = MultiFileField(label="材料（可多选）", required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="评审结论", choices=[("pass", "通过"), ("return", "退回修改")])
    done_on = forms.DateField(label="完成日期", required=False, widget=forms.DateInput(attrs=DATE))
    comment = forms.CharField(label="评审意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(label="结题结论", choices=ProjectResult.choices)
    concluded_on = forms.DateField(label="结题日期", required=False, widget=forms.DateInput(attrs=DATE))
    extended_to = forms.DateField(label="延期至（仅延期）", required=False, widget=forms.DateInput(attrs=DATE))
    outcome = forms.CharField(label="成果简介", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    comment = forms.CharField(label="鉴定意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultiFileField(label="成果材料（可多选）", required=False)


class TerminateForm(forms.Form):
    reason = forms.CharField(label="终止原因", widget=forms.Textarea(attrs={"rows": 2}))


def _office_county(user) -> Region | None:
    """The county the user is the office of (the first one): where a new project is registered."""
    scope = scope_for(user)
    if not (scope.everything or scope.has_role(Role.OFFICE)):
        return None
    counties = Region.objects.visible_to(user, as_roles=(Role.OFFICE,)).filter(level=RegionLevel.COUNTY)
    return counties.order_by("code").first()


@login_required
def project_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    projects = selectors.project_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("课题", "课题", EXPORT, projects.iterator(chunk_size=2000))
    page, size = paginate(request, projects)
    return render(request, "research/projects/list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "levels": ProjectLevel.choices, "statuses": ProjectStatus.choices,
        "can_create": _office_county(request.user) is not None,
    })


@login_required
@require_role(Role.OFFICE)
def project_new(request):
    county = _office_county(request.user)
    if county is None:
        raise Http404
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = User.objects.filter(username=data.pop("owner").strip()).first()
        school = data.pop("school")
        region = Region.objects.get(code=school.region_id[:6]) if school else county
        try:
            project = services.project_create(actor=request.user, region=region, owner=owner, school=school, **data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "课题已立项，开题、中期、结题三个节点已建立。")
            return redirect("research:project_detail", pk=project.pk)
    return render(request, "research/projects/new.html", {"form": form, "county": county})


@login_required
def project_detail(request, pk: int):
    project = selectors.get_project_for(request.user, pk)
    is_office = scope_for(request.user).holds(project.region_id, Role.OFFICE)
    participant = services.is_participant(request.user, project)
    return render(request, "research/projects/detail.html", {
        "project": project, **selectors.project_parts(project), "is_office": is_office,
        "participant": participant, "can_members": project.is_open and (is_office or participant),
        "next_states": [PROJECT_WORKFLOW.label(s) for s in PROJECT_WORKFLOW.allowed_from(project.status)],
        "member_form": style_form(MemberForm()), "milestone_form": style_form(MilestoneForm()),
        "submit_form": style_form(SubmitForm()), "review_form": style_form(ReviewForm()),
        "conclude_form": style_form(ConcludeForm()), "terminate_form": style_form(TerminateForm()),
    })


def _errors(form) -> str:
    return "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items() if k in form.fields) or "输入有误。"


def _act(request, pk: int, form_class, call, success: str, *, files: bool = False):
    project = selectors.get_project_for(request.user, pk)
    form = form_class(request.POST, request.FILES if files else None)
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        try:
            call(project, form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    return redirect("research:project_detail", pk=pk)


@require_POST
@login_required
def member_add(request, pk: int):
    return _act(request, pk, MemberForm, lambda p, d: services.member_add(actor=request.user, project=p, **d),
                "已添加课题成员。")


@require_POST
@login_required
def member_remove(request, pk: int, member_pk: int):
    project = selectors.get_project_for(request.user, pk)
    member = ProjectMember.objects.filter(project=project, pk=member_pk).first()
    if member is None:
        raise Http404
    try:
        services.member_remove(actor=request.user, member=member)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将{member.name}移出课题。")
    return redirect("research:project_detail", pk=pk)


@require_POST
@login_required
def milestone_add(request, pk: int):
    return _act(request, pk, MilestoneForm, lambda p, d: services.milestone_add(actor=request.user, project=p, **d),
                "已增加课题节点。")


@require_POST
@login_required
def milestone_submit(request, pk: int, milestone_pk: int):
    def call(project, data):
        milestone = selectors.milestone_of(project, milestone_pk)
        services.milestone_submit(actor=request.user, milestone=milestone, note=data["note"], uploads=data["files"])
    return _act(request, pk, SubmitForm, call, "材料已提交，等待督导室评审。", files=True)


@require_POST
@login_required
def milestone_review(request, pk: int, milestone_pk: int):
    def call(project, data):
        milestone = selectors.milestone_of(project, milestone_pk)
        services.milestone_review(actor=request.user, milestone=milestone, passed=data["decision"] == "pass",
                                  comment=data["comment"], done_on=data["done_on"])
    return _act(request, pk, ReviewForm, call, "评审结果已记录。")


@require_POST
@login_required
def project_conclude(request, pk: int):
    def call(project, data):
        services.project_conclude(actor=request.user, project=project, result=data["result"],
                                  outcome=data["outcome"], comment=data["comment"],
                                  concluded_on=data["concluded_on"], extended_to=data["extended_to"],
                                  uploads=data["files"])
    return _act(request, pk, ConcludeForm, call, "结题鉴定已记录。", files=True)


@require_POST
@login_required
def project_terminate(request, pk: int):
    return _act(request, pk, TerminateForm,
                lambda p, d: services.project_terminate(actor=request.user, project=p, reason=d["reason"]),
                "课题已终止。")
