"""What reviews gives the office's year (docs/architecture.md, core.registries): plan links, calendar items,
key events, year figures, 简报 materials and archive documents. One block per area."""


def register_year() -> None:
    """Called from registrations.register()."""
    register_bulletin_year()


# ---- bulletin: 教育督导公报 (key events: published; archive: the published 公报 of the year) --------------------

def bulletin_events(region_code: str, start, end) -> list:
    """A 公报 published in [start, end] (Beijing dates): an important event of the day it was published."""
    from django.urls import reverse  # noqa: PLC0415 -- this block's imports stay with it (year.py is shared)

    from dudao.core.dates import local_date  # noqa: PLC0415
    from dudao.core.registries import KeyEvent, figure_period  # noqa: PLC0415
    from dudao.core.scope import region_prefix  # noqa: PLC0415
    from dudao.reviews.models import Bulletin, BulletinStatus  # noqa: PLC0415

    low, high = figure_period(start, end)
    rows = (Bulletin.objects.filter(region__code__startswith=region_prefix(region_code), status=BulletinStatus.PUBLISHED,
                                    published_at__gte=low, published_at__lt=high)
            .select_related("region").order_by("published_at", "id"))
    return [KeyEvent(key=f"reviews.bulletin:{b.pk}", day=local_date(b.published_at), title=f"发布《{b.title}》",
                     text=f"{b.region.name}发布{b.year}年教育督导工作公报（{b.number}），向社会公开督导结果。",
                     url=reverse("reviews:bulletin_detail", args=[b.pk]), region_code=b.region_id,
                     importance="important") for b in rows]


def _bulletin_docx(pk: int) -> bytes:
    from dudao.reviews.models import Bulletin  # noqa: PLC0415
    from dudao.reviews.selectors.bulletin import bulletin_docx  # noqa: PLC0415

    return bulletin_docx(Bulletin.objects.select_related("region").get(pk=pk))


def archive_bulletins(region_code: str, start, end):
    """督政: the published 公报 of the period's year (like the year's 工作要点, filed under the year it reports),
    rendered as Word on demand; dated the day it was published, kept inside the period."""
    from dudao.core.dates import local_date  # noqa: PLC0415
    from dudao.core.registries import ArchiveItem  # noqa: PLC0415
    from dudao.core.scope import region_prefix  # noqa: PLC0415
    from dudao.reviews.models import Bulletin, BulletinStatus  # noqa: PLC0415

    rows = (Bulletin.objects.filter(region__code__startswith=region_prefix(region_code), year=start.year,
                                    status=BulletinStatus.PUBLISHED).order_by("region_id", "id"))
    for b in rows:
        day = max(start, min(end, local_date(b.published_at))) if b.published_at else end
        yield ArchiveItem("duzheng", f"{b.title}（{b.number}）", day, f"{b.title}.docx",
                          render=lambda pk=b.pk: _bulletin_docx(pk), source=f"reviews.bulletin:{b.pk}")


def register_bulletin_year() -> None:
    from dudao.core.registries import register_archive_source, register_key_events  # noqa: PLC0415

    register_key_events("reviews.bulletin", "教育督导公报发布", bulletin_events)
    register_archive_source("reviews.bulletin", archive_bulletins)
