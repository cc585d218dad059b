"""Region tree and government-unit pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.regions import selectors
from dudao.regions.models import UnitKind

UNIT_EXPORT = [
    ("单位编码", lambda u: u.code), ("单位名称", lambda u: u.name), ("类别", lambda u: u.get_kind_display()),
    ("所在区划代码", lambda u: u.region_id), ("所在区划", lambda u: u.region.name),
    ("是否教育行政部门", lambda u: u.is_education_authority), ("负责人", lambda u: u.leader),
    ("联系人", lambda u: u.contact), ("联系电话", lambda u: u.phone), ("地址", lambda u: u.address),
]


@login_required
def tree(request):
    return render(request, "regions/tree.html", {"roots": selectors.region_tree_for(request.user)})


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
