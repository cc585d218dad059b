"""Views of planning: briefings (issue 20). Thin: one action per view; writes in services, reads in selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def briefing_list(request):  # replaced by the briefings work
    return HttpResponse("")


@login_required
def submission_list(request):  # replaced by the briefings work
    return HttpResponse("")
