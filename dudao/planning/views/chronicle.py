"""大事记 pages (issue 20 item 4): the year's page (待确认 proposals with accept-with-edits / drop, the accepted
entries by month, dropped ones with 恢复, the manual entry form), its Word and Excel exports, and one POST view
per action. Thin: parse, call a service or a read, render."""

import datetime
from urllib.parse import quote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.forms import style_form
from dudao.core.listing import paginate, xlsx_response
from dudao.core.web import attempt
from dudao.documents.selectors import render_docx
from dudao.planning.models import ChronicleStatus, Importance
from dudao.planning.selectors import chronicle as selectors
from dudao.planning.services import chronicle as services

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIRST_YEAR, LAST_YEAR = 2000, 2100
EXPORT = [
    ("日期", lambda e: e.day), ("标题", lambda e: e.title), ("内容", lambda e: e.text),
    ("重要程度", lambda e: e.get_importance_display()), ("来源", lambda e: "平台建议" if e.event_key else "手工录入"),
    ("关联链接", lambda e: e.url),
]


class EntryForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="内容", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    importance = forms.ChoiceField(label="重要程度", choices=Importance.choices, initial=Importance.NORMAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if FIRST_YEAR <= year <= LAST_YEAR else timezone.localdate().year


def _back(region, year: int, tab: str = "") -> str:
    query = {"region": region.code, "year": year}
    if tab:
        query["tab"] = tab
    return f"{reverse('planning:chronicle')}?{urlencode(query)}"


def _edits(data) -> dict:
    return {"title": data.get("title"), "text": data.get("text"), "day": data.get("day") or None,
            "importance": data.get("importance") or None}


@login_required
def chronicle(request):
    region = selectors.chronicle_region(request.user, request.GET.get("region", ""))
    year = _year(request)
    tab = request.GET.get("tab", "")
    q = request.GET.get("q", "").strip()
    counts = selectors.counts(request.user, region, year)
    can_edit = selectors.can_edit(request.user, region)
    if tab not in ("proposed", "accepted", "dropped"):  # readers (leaders) land on the 大事记 itself
        tab = "proposed" if can_edit and counts[ChronicleStatus.PROPOSED] else "accepted"
    context = {"region": region, "year": year, "tab": tab, "q": q, "counts": counts,
               "regions": selectors.chronicle_regions(request.user), "can_edit": can_edit,
               "years": range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1),
               "importances": Importance.choices, "form": EntryForm(initial={"day": timezone.localdate()}),
               "query": urlencode({"region": region.code, "year": year, "tab": tab, "q": q})}
    rows = selectors.entries(request.user, region, year, tab, q)
    # a year's 大事记 is usually well under 100 entries: one page, by month; longer ones page on
    context["page"], context["size"] = paginate(request, rows, default_size=100 if tab == "accepted" else 50)
    if tab == ChronicleStatus.ACCEPTED:
        context["months"] = selectors.by_month(context["page"].object_list)
    return render(request, "planning/chronicle_page.html", context)


@login_required
def chronicle_docx(request):
    region = selectors.chronicle_region(request.user, request.GET.get("region", ""))
    year = _year(request)
    context = selectors.export_context(request.user, region, year, timezone.localdate())
    content = render_docx("chronicle", region.code, context)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(context['title'] + '.docx')}"
    return response


@login_required
def chronicle_xlsx(request):
    region = selectors.chronicle_region(request.user, request.GET.get("region", ""))
    year = _year(request)
    return xlsx_response(f"{region.name}{year}年教育督导大事记", "大事记", EXPORT,
                         selectors.entries(request.user, region, year).iterator(chunk_size=2000))


@login_required
@require_POST
def chronicle_refresh(request):
    region = selectors.chronicle_region(request.user, request.POST.get("region", ""))
    year = _year(request)
    attempt(request, lambda: "已刷新建议：新增 {} 条待确认。".format(services.chronicle_propose(
        actor=request.user, region=region, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))))
    return redirect(_back(region, year, "proposed"))


@login_required
@require_POST
def entry_create(request):
    region = selectors.chronicle_region(request.user, request.POST.get("region", ""))
    form = EntryForm(request.POST)
    attempt(request, lambda: services.entry_create(actor=request.user, region=region, **form.cleaned_data)
            and "已添加大事记。", form=form)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    return redirect(_back(region, day.year if day else _year(request), "accepted"))


@login_required
@require_POST
def entry_accept(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    attempt(request, lambda: services.entry_accept(actor=request.user, entry=entry, **_edits(request.POST))
            and "已采用，列入大事记。")
    return redirect(_back(entry.region, entry.day.year, "proposed"))


@login_required
@require_POST
def entry_drop(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    tab = "accepted" if entry.status == ChronicleStatus.ACCEPTED else "proposed"
    attempt(request, lambda: services.entry_drop(actor=request.user, entry=entry,
                                                 reason=request.POST.get("reason", "")) and "已舍弃该条建议。")
    return redirect(_back(entry.region, entry.day.year, tab))


@login_required
@require_POST
def entry_restore(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    attempt(request, lambda: services.entry_restore(actor=request.user, entry=entry) and "已恢复为待确认。")
    return redirect(_back(entry.region, entry.day.year, "dropped"))


@login_required
@require_POST
def entry_update(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    form = EntryForm(request.POST)
    attempt(request, lambda: services.entry_update(actor=request.user, entry=entry, **form.cleaned_data)
            and "已保存修改。", form=form)
    return redirect(_back(entry.region, entry.day.year, "accepted"))


@login_required
@require_POST
def entry_delete(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    attempt(request, lambda: services.entry_delete(actor=request.user, entry=entry) or "已删除该条大事记。")
    return redirect(_back(entry.region, entry.day.year, "accepted"))
