from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dudao.dashboard.selectors import home_summary


@login_required
def home(request):
    return render(request, "dashboard/home.html", home_summary(request.user))
