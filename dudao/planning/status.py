"""A plan task's shown status, derived (never stored): pure, no Django, so it can be reasoned about and tested alone.

Rules (issue 20 item 1):
- The owner's 已取消 (dropped) wins over everything: a dropped task is 已取消 whatever its links say.
- With links: 已完成 when every linked object is done; otherwise 进行中 (a link exists, so work has started).
- Without links: the owner's progress (未开始 / 进行中 / 已完成).
- Not done and the due date has passed (due_date < today): 已逾期.
"""

import datetime
from collections.abc import Iterable, Sequence

# The values of planning.models.TaskStatus / TaskProgress (kept as plain strings: this module imports no Django).
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
LATE = "late"
DROPPED = "dropped"

STATUS_ORDER = (NOT_STARTED, IN_PROGRESS, LATE, DONE, DROPPED)


def task_status(*, progress: str, due_date: datetime.date | None, today: datetime.date, links: Sequence = ()) -> str:
    """The TaskStatus value of a task. `links` are core.registries.LinkTarget (anything with a `done` flag); links
    whose object no longer exists should be left out by the caller."""
    if progress == DROPPED:
        return DROPPED
    if links:
        status = DONE if all(link.done for link in links) else IN_PROGRESS
    elif progress in (DONE, IN_PROGRESS):
        status = progress
    else:
        status = NOT_STARTED
    if status != DONE and due_date is not None and due_date < today:
        return LATE
    return status


def completion(statuses: Iterable[str]) -> dict:
    """Counts per status and the share done: {"total", "not_started", …, "dropped", "counted", "percent"}. Dropped tasks do not
    count against completion (percent = done / (total − dropped)); percent is None when nothing is left to do."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    total = 0
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
        total += 1
    counted = total - counts[DROPPED]
    percent = round(100 * counts[DONE] / counted) if counted else None
    return {"total": total, **counts, "counted": counted, "percent": percent}
