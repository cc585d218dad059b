"""Pure rules of area training (no Django): the completion rule and the sign-in window. Hand-worked tests in
tests/workforce/test_training_engine.py."""

import datetime
from decimal import Decimal


def meets_completion(attended: int, total: int, percent: int) -> bool:
    """Completed when the sessions signed in reach `percent` of the event's sessions (integer arithmetic, so 4 of
    5 at 80% completes and 3 of 4 at 80% does not). An event without sessions completes nobody."""
    if total <= 0 or attended < 0:
        return False
    return attended * 100 >= percent * total


def sessions_needed(total: int, percent: int) -> int:
    """The fewest sessions that complete: ceil(total × percent / 100)."""
    return -(-total * percent // 100)


def signin_window(starts_at: datetime.datetime, ends_at: datetime.datetime, *, early_minutes: int,
                  late_minutes: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[opens, closes] of a session's sign-in: from `early_minutes` before it starts to `late_minutes` after it
    ends, both ends included."""
    return (starts_at - datetime.timedelta(minutes=early_minutes),
            ends_at + datetime.timedelta(minutes=late_minutes))


def in_window(now: datetime.datetime, window: tuple[datetime.datetime, datetime.datetime]) -> bool:
    return window[0] <= now <= window[1]


def hours_short(done: Decimal, minimum: Decimal) -> Decimal:
    """How many hours are missing to the yearly minimum (0 when reached)."""
    return max(Decimal(minimum) - Decimal(done), Decimal(0))
