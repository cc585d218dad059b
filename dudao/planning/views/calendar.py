"""Views of the 行事历 (issue 20 item 2): the month grid and list with filters by town and source, the office's
panel of schools at the per-term limit (a school sees its own count), the .xlsx/.docx exports, the page where a
user issues their iCalendar feed address, and the feed itself (public, by secret key). Thin: parse, read, render."""

import datetime
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from dudao.core.dates import cn_date, cn_month_day
from dudao.core.listing import xlsx_response
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.web import attempt, require_role
from dudao.documents.selectors import render_docx
from dudao.planning.ical import ical_bytes
from dudao.planning.models import CalendarFeed
from dudao.planning.selectors import calendar as selectors
from dudao.planning.services import calendar as services

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _month(value: str | None, today: datetime.date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12}-{index % 12 + 1:02d}"


def _span(item) -> str:
    if item.start == item.end:
        return cn_date(item.start)
    if item.start.year == item.end.year:
        return f"{cn_date(item.start)}至{cn_month_day(item.end)}"
    return f"{cn_date(item.start)}至{cn_date(item.end)}"


@login_required
@require_role()
@require_GET
def calendar(request):
    """The month grid (or list) of everything dated in the user's scope; ?export=xlsx|docx downloads the month,
    or with range=year the whole calendar year."""
    today = timezone.localdate()
    year, month = _month(request.GET.get("month"), today)
    towns = selectors.towns_for(request.user)
    area = request.GET.get("area", "")
    if area and area not in {t.code for t in towns}:
        area = ""
    labels = selectors.source_labels()
    chosen = [s for s in request.GET.getlist("source") if s in labels]
    export = request.GET.get("export", "")
    if export in ("xlsx", "docx"):
        return _export(request, export, year, month, area, chosen, labels)
    first, last = selectors.month_bounds(year, month)
    term = selectors.term_of(first)
    scope = scope_for(request.user)
    office = scope.everything or bool(scope.region_prefixes)
    items = selectors.calendar_items(request.user, first, last, area=area or None, sources=chosen or None)
    # the per-term count reads the whole term (the month lies inside it), of the sources that enter schools
    term_items = selectors.calendar_items(request.user, term.start, term.end, sources=selectors.entering_sources())
    items = selectors.shown(items, labels)
    weeks, long_items = selectors.month_grid(year, month, items, today)
    at_limit = selectors.schools_at_limit(request.user, term, items=term_items, area=area) if office else []
    own = [] if office else selectors.school_term_load(request.user, sorted(scope.school_ids), term, items=term_items)
    view = "list" if request.GET.get("view") == "list" else "grid"
    return render(request, "planning/calendar_page.html", {
        "year": year, "month": month, "first": first, "today": today, "view": view, "weeks": weeks,
        "long_items": long_items, "items": items, "towns": towns,
        "running_today": any(s.item.start <= today <= s.item.end for s in items), "area": area, "chosen": chosen,
        "sources": [(name, label, selectors.source_colour(name)) for name, label in labels.items()],
        "term": term,
        "office": office, "is_school": scope.has_role(Role.SCHOOL), "at_limit": at_limit, "own": own, "weekdays": selectors.WEEKDAYS,
        "prev": _shift(year, month, -1), "next": _shift(year, month, 1), "this_month": f"{today:%Y-%m}",
        "month_value": f"{year}-{month:02d}", "policy_label": "每所学校每学期进校督导检查次数上限",
    })


def _export(request, fmt: str, year: int, month: int, area: str, chosen: list[str], labels: dict):
    whole_year = request.GET.get("range") == "year"
    first, last = (datetime.date(year, 1, 1), datetime.date(year, 12, 31)) if whole_year else \
        selectors.month_bounds(year, month)
    items = [i for i in selectors.calendar_items(request.user, first, last, area=area or None)
             if not chosen or i.source in chosen]
    period = f"{year}年" if whole_year else f"{year}年{month}月"
    name = f"行事历-{year}" + ("" if whole_year else f"-{month:02d}")
    if fmt == "xlsx":
        base = request.build_absolute_uri("/")[:-1]
        return xlsx_response(name, "行事历", [
            ("日期", _span), ("星期", lambda i: selectors.weekday_label(i.start)), ("事项", lambda i: i.title),
            ("类别", lambda i: labels.get(i.source, i.source)), ("地点或对象", lambda i: i.detail),
            ("链接", lambda i: base + i.url if i.url.startswith("/") else i.url),
        ], items)
    rows, shown_month = [], None
    for item in items:
        key = (item.start.year, item.start.month)
        rows.append({"month": f"{item.start.month}月" if key != shown_month else "",
                     "date": _span(item).removeprefix(f"{item.start.year}年"),
                     "content": f"{item.title}（{labels.get(item.source, item.source)}）", "owner": item.detail})
        shown_month = key
    region_code, office = selectors.office_heading(request.user)
    data = render_docx("calendar", region_code, {
        "title": f"{period}教育督导工作行事历", "period": f"{cn_date(first)}至{cn_date(last)}",
        "generated_on": cn_date(timezone.localdate()), "office": office, "rows": rows, "count": len(rows)})
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.docx"
    return response


# --- the iCalendar feed -----------------------------------------------------------------------------------

@login_required
@require_role()
@require_GET
def calendar_feed(request):
    """Whether the user has a feed address, when it was made and last read; the button to make a new one."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "planning/calendar_feed.html", {"feed": feed, "url": ""})


@login_required
@require_POST
@require_role()
def calendar_feed_issue(request):
    """A new feed address, shown on this page once (only its hash is kept)."""
    issued: dict[str, str] = {}

    def write():
        issued["key"] = services.feed_key_issue(user=request.user)
        return "已生成新的订阅地址，原地址（如有）即刻失效。请立即复制：离开本页后将无法再次查看。"

    if not attempt(request, write):
        return redirect("planning:calendar_feed")
    url = request.build_absolute_uri(reverse("planning:calendar_ics", args=[issued["key"]]))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    response = render(request, "planning/calendar_feed.html", {"feed": feed, "url": url})
    response["Cache-Control"] = "no-store"
    return response


FEED_BEFORE_DAYS = 92  # about 3 months back
FEED_AFTER_DAYS = 366  # about 12 months ahead


@require_safe
def calendar_ics(request, key: str):
    """The user's calendar as iCalendar (no login: the secret key is the credential). Unknown key, or a
    deactivated account: 404."""
    user = services.feed_user(key)
    if user is None:
        raise Http404("未找到该订阅地址。")
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=FEED_BEFORE_DAYS), today + datetime.timedelta(days=FEED_AFTER_DAYS)
    items = selectors.calendar_items(user, start, end)
    base = request.build_absolute_uri("/")[:-1]
    data = ical_bytes(items, base=base, name=f"督导行事历（{user.get_full_name() or user.username}）",
                      now=timezone.now(), labels=selectors.source_labels())
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dudao.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
