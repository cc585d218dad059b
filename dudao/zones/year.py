"""What zones gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from dudao.core.registries import Figure, FigureReader, figure_period, period_label, register_year_figures
from dudao.core.scope import region_prefix
from dudao.zones import selectors
from dudao.zones.models import ComplaintStatus

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """挂牌督导 of the period, read through the zones pages' own selectors as a leader of the region."""
    reader, region, period = FigureReader(region_code), region_prefix(region_code), period_label(start, end)
    visits = selectors.visit_list(reader, region=region, date_from=start, date_to=end).order_by()
    visit_count = visits.count()
    visited = visits.values("school_id").distinct().count()
    cover = selectors.coverage(reader, region=region)
    freq = selectors.frequency(reader, region=region, today=end)
    schools = len(freq["rows"])
    semester_ok = schools - freq["semester_short"]
    since, until = figure_period(start, end)
    complaints = selectors.complaint_list(reader, region=region).order_by().filter(
        received_at__gte=since, received_at__lt=until)
    received = complaints.count()
    handled = complaints.filter(status=ComplaintStatus.CLOSED).count()
    src_visits = f"zones.selectors.visit_list：{period} 开始的督导纪实"
    return [
        Figure("zones.visits", "责任督学经常性督导（督导纪实）", visit_count, "次", src_visits),
        Figure("zones.schools_visited", "督导到校学校", visited, "所", src_visits + "，按学校去重"),
        Figure("zones.schools", "挂牌督导学校（幼儿园）", cover["total"], "所", "zones.selectors.coverage：当前在册"),
        Figure("zones.covered", "已配备责任督学的学校", cover["covered"], "所", "zones.selectors.coverage：当前在册"),
        Figure("zones.coverage_rate", "挂牌督导覆盖率", _percent(cover["covered"], cover["total"]), "%",
               "zones.selectors.coverage：已配备 ÷ 在册"),
        Figure("zones.visited_rate", "督导到校覆盖率", _percent(visited, cover["total"]), "%",
               f"zones.selectors.visit_list ÷ zones.selectors.coverage：{period}"),
        Figure("zones.frequency_ok", "本学期督导频次达标学校", semester_ok, "所",
               f"zones.selectors.frequency：截至 {end.isoformat()}（{freq['semester'].label}）"),
        Figure("zones.frequency_rate", "督导频次达标率", _percent(semester_ok, schools), "%",
               f"zones.selectors.frequency：截至 {end.isoformat()}，达标 ÷ 在册"),
        Figure("zones.complaints", "受理投诉举报", received, "件",
               f"zones.selectors.complaint_list：{period} 受理"),
        Figure("zones.complaints_closed", "投诉举报已办结", handled, "件",
               f"zones.selectors.complaint_list：{period} 受理且状态为已办结"),
    ]



# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures
    register_year_figures("zones", "责任督学挂牌督导", year_figures, order=10)

    # 简报 materials

    # archive documents

    return
