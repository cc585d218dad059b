"""Public pages (no login): a school's 挂牌公示 page, reached from the QR code on its plaque, with a form to
leave a complaint or suggestion. Shows only what is on the plaque anyway; rate-limited per source."""

import segno
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect

from dudao.core.errors import ApplicationError
from dudao.core.middleware import current_request_meta
from dudao.core.policy import policy_value
from dudao.schools.models import School
from dudao.zones import selectors, services
from dudao.zones.forms import PublicComplaintForm
from dudao.zones.models import ROUTINE_ITEMS, ComplaintChannel


def school_public_url(school: School) -> str:
    return reverse("zones_public:school", args=[school.code])


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no external service; offline intranets)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def _rate_limited(ip: str | None, region_code: str) -> bool:
    limit = int(policy_value("zones.public_complaints_per_hour", region_code))
    key = f"dudao:public-complaint:{ip or 'unknown'}"
    count = cache.get(key, 0)
    if count >= limit:
        return True
    cache.set(key, count + 1, 3600)
    return False


@csrf_protect
def school_page(request, code: str):
    school = School.objects.filter(code=code).select_related("region").first()
    if school is None:
        raise Http404
    assignments = selectors.current_inspectors_of(school)
    form = PublicComplaintForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        ip = current_request_meta().get("ip")
        if form.cleaned_data["website"]:
            form.add_error(None, "提交失败，请刷新页面后重试。")
        elif _rate_limited(ip, school.region_id):
            form.add_error(None, "提交过于频繁，请稍后再试，或拨打监督电话反映。")
        else:
            try:
                done = services.complaint_receive(
                    actor=None, school=school, kind=form.cleaned_data["kind"], channel=ComplaintChannel.PUBLIC_PAGE,
                    content=form.cleaned_data["content"], complainant_name=form.cleaned_data["complainant_name"],
                    complainant_phone=form.cleaned_data["complainant_phone"], submit_ip=ip)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    return render(request, "zones/public_school.html", {
        "school": school, "assignments": assignments, "items": ROUTINE_ITEMS, "form": form, "done": done,
        "phone": policy_value("zones.complaint_phone", school.region_id)}, status=400 if form.errors else 200)
