"""planning.status: a task's shown status from its links or its owner's progress (hand-worked cases + properties)."""

import datetime
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from dudao.planning.status import completion, task_status

TODAY = datetime.date(2026, 6, 15)
YESTERDAY = datetime.date(2026, 6, 14)


@dataclass(frozen=True)
class L:
    done: bool


def status(progress="not_started", due=None, links=()):
    return task_status(progress=progress, due_date=due, today=TODAY, links=list(links))


def test_without_links_the_owner_progress_is_shown():
    assert status("not_started") == "not_started"
    assert status("in_progress") == "in_progress"
    assert status("done") == "done"
    assert status("dropped") == "dropped"


def test_with_links_done_only_when_every_link_is_done():
    assert status(links=[L(True), L(True)]) == "done"
    assert status(links=[L(True), L(False)]) == "in_progress"
    assert status(links=[L(False)]) == "in_progress"
    # The links win over the owner's own account, either way.
    assert status("done", links=[L(False)]) == "in_progress"
    assert status("not_started", links=[L(True)]) == "done"


def test_dropped_wins_over_links_and_lateness():
    assert status("dropped", due=YESTERDAY, links=[L(False)]) == "dropped"
    assert status("dropped", links=[L(True)]) == "dropped"


def test_late_when_not_done_and_due_before_today():
    assert status("in_progress", due=YESTERDAY) == "late"
    assert status("not_started", due=YESTERDAY, links=[L(True), L(False)]) == "late"
    assert status("in_progress", due=TODAY) == "in_progress"  # due today is not yet late
    assert status("done", due=YESTERDAY) == "done"
    assert status(due=YESTERDAY, links=[L(True)]) == "done"
    assert status(due=None) == "not_started"


def test_completion_counts_and_percent():
    result = completion(["done", "done", "late", "in_progress", "dropped"])
    assert result == {"total": 5, "not_started": 0, "in_progress": 1, "late": 1, "done": 2, "dropped": 1,
                      "counted": 4, "percent": 50}  # 2 done of the 4 not dropped
    assert completion([])["percent"] is None
    assert completion(["dropped"])["percent"] is None
    assert completion(["done", "late", "late"])["percent"] == 33


@given(progress=st.sampled_from(["not_started", "in_progress", "done", "dropped"]),
       due=st.one_of(st.none(), st.dates(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))),
       links=st.lists(st.booleans(), max_size=4))
def test_properties(progress, due, links):
    result = status(progress, due, [L(d) for d in links])
    assert result in {"not_started", "in_progress", "done", "late", "dropped"}
    if progress == "dropped":
        assert result == "dropped"
    elif links and all(links):
        assert result == "done"
    elif result == "done":
        assert not links and progress == "done"
    if result == "late":
        assert due is not None and due < TODAY
    if links and not all(links) and progress != "dropped":
        assert result in {"in_progress", "late"}


@given(st.lists(st.sampled_from(["not_started", "in_progress", "done", "late", "dropped"]), max_size=30))
def test_completion_properties(statuses):
    result = completion(statuses)
    assert result["total"] == len(statuses) == sum(result[k] for k in
                                                    ("not_started", "in_progress", "done", "late", "dropped"))
    if result["percent"] is not None:
        assert 0 <= result["percent"] <= 100
