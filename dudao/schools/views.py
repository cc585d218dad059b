"""School list, detail and edit pages, and the registry import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from dudao.core.errors import ApplicationError
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.tabular import read_import_file
from dudao.regions.selectors import region_list
from dudao.schools import selectors, services
from dudao.schools.forms import ImportForm, SchoolForm
from dudao.schools.imports import NeedsConfirmation
from dudao.schools.imports import registry_import as run_import
from dudao.schools.models import Ownership, SchoolType, UrbanRural
from dudao.schools.selectors import can_edit
from dudao.schools.templates_xlsx import import_template_bytes

FILTERS = ("region", "school_type", "ownership", "urban_rural", "q")
SCHOOL_EXPORT = [
    ("学校标识码", lambda s: s.code), ("学校名称", lambda s: s.name), ("办学类型", lambda s: s.get_school_type_display()),
    ("举办者", lambda s: s.get_ownership_display()), ("普惠性", lambda s: s.is_puhui),
    ("城乡分类", lambda s: s.get_urban_rural_display()), ("所在乡镇代码", lambda s: s.region_id),
    ("所在乡镇", lambda s: s.region.name), ("地址", lambda s: s.address), ("校长（园长）", lambda s: s.principal),
    ("联系电话", lambda s: s.phone), ("建校年份", lambda s: s.founded_year),
    ("在园幼儿数", lambda s: s.students_preschool), ("小学在校生数", lambda s: s.students_primary),
    ("初中在校生数", lambda s: s.students_junior), ("高中在校生数", lambda s: s.students_senior),
    ("其他在校生数", lambda s: s.students_other), ("班级总数", lambda s: s.total_classes),
    ("经度", lambda s: _degrees(s.longitude)), ("纬度", lambda s: _degrees(s.latitude)),  # area: map
]


def _degrees(value) -> float | None:
    """A coordinate as a number in the export (a Decimal would be written as text)."""
    return None if value is None else float(value)


@login_required
def school_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    schools = selectors.school_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("学校名录", "学校", SCHOOL_EXPORT, schools.iterator(chunk_size=2000))
    page, size = paginate(request, schools)
    return render(request, "schools/school_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "regions": region_list(request.user), "types": SchoolType.choices, "ownerships": Ownership.choices,
        "urban_rural_choices": UrbanRural.choices,
    })


@login_required
def school_edit(request, pk: int):
    school = selectors.get_school_for(request.user, pk)
    if not can_edit(request.user):
        raise Http404
    form = SchoolForm(request.POST or None, instance=school, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_save(actor=request.user, school=selectors.get_school_for(request.user, pk),
                                 **form.service_fields())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "学校信息已保存。")
            return redirect("dashboard:school_detail", pk=pk)
    return render(request, "schools/school_edit.html", {"school": school, "form": form})


@login_required
def registry_import(request):
    if not can_edit(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, summary, message, warnings = [], None, "", []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = run_import(actor=request.user, data=read_import_file(upload), filename=upload.name,
                                 confirm=form.cleaned_data["confirm"])
        except NeedsConfirmation as exc:
            warnings = exc.warnings
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
    status = 400 if message else 200
    return render(request, "schools/import.html", {
        "form": form, "errors": errors[:500], "error_total": len(errors), "message": message, "summary": summary,
        "warnings": warnings[:500], "warning_total": len(warnings),
    }, status=status)


@login_required
def import_template(request):
    if not can_edit(request.user):
        raise Http404
    response = HttpResponse(import_template_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%9F%BA%E7%A1%80%E6%95%B0%E6%8D%AE%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response
