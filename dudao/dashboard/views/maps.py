"""The cockpit map: the page and its data (area: map). Office, leader and admin; ?region=&year=&layer=&figure=."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from dudao.core.roles import Role
from dudao.core.web import require_role
from dudao.dashboard.selectors import maps


def _choice(request) -> tuple:
    region = maps.pick_region(request.user, request.GET.get("region", "").strip())
    year = maps.pick_year(request.GET.get("year", ""))
    return region, year, request.GET.get("layer", "").strip()[:100], request.GET.get("figure", "").strip()[:100]


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def map_page(request):
    region, year, layer, figure = _choice(request)
    return render(request, "dashboard/maps/map.html", {
        "region": region, "year": year, "layer": layer, "figure": figure,
        "regions": maps.map_regions(request.user), "years": maps.map_years(),
    })


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def map_data(request):
    region, year, layer, figure = _choice(request)
    return JsonResponse(maps.map_data(request.user, region, year, layer=layer, figure=figure))
