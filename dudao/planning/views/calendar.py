"""Views of planning: calendar (issue 20). Thin: one action per view; writes in services, reads in selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def calendar(request):  # replaced by the calendar work
    return HttpResponse("")
