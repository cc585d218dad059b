"""Views of projects (帮扶项目, issue 21 item 5): the list (type, year, search, Excel export, pages), the create and
edit form (office), and the project page with each member school's figures at the start and end of the period.
Here in reviews (top of the domain layer) because the figures come from monitoring, quality and surveys; the
writes are the schools app's (dudao/schools/projects.py). Also the section of the inspection target page that
shows, for a group or project target, its member schools' figures beside the score."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.web import require_role
from dudao.regions.models import Region
from dudao.reviews.selectors import projects as selectors
from dudao.schools import projects as services
from dudao.schools.models import Project, ProjectMember, ProjectRole, ProjectType, School

PROJECT_EXPORT = [
    ("编号", lambda p: p.pk), ("项目名称", lambda p: p.name), ("项目类型", lambda p: p.get_project_type_display()),
    ("县（区）", lambda p: p.region.name), ("开始日期", lambda p: p.starts_on), ("结束日期", lambda p: p.ends_on),
    ("成员学校数", lambda p: p.member_count), ("联系人", lambda p: person_name(p.contact) if p.contact else ""),
    ("项目目标", lambda p: p.goals),
]
MEMBER_ROWS, FIGURE_ROWS = 8, 5


class ProjectForm(forms.Form):
    region = forms.ChoiceField(label="县（区）")
    name = forms.CharField(label="项目名称", max_length=services.NAME_MAX)
    project_type = forms.ChoiceField(label="项目类型", choices=[("", "请选择")] + ProjectType.choices)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    contact = forms.TypedChoiceField(label="联系人（填报督导自评）", coerce=int, required=False, empty_value=None)
    goals = forms.CharField(label="项目目标", required=False, max_length=services.GOALS_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions, contacts, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.fields["contact"].choices = [("", "（不指定）")] + contacts
        style_form(self)


def _office_counties(user):
    scope = scope_for(user)
    qs = Region.objects.filter(level="county")
    if scope.everything:
        return qs.order_by("code")
    prefixes = [p for role, p in scope.role_prefixes if role == Role.OFFICE]
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(code__startswith=prefix) | Q(code=prefix[:6])
    return qs.filter(q).order_by("code")


def _county_prefixes(regions) -> list[str]:
    return [r.code for r in regions]


def _schools(prefixes):
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(region__code__startswith=prefix)
    return School.objects.filter(q).order_by("region_id", "name").only("pk", "name", "region_id")


def _contacts(prefixes) -> list[tuple[int, str]]:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(role_assignments__region__code__startswith=prefix) | Q(
            role_assignments__school__region__code__startswith=prefix)
    users = get_user_model().objects.filter(q, is_active=True).distinct().order_by("username")[:500]
    return [(u.pk, person_name(u)) for u in users]


def _posted_members(post) -> list[tuple[str, str]]:
    schools, roles = post.getlist("member_school"), post.getlist("member_role")
    return [(s, r) for s, r in zip(schools, roles, strict=False) if s.strip()][:services.MEMBERS_MAX + 1]


def _posted_figures(post) -> list[dict]:
    keys = ("label", "baseline", "target", "actual")
    columns = [post.getlist(f"figure_{k}")[:services.FIGURES_MAX + 1] for k in keys]
    return [dict(zip(keys, values, strict=False)) for values in zip(*columns, strict=False)]


def _form_page(request, form, *, project=None, message: str = "", members=None, figures=None, prefixes=()):
    members = members if members is not None else (
        [(str(m.school_id), m.role) for m in project.members.order_by("id")] if project else [])
    figures = figures if figures is not None else (list(project.key_figures) if project else [])
    return render(request, "reviews/projects_form.html", {
        "form": form, "project": project, "message": message,
        "member_rows": members + [("", "")] * max(MEMBER_ROWS - len(members), 2),
        "figure_rows": figures + [{}] * max(FIGURE_ROWS - len(figures), 1),
        "schools": list(_schools(prefixes)), "roles": ProjectRole.choices,
    }, status=400 if message else 200)


def _form_message(form) -> str:
    return "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                                  for k, v in form.errors.items())


@login_required
@require_safe
def project_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "type", "q")}
    projects = selectors.project_list(request.user, year=filters["year"], project_type=filters["type"],
                                      q=filters["q"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response("帮扶项目", "帮扶项目", PROJECT_EXPORT, projects.iterator(chunk_size=2000))
    page, size = paginate(request, projects)
    return render(request, "reviews/projects_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "types": ProjectType.choices, "years": selectors.project_years(request.user),
        "can_create": _office_counties(request.user).exists()})


@login_required
@require_role(Role.OFFICE)
def project_create(request):
    regions = list(_office_counties(request.user))
    prefixes = _county_prefixes(regions)
    form = ProjectForm(request.POST or None, regions=regions, contacts=_contacts(prefixes))
    if request.method != "POST":
        return _form_page(request, form, prefixes=prefixes)
    members, figures = _posted_members(request.POST), _posted_figures(request.POST)
    if not form.is_valid():
        return _form_page(request, form, message=_form_message(form), members=members, figures=figures,
                          prefixes=prefixes)
    data = form.cleaned_data
    region = next((r for r in regions if r.code == data["region"]), None)
    try:
        project = services.project_create(
            actor=request.user, region=region, name=data["name"], project_type=data["project_type"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], members=members, contact=data["contact"],
            goals=data["goals"], key_figures=figures)
    except ApplicationError as exc:
        return _form_page(request, form, message=exc.message, members=members, figures=figures, prefixes=prefixes)
    return redirect("reviews:project_detail", pk=project.pk)


@login_required
@require_role(Role.OFFICE)
def project_edit(request, pk: int):
    project = selectors.project_for(request.user, pk)
    if not selectors.may_edit(request.user, project):
        raise Http404
    prefixes = [project.region_id]
    initial = {"name": project.name, "project_type": project.project_type, "starts_on": project.starts_on,
               "ends_on": project.ends_on, "contact": project.contact_id, "goals": project.goals}
    form = ProjectForm(request.POST or None, initial=initial, regions=[], contacts=_contacts(prefixes), editing=True)
    if request.method != "POST":
        return _form_page(request, form, project=project, prefixes=prefixes)
    members, figures = _posted_members(request.POST), _posted_figures(request.POST)
    if not form.is_valid():
        return _form_page(request, form, project=project, message=_form_message(form), members=members,
                          figures=figures, prefixes=prefixes)
    data = form.cleaned_data
    try:
        services.project_update(
            actor=request.user, project=project, name=data["name"], project_type=data["project_type"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], members=members, contact=data["contact"],
            goals=data["goals"], key_figures=figures)
    except ApplicationError as exc:
        return _form_page(request, form, project=project, message=exc.message, members=members, figures=figures,
                          prefixes=prefixes)
    return redirect("reviews:project_detail", pk=project.pk)


@login_required
@require_safe
def project_detail(request, pk: int):
    project = selectors.project_for(request.user, pk)
    members = selectors.members_of(project)
    return render(request, "reviews/projects_detail.html", {
        "project": project, "members": members, "can_edit": selectors.may_edit(request.user, project),
        "figures": selectors.member_figures(request.user, project, members)})


# ---- the inspection target page's section (registered in registrations.py) ------------------------------------

def target_members_section(request, target) -> dict:
    """For a group or project target: each member school's figures at the start and end of the period."""
    if target.project_id:
        project = target.project
        members = selectors.members_of(project)
        period = (project.starts_on, project.ends_on)
    elif target.group_id:
        group = target.group
        year = target.inspection.year
        members = [ProjectMember(school=s, role=ProjectRole.LEAD if s.pk == group.lead_school_id else ProjectRole.MEMBER)
                   for s in group.members.select_related("region").order_by("code")]
        project = Project(name=group.name, starts_on=target.inspection.starts_on.replace(year=year - 1, month=1, day=1),
                          ends_on=target.inspection.ends_on)
        period = (project.starts_on, project.ends_on)
    else:
        return {}
    html = render_to_string("reviews/projects_target_section.html", {
        "figures": selectors.member_figures(request.user, project, members), "period": period,
        "project": target.project, "target": target}, request=request)
    return {"member_figures_html": mark_safe(html)}  # noqa: S308 - rendered by our own autoescaped template
