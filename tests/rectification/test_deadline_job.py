"""The deadline job under a controlled clock: a reminder 3 days before, a 督办单 the day after the deadline,
a 约谈 proposal when the 督办单 runs out too: each exactly once, also when runs repeat or overlap."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from dudao.core.models import Notification
from dudao.core.services import policy_set
from dudao.rectification import notices
from dudao.rectification.jobs import run_deadlines
from dudao.rectification.models import NoticeTransition, SupervisionOrder, Talk

TZ = ZoneInfo("Asia/Shanghai")
ISSUED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # due 2026-03-12 with 10 days


def at(day: int, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 6, 0, tzinfo=TZ)


@pytest.fixture
def notice(world, ledger):
    with time_machine.travel(ISSUED, tick=False):
        return notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)


def test_reminder_then_order_then_talk_each_exactly_once(world, ledger, notice, django_capture_on_commit_callbacks,
                                                         run_tasks):
    world.principal_a.email = "principal@example.cn"
    world.principal_a.save()
    with time_machine.travel(at(8), tick=False):
        assert run_deadlines() == {"reminded": 0, "orders": 0, "talks": 0}  # 4 days before: too early
    with time_machine.travel(at(9), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert run_deadlines()["reminded"] == 1
        assert run_deadlines()["reminded"] == 0
    assert Notification.objects.filter(user=world.principal_a, key=f"notice:{notice.pk}:remind").count() == 1
    with time_machine.travel(at(12), tick=False):  # the deadline day itself is not overdue
        assert run_deadlines()["orders"] == 0
    with time_machine.travel(at(13), tick=False):
        assert run_deadlines() == {"reminded": 0, "orders": 1, "talks": 0}
        assert run_deadlines()["orders"] == 0
    order = SupervisionOrder.objects.get(notice=notice)
    assert order.department == ledger.bureau and order.due_date == datetime.date(2026, 3, 28)
    assert Notification.objects.filter(user=ledger.bureau_user, key=f"order:{order.pk}:issued").count() == 1
    events = list(NoticeTransition.objects.filter(notice=notice).values_list("event", flat=True))
    assert events == ["", "remind", "order"]  # the finding's timeline shows both
    with time_machine.travel(at(28), tick=False):
        assert run_deadlines()["talks"] == 0
    with time_machine.travel(at(29), tick=False):
        assert run_deadlines()["talks"] == 1
        assert run_deadlines()["talks"] == 0
    talk = Talk.objects.get()
    assert talk.school == world.schools_a[0] and talk.findings.count() == 2 and "督办单" in talk.reason
    assert Notification.objects.filter(user=world.office_a, kind="talk").count() == 1
    assert not mail.outbox  # the mail is a background task: nothing is sent in the request or the job
    run_tasks()
    reminders = [m for m in mail.outbox if "principal@example.cn" in m.to]
    assert len(reminders) == 1 and "将于 3月12日 到期" in reminders[0].subject


def test_a_reported_notice_is_not_escalated(world, ledger, notice):
    from tests.rectification.conftest import evidence

    with time_machine.travel(at(10), tick=False):
        notices.notice_acknowledge(actor=world.principal_a, notice=notice)
        notices.notice_report(actor=world.principal_a, notice=notice,
                              reports={f.pk: ("已整改。", [evidence()]) for f in ledger.findings})
    with time_machine.travel(at(20), tick=False):
        assert run_deadlines()["orders"] == 0


def test_too_many_overdue_findings_in_a_year_propose_a_talk(world, ledger, notice):
    policy_set(actor=world.admin, key="rectification.talk_overdue_findings", value=2, region_code="990102")
    with time_machine.travel(at(13), tick=False):
        counts = run_deadlines()
    assert counts["orders"] == 1 and counts["talks"] == 1
    assert Talk.objects.filter(key=f"overdue:school:{world.schools_a[0].pk}:2026").exists()
    with time_machine.travel(at(14), tick=False):
        assert run_deadlines()["talks"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_issue_one_order(world, ledger, notice):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite cannot be shared between threads")
    results, errors = [], []

    def run():
        try:
            with time_machine.travel(at(13), tick=False):
                results.append(run_deadlines())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["orders"] for r in results) == 1 and sum(r["reminded"] for r in results) == 0
    assert SupervisionOrder.objects.count() == 1
    assert NoticeTransition.objects.filter(notice=notice, event="order").count() == 1
