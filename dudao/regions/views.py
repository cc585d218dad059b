"""Region tree and government-unit pages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.web import attempt, has_role, require_role
from dudao.regions import selectors, services
from dudao.regions.models import UnitKind

UNIT_EXPORT = [
    ("单位编码", lambda u: u.code), ("单位名称", lambda u: u.name), ("类别", lambda u: u.get_kind_display()),
    ("所在区划代码", lambda u: u.region_id), ("所在区划", lambda u: u.region.name),
    ("是否教育行政部门", lambda u: u.is_education_authority), ("负责人", lambda u: u.leader),
    ("联系人", lambda u: u.contact), ("联系电话", lambda u: u.phone), ("地址", lambda u: u.address),
]


@login_required
def tree(request):
    return render(request, "regions/tree.html", {"roots": selectors.region_tree_for(request.user),
                                                 "show_boundary": has_role(request.user, Role.OFFICE, Role.LEADER)})


@login_required
def unit_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("kind", "region", "q")}
    units = selectors.unit_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("政府单位", "政府单位", UNIT_EXPORT, units.iterator(chunk_size=2000))
    page, size = paginate(request, units)
    return render(request, "regions/unit_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "kinds": UnitKind.choices, "regions": selectors.region_list(request.user),
    })


# ---- boundaries for the cockpit map (area: map) ----------------------------------------------------------------


class BoundaryForm(forms.Form):
    file = forms.FileField(label="GeoJSON 文件（.geojson / .json）")


def _boundary_region(request, code: str):
    region = selectors.get_region_for(request.user, code)
    return region, scope_for(request.user).holds(region.code, Role.OFFICE)


def _read_upload(request, region) -> tuple[bytes, str] | None:
    """The uploaded bytes, read up to the size limit + 1 (the service refuses anything longer)."""
    form = BoundaryForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的 GeoJSON 文件。")
        return None
    upload = form.cleaned_data["file"]
    limit = int(float(policy_value("regions.boundary_max_mb", region.code)) * 1024 * 1024)
    return upload.read(limit + 1), (upload.name or "")[-255:]


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def boundary(request, code: str):
    region, can_upload = _boundary_region(request, code)
    return render(request, "regions/boundary.html", {
        "region": region, "can_upload": can_upload, "form": BoundaryForm(),
        "max_mb": policy_value("regions.boundary_max_mb", region.code),
        "max_vertices": policy_value("regions.boundary_max_vertices", region.code),
        **selectors.boundary_status(request.user, region)})


@login_required
@require_POST
@require_role(Role.OFFICE)
def boundary_upload(request, code: str):
    region, can_upload = _boundary_region(request, code)
    if not can_upload:
        raise Http404
    upload = _read_upload(request, region)
    if upload is not None:
        attempt(request, lambda: services.boundary_upload(actor=request.user, region=region, data=upload[0],
                                                           filename=upload[1]), f"{region.name}的边界已保存。")
    return redirect("regions:boundary", code=region.code)


@login_required
@require_POST
@require_role(Role.OFFICE)
def town_boundaries_upload(request, code: str):
    region, can_upload = _boundary_region(request, code)
    if not can_upload:
        raise Http404
    upload = _read_upload(request, region)
    if upload is not None:
        def write() -> str:
            stored = services.town_boundaries_upload(actor=request.user, region=region, data=upload[0],
                                                     filename=upload[1])
            return f"已保存 {len(stored)} 个下级区划的边界。"

        attempt(request, write)
    return redirect("regions:boundary", code=region.code)
