"""Placeholder page used by the skeleton only; each area replaces its stub with real views."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def stub(request, title: str = ""):
    return render(request, "audits/_stub.html", {"title": title})
