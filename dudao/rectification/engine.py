"""Pure arithmetic of the rectification dashboard: no database, no Django.

整改率 (rectification rate) = done / all findings, where done = rectified and verified (已整改) or fixed on the
spot (现场已反馈). 按期整改率 (on-time rate) = done on or before the deadline / done; a finding without a
deadline that is done counts as on time. Rates are percentages with one decimal, None when nothing to divide.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    total: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.total + other.total, self.done + other.done, self.on_time + other.on_time,
                     self.overdue + other.overdue)


def percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def rates(t: Tally) -> dict:
    return {"total": t.total, "done": t.done, "open": t.total - t.done, "overdue": t.overdue,
            "rate": percent(t.done, t.total), "on_time_rate": percent(t.on_time, t.done)}


def table(tallies: dict[str, Tally], labels: dict[str, str] | None = None) -> list[dict]:
    """One row per key (largest first), then the total row."""
    labels = labels or {}
    rows = [{"key": k, "label": labels.get(k, k) or "未分类", **rates(t)}
            for k, t in sorted(tallies.items(), key=lambda kv: (-kv[1].total, kv[0]))]
    total = sum(tallies.values(), Tally())
    return rows + [{"key": "", "label": "合计", **rates(total)}]


def months_back(year: int, month: int, n: int = 12) -> list[tuple[int, int]]:
    """The n months ending with (year, month), oldest first."""
    out = []
    for _ in range(n):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def trend(raised: dict[tuple[int, int], int], closed: dict[tuple[int, int], int], months: list[tuple[int, int]]) -> dict:
    """Series for the 12-month chart: findings raised and closed each month."""
    return {"months": [f"{y}-{m:02d}" for y, m in months], "raised": [raised.get(k, 0) for k in months],
            "closed": [closed.get(k, 0) for k in months]}
