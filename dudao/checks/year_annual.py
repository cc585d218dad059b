"""年检 in the office's year (the annual area's part of checks/year.py): each round's 自查报告 deadline as a
行事历 item."""


from dudao.checks.models import AnnualRound
from dudao.core.registries import CalendarItem, register_calendar_source, url_for_pk


def calendar_annual_deadlines(user, start, end):
    """The 自查报告 deadline of the rounds the user may see (the office and leaders of the region)."""
    rows = AnnualRound.objects.visible_to(user).filter(submit_by__range=(start, end)).exclude(status="draft")
    url = url_for_pk("checks:annual_detail")
    return [CalendarItem(source="checks.annual", key=str(r.pk), title=f"年检自查报告截止：{r.title}",
                         start=r.submit_by, end=r.submit_by, url=url(r.pk), region_code=r.region_id,
                         detail=f"{r.year}年度") for r in rows]


def register_annual_year() -> None:
    register_calendar_source("checks.annual", "年检", calendar_annual_deadlines)


