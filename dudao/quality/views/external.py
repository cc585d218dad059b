"""国家（省、市）质量监测报告: the upload area of each school. The office of the school's county uploads PDFs and
reads them; the school reads its own; nobody else (not even the school's responsible inspector) sees them."""


from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from dudao.core.listing import paginate, query_without_page
from dudao.core.models import Role
from dudao.core.scope import holds_role_in, owns, scope_for
from dudao.core.web import attempt, require_role
from dudao.quality.models import ExternalLevel, ExternalReport
from dudao.quality.services.external import external_report_upload
from dudao.quality.views import stored_file
from dudao.schools.models import School


def _school_for(user, school_id: int, *, upload: bool = False) -> School:
    """The school if the user is the office (or, to read, a leader) of its county, or the school itself; else 404."""
    school = get_object_or_404(School.objects.select_related("region"), pk=school_id)
    roles = (Role.OFFICE,) if upload else (Role.OFFICE, Role.LEADER)
    if holds_role_in(user, school.region_id, *roles) or (not upload and owns(user, school_id=school.pk)):
        return school
    raise Http404


@login_required
@require_safe
@require_role(Role.OFFICE, Role.LEADER, Role.SCHOOL)
def external_index(request):
    """The office: its county's schools with how many reports each has. A school user: its own school's page."""
    scope = scope_for(request.user)
    if not (scope.everything or scope.region_prefixes):
        own = request.user.role_assignments.filter(role=Role.SCHOOL).values_list("school_id", flat=True).first()
        if own is None:
            raise Http404
        return redirect("quality:external_school", school_id=own)
    query = (request.GET.get("q") or "").strip()[:64]
    schools = School.objects.visible_to(request.user)
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(code__startswith=query))
    counts = dict(ExternalReport.objects.visible_to(request.user).values_list("school_id").annotate(n=Count("id")))
    page, size = paginate(request, schools.order_by("code").only("pk", "code", "name"))
    for school in page:
        school.external_count = counts.get(school.pk, 0)
    return render(request, "quality/external_index.html", {
        "page": page, "size": size, "q": query, "query": query_without_page(request)})


@login_required
@require_safe
def external_school(request, school_id: int):
    school = _school_for(request.user, school_id)
    reports = ExternalReport.objects.visible_to(request.user).filter(school=school).select_related(
        "file", "uploaded_by")
    return render(request, "quality/external_school.html", {
        "school": school, "reports": reports, "levels": ExternalLevel.choices,
        "can_upload": holds_role_in(request.user, school.region_id, Role.OFFICE)})


@login_required
@require_POST
def external_upload(request, school_id: int):
    school = _school_for(request.user, school_id, upload=True)
    attempt(request, lambda: external_report_upload(
        actor=request.user, school=school, level=request.POST.get("level", ""), year=request.POST.get("year", ""),
        title=request.POST.get("title", ""), upload=request.FILES.get("file")), "监测报告已上传。")
    return redirect("quality:external_school", school_id=school.pk)


@login_required
@require_safe
def external_download(request, pk: int):
    report = get_object_or_404(ExternalReport.objects.visible_to(request.user).select_related("file"), pk=pk)
    return stored_file(report.file, content_type="application/pdf", inline=True)
