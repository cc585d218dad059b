"""The daily deadline run as a task: run twice, it issues each 督办单 once."""

import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def test_the_deadline_task_twice_issues_each_order_once(world, ledger, run_tasks):
    import time_machine

    from dudao.rectification import notices
    from dudao.rectification.models import SupervisionOrder
    from dudao.rectification.tasks import daily_deadlines

    issued = timezone.now() - datetime.timedelta(days=20)
    with time_machine.travel(issued, tick=False):
        notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    daily_deadlines.enqueue()
    daily_deadlines.enqueue()
    assert run_tasks() == 2
    results = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", "return_value"))
    assert [r[0] for r in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert results[0][1]["orders"] == 1 and results[1][1]["orders"] == 0
    assert SupervisionOrder.objects.count() == 1
