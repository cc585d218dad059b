"""Views of planning: summary (issue 20). Thin: one action per view; writes in services, reads in selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def summary_list(request):  # replaced by the summary work
    return HttpResponse("")
