"""驾驶舱: the leader's one screen of cross-module figures, its drill-down and its exports (area: cockpit)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def cockpit(request):
    return HttpResponse("驾驶舱（建设中）")


@login_required
def cockpit_metric(request, key: str):
    return HttpResponse("指标下钻（建设中）")


@login_required
def cockpit_pdf(request):
    return HttpResponse("PDF（建设中）")


@login_required
def cockpit_xlsx(request):
    return HttpResponse("Excel（建设中）")
