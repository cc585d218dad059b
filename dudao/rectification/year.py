"""What rectification gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Count, Q

from dudao.core.registries import Figure, FigureReader, figure_period, period_label, register_year_figures
from dudao.rectification import engine, selectors
from dudao.rectification.models import DONE_STATUSES, FindingStatus

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Findings of the period and their 整改率 (the dashboard's engine.rates on the same tallies), 督办单, 约谈 and
    问责 of the period. One aggregate query over the findings whatever their number."""
    reader, period = FigureReader(region_code), period_label(start, end)
    since, until = figure_period(start, end)
    findings = selectors.finding_list(reader).select_related(None).order_by()
    done = Q(status__in=DONE_STATUSES)
    raised_in = Q(raised_at__gte=since, raised_at__lt=until)
    overdue = Q(status=FindingStatus.OPEN, due_date__lt=end)  # as the dashboard counts on `end`
    counts = findings.filter(raised_at__lt=until).aggregate(
        total=Count("id", filter=raised_in), done=Count("id", filter=raised_in & done),
        on_time=Count("id", filter=raised_in & done & Q(closed_on_time=True)),
        overdue_raised=Count("id", filter=raised_in & overdue),
        closed=Count("id", filter=done & Q(closed_at__gte=since, closed_at__lt=until)),
        overdue=Count("id", filter=overdue))
    rates = engine.rates(engine.Tally(counts["total"], counts["done"], counts["on_time"], counts["overdue_raised"]))
    orders = selectors.order_list(reader).order_by().filter(issued_at__gte=since, issued_at__lt=until).count()
    talks = selectors.talk_list(reader).order_by().filter(proposed_at__gte=since, proposed_at__lt=until).count()
    cases = selectors.case_list(reader).order_by().filter(filed_on__gte=start, filed_on__lte=end).count()
    src = f"rectification.selectors.finding_list：{period} 提出的问题"
    return [
        Figure("rectification.raised", "督导发现问题", rates["total"], "个", src),
        Figure("rectification.done", "其中已整改（含现场反馈）", rates["done"], "个", src + "，当前状态为已整改或现场已反馈"),
        Figure("rectification.rate", "整改率", rates["rate"], "%", src + "，rectification.engine.rates（与整改看板同一算法）"),
        Figure("rectification.on_time_rate", "按期整改率", rates["on_time_rate"], "%",
               src + "，rectification.engine.rates（已整改中按期办结的比例）"),
        Figure("rectification.closed", "期内办结问题", counts["closed"], "个",
               f"rectification.selectors.finding_list：{period} 办结（不论提出时间）"),
        Figure("rectification.overdue", "逾期未整改问题", counts["overdue"], "个",
               f"rectification.selectors.finding_list：{end.isoformat()} 前提出、整改期限早于该日且仍待整改"),
        Figure("rectification.orders", "下达督办单", orders, "份", f"rectification.selectors.order_list：{period} 下达"),
        Figure("rectification.talks", "提出约谈", talks, "次", f"rectification.selectors.talk_list：{period} 提出"),
        Figure("rectification.cases", "问责立案", cases, "件", f"rectification.selectors.case_list：{period} 立案"),
    ]



# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures
    register_year_figures("rectification", "问题整改与问责", year_figures, order=30)

    # 简报 materials

    # archive documents

    return
