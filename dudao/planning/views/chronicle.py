"""Views of planning: chronicle (issue 20). Thin: one action per view; writes in services, reads in selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def chronicle(request):  # replaced by the chronicle work
    return HttpResponse("")
