"""Views of planning: meetings (issue 20). Thin: one action per view; writes in services, reads in selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def meeting_list(request):  # replaced by the meetings work
    return HttpResponse("")
