"""工作台: each role's home page, its to-do list first (area: home)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dudao.dashboard.selectors.home import home_page


@login_required
def home(request):
    return render(request, "dashboard/home.html", home_page(request.user))
