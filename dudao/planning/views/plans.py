"""Views of planning: plans (issue 20). Thin: one action per view; writes in services, reads in selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def plan_list(request):  # replaced by the plans work
    return HttpResponse("")
