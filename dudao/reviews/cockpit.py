"""What reviews gives the leader's cockpit (驾驶舱), read through reviews's own selectors as FigureReader(region):
the 督导结果运用 register (selectors.uses.use_list, the 结果运用 page) and the 述职评议 sessions (selectors.rating.
session_list, the 述职评议 page) of the year. Registered by register_cockpit(), called from registrations.register().

Queries: two grouped queries per year, whatever the number of schools, towns or counties."""

from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import (
    FigureReader,
    Metric,
    cockpit_child_finder,
    register_cockpit_section,
    year_bounds,
)
from dudao.core.scope import region_prefix
from dudao.reviews.models import SessionStatus
from dudao.reviews.selectors import rating as rating_selectors
from dudao.reviews.selectors import uses as use_selectors

HELD = (SessionStatus.CLOSED, SessionStatus.PUBLISHED)


def uses(region_code: str, year: int) -> list[dict]:
    """Uses of supervision results dated in the year, per region and school (the school's town, else the county)."""
    start, end = year_bounds(year, timezone.localdate())
    prefix = region_prefix(region_code)
    if len(prefix) > 6:  # a town: its county's register (uses belong to the county), the town's schools' uses
        rows = use_selectors.use_list(FigureReader(prefix[:6])).filter(school__region__code__startswith=prefix)
    else:
        rows = use_selectors.use_list(FigureReader(region_code)).filter(region__code__startswith=prefix)
    return list(rows.select_related(None).order_by().filter(used_on__gte=start, used_on__lte=end)
                .values("region_id", "school_id", "school__region_id").annotate(n=Count("id")))


def sessions(region_code: str, year: int) -> list[dict]:
    """述职评议 of the year held (closed or published), per region, with the units that reported."""
    rows = (rating_selectors.session_list(FigureReader(region_code), year=str(year))
            .filter(region__code__startswith=region_prefix(region_code), status__in=HELD))
    return [{"region_id": s.region_id, "reporters": s.reporter_count} for s in rows]


def _fold(rows, find, value) -> dict[str, int]:
    parts: dict[str, int] = defaultdict(int)
    for row in rows:
        key = find(row.get("school__region_id") or row["region_id"], row.get("school_id"))
        if key is None and row.get("school__region_id"):
            key = find(row["region_id"])
        if key is not None:
            parts[key] += value(row)
    return dict(parts)


def metrics(region_code: str, year: int, children) -> list:
    find = cockpit_child_finder(children)
    now_uses, before_uses = uses(region_code, year), uses(region_code, year - 1)
    now_sessions, before_sessions = sessions(region_code, year), sessions(region_code, year - 1)
    src_uses = f"reviews.selectors.uses.use_list：{year} 年登记的督导结果运用（与结果运用登记页同一来源）"
    src_sessions = f"reviews.selectors.rating.session_list：{year} 年度已评议（已结束或已公布）的述职评议"
    return [
        Metric("reviews.uses", "督导结果运用", sum(r["n"] for r in now_uses), "次",
               sum(r["n"] for r in before_uses), url=reverse("reviews:use_list") + f"?year={year}",
               breakdown=_fold(now_uses, find, lambda r: r["n"]), source=src_uses,
               note="督导结果用于考核、奖惩、问责、资源配置等的登记次数；关于学校的计入学校所在乡镇"),
        Metric("reviews.ratings", "述职评议", len(now_sessions), "场", len(before_sessions),
               url=reverse("reviews:session_list") + f"?year={year}",
               breakdown=_fold(now_sessions, find, lambda r: 1), source=src_sessions,
               note=f"被评议单位 {sum(r['reporters'] for r in now_sessions)} 个"),
    ]


def register_cockpit() -> None:
    register_cockpit_section("reviews", "督政评议", metrics, order=80)
