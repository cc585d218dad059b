"""教育督导公报: key events (published) and the 督导档案 (the published 公报 of the year)."""

from django.urls import reverse

from dudao.core.dates import local_date
from dudao.core.registries import (
    ArchiveItem,
    KeyEvent,
    figure_period,
    register_archive_source,
    register_key_events,
)
from dudao.core.scope import region_prefix
from dudao.reviews.models import Bulletin, BulletinStatus
from dudao.reviews.selectors.bulletin import bulletin_docx


def bulletin_events(region_code: str, start, end) -> list:
    """A 公报 published in [start, end] (Beijing dates): an important event of the day it was published."""
    low, high = figure_period(start, end)
    rows = (Bulletin.objects.filter(region__code__startswith=region_prefix(region_code), status=BulletinStatus.PUBLISHED,
                                    published_at__gte=low, published_at__lt=high)
            .select_related("region").order_by("published_at", "id"))
    return [KeyEvent(key=f"reviews.bulletin:{b.pk}", day=local_date(b.published_at), title=f"发布《{b.title}》",
                     text=f"{b.region.name}发布{b.year}年教育督导工作公报（{b.number}），向社会公开督导结果。",
                     url=reverse("reviews:bulletin_detail", args=[b.pk]), region_code=b.region_id,
                     importance="important") for b in rows]


def _bulletin_docx(pk: int) -> bytes:
    return bulletin_docx(Bulletin.objects.select_related("region").get(pk=pk))


def archive_bulletins(region_code: str, start, end):
    """督政: the published 公报 of the period's year (like the year's 工作要点, filed under the year it reports),
    rendered as Word on demand; dated the day it was published, kept inside the period."""
    rows = (Bulletin.objects.filter(region__code__startswith=region_prefix(region_code), year=start.year,
                                    status=BulletinStatus.PUBLISHED).order_by("region_id", "id"))
    for b in rows:
        day = max(start, min(end, local_date(b.published_at))) if b.published_at else end
        yield ArchiveItem("duzheng", f"{b.title}（{b.number}）", day, f"{b.title}.docx",
                          render=lambda pk=b.pk: _bulletin_docx(pk), source=f"reviews.bulletin:{b.pk}")


def register() -> None:
    register_key_events("reviews.bulletin", "教育督导公报发布", bulletin_events)
    register_archive_source("reviews.bulletin", archive_bulletins)
