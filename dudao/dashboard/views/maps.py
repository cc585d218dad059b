"""The cockpit map: the page and its data (area: map)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def map_page(request):
    return HttpResponse("地图（建设中）")


@login_required
def map_data(request):
    return HttpResponse("{}", content_type="application/json")
