"""The school and unit profile pages: registry data and what each domain app knows (page sections)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dudao.core.registries import page_sections
from dudao.inspections import selectors as inspection_selectors
from dudao.monitoring import selectors as monitoring_selectors
from dudao.regions import selectors as region_selectors
from dudao.schools import selectors as school_selectors
from dudao.surveys import selectors as survey_selectors


@login_required
def school_detail(request, pk: int):
    """The school profile: registry data and what each domain app knows about the school."""
    school = school_selectors.get_school_for(request.user, pk)
    return render(request, "dashboard/school_detail.html", {
        "school": school, "supervision_units": school_selectors.supervision_units(school),
        "can_edit": school_selectors.can_edit(request.user),
        "balanced": monitoring_selectors.school_section(request.user, school),
        "surveys": survey_selectors.school_rounds(request.user, school),
        "inspections": inspection_selectors.history(request.user, school=school),
        **page_sections("dashboard.school_detail", request, school),  # quality: "quality_section"
    })


@login_required
def unit_detail(request, pk: int):
    """The government unit profile, with its inspection history."""
    unit = region_selectors.get_unit_for(request.user, pk)
    return render(request, "dashboard/unit_detail.html", {
        "unit": unit, "inspections": inspection_selectors.history(request.user, unit=unit),
        **page_sections("dashboard.unit_detail", request, unit),  # reviews: "result_uses_section"
    })
