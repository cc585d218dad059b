"""The public results page (结果公开, no login) and its Atom feed: only what the office has published and not
withdrawn."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from dudao.core.listing import paginate
from dudao.rectification import selectors
from dudao.rectification.models import PublicationKind


def results(request):
    region, kind = request.GET.get("region", "").strip(), request.GET.get("kind", "").strip()
    page, _size = paginate(request, selectors.public_publications(region=region, kind=kind), default_size=20)
    return render(request, "rectification/public_results.html", {
        "page": page, "region": region, "kind": kind, "kinds": PublicationKind.choices, "query": request.GET.urlencode()})


def result_detail(request, pk: int):
    item = selectors.public_publications().filter(pk=pk).first()
    if item is None:
        raise Http404
    return render(request, "rectification/public_result.html", {"item": item})


class PlainTextAtom1Feed(Atom1Feed):
    """Atom with plain-text summaries: Django's Atom1Feed marks every summary type="html", which would hand
    office-written text to feed readers as markup."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ResultsFeed(Feed):
    feed_type = PlainTextAtom1Feed
    title = "教育督导结果公开"
    subtitle = "督导结果、整改情况和督导通报"

    def link(self):
        return reverse("results:list")

    def items(self):
        return selectors.public_publications()[:50]

    def item_title(self, item):
        return f"【{item.get_kind_display()}】{item.title}"

    def item_description(self, item):
        return strip_tags(item.body)

    def item_link(self, item):
        return reverse("results:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
