"""The daily deadline job (DESIGN.md rule 4): reminders before a notice's deadline, a 督办单 to the competent
department when it passes, and 约谈 proposals when a 督办单 is overdue too or a target piles up overdue
findings in a year.

Idempotent and safe on two workers at once: rows are claimed in id order, a batch at a time, inside a
transaction that locks them (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the IMMEDIATE write lock), and
marked with a timestamp (reminded_at, escalated_at) that the next run's filter excludes. The 督办单 is also
unique per notice and a 约谈 proposal unique by key, so even a bug in the claim could not duplicate them.
Memory stays bounded: nothing is loaded beyond one batch.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.policy import PolicyTable
from dudao.core.selectors import office_users_by_region, office_users_for, users_of_schools, users_of_units
from dudao.core.services import Message, notify
from dudao.rectification import notices as notice_services
from dudao.rectification.models import (
    ACTIVE_NOTICE,
    Finding,
    NoticeTransition,
    OrderStatus,
    RectificationNotice,
    SupervisionOrder,
    Talk,
)

BATCH = 1000


def run_deadlines(*, now: datetime.datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "reminded": _remind(now, today, batch),
        "orders": _escalate(now, today, batch),
        "talks": _propose_talks(now, today, batch),
    }


def _claim(qs, after: int, batch: int) -> list:
    """The next batch of rows after `after`, locked for this transaction (skipped if another worker holds them)."""
    return list(qs.filter(pk__gt=after).order_by("pk").select_for_update(skip_locked=True, of=("self",))[:batch])


def _remind(now, today, batch) -> int:
    table = PolicyTable(["rectification.remind_days_before"])
    window = max(int(v) for v in table.values("rectification.remind_days_before"))
    candidates = RectificationNotice.objects.filter(
        status__in=ACTIVE_NOTICE, reminded_at__isnull=True, due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=window))
    done, after = 0, 0
    while True:
        with transaction.atomic():
            rows = _claim(candidates, after, batch)
            if not rows:
                return done
            after = rows[-1].pk
            due = [n for n in rows if n.due_date <= today + datetime.timedelta(
                days=int(table.get("rectification.remind_days_before", n.region_code)))]
            if not due:
                continue
            RectificationNotice.objects.filter(pk__in=[n.pk for n in due]).update(reminded_at=now)
            NoticeTransition.objects.bulk_create([NoticeTransition(
                notice=n, from_status=n.status, to_status=n.status, event="remind", at=now,
                note=f"系统提醒：整改期限 {n.due_date:%Y年%m月%d日} 将至。") for n in due])
            schools = users_of_schools({n.school_id for n in due if n.school_id})
            units = users_of_units({n.unit_id for n in due if n.unit_id})
            notify(at=now, messages=[(Message(
                f"notice:{n.pk}:remind", "remind", f"整改通知书 {n.number} 将于 {n.due_date:%m月%d日} 到期",
                "请按期提交整改报告和佐证材料；逾期将向主管部门下达督办单。", f"/rectification/notices/{n.pk}/"),
                schools.get(n.school_id, set()) if n.school_id else units.get(n.unit_id, set())) for n in due])
            done += len(due)


def _escalate(now, today, batch) -> int:
    candidates = RectificationNotice.objects.filter(status__in=ACTIVE_NOTICE, escalated_at__isnull=True,
                                                    due_date__lt=today).select_related("school__competent_unit", "unit")
    table = PolicyTable(["rectification.school_department", "rectification.unit_department"])
    units: dict = {}  # department lookups shared across batches
    done, after = 0, 0
    while True:
        with transaction.atomic():
            rows = _claim(candidates, after, batch)
            if not rows:
                return done
            after = rows[-1].pk
            pairs, orphans = [], []
            for notice in rows:
                department = notice_services.department_for(notice, table=table, cache=units)
                (pairs.append((notice, department)) if department else orphans.append(notice))
            done += len(notice_services.orders_create(actor=None, pairs=pairs, now=now))
            offices = office_users_by_region({n.region_code for n in orphans})
            notify(at=now, messages=[(Message(
                f"notice:{n.pk}:no-department", "order", f"{n.number} 已逾期，但未设置主管部门",
                "请在学校信息中设置主管部门，或在政策参数中指定督办主管部门。",
                f"/rectification/notices/{n.pk}/"), offices[n.region_code]) for n in orphans])
            RectificationNotice.objects.filter(pk__in=[n.pk for n in rows]).filter(
                order__isnull=False).update(escalated_at=now)


def _propose_talks(now, today, batch) -> int:
    done, after = 0, 0
    overdue_orders = SupervisionOrder.objects.filter(escalated_at__isnull=True, due_date__lt=today).exclude(
        status=OrderStatus.CLOSED).select_related("notice__school", "notice__unit")
    while True:
        with transaction.atomic():
            rows = _claim(overdue_orders, after, batch)
            if not rows:
                break
            after = rows[-1].pk
            SupervisionOrder.objects.filter(pk__in=[o.pk for o in rows]).update(escalated_at=now)
            for order in rows:
                notice = order.notice
                done += _talk(key=f"order:{order.pk}", notice_or_finding=notice, now=now,
                              reason=f"督办单 {order.number} 逾期（期限 {order.due_date:%Y年%m月%d日}），"
                                     f"{notice.target}仍未完成整改通知书 {notice.number} 的整改。",
                              finding_ids=list(notice.findings.values_list("pk", flat=True)))
    # Targets with too many overdue findings this year (findings whose notice went to a 督办单 this year).
    threshold = PolicyTable(["rectification.talk_overdue_findings"])
    start = datetime.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    counts = (Finding.objects.filter(notice__escalated_at__gte=start).values("school_id", "unit_id", "region_code")
              .annotate(n=Count("id")))
    per_target = defaultdict(lambda: [0, ""])
    for row in counts.iterator(chunk_size=2000):
        target = (row["school_id"], row["unit_id"])
        per_target[target][0] += row["n"]
        per_target[target][1] = row["region_code"]
    for (school_id, unit_id), (n, region_code) in per_target.items():
        if n < int(threshold.get("rectification.talk_overdue_findings", region_code)):
            continue
        key = f"overdue:{'school' if school_id else 'unit'}:{school_id or unit_id}:{today.year}"
        if Talk.objects.filter(key=key).exists():
            continue
        with transaction.atomic():
            ids = list(Finding.objects.filter(notice__escalated_at__gte=start, school_id=school_id, unit_id=unit_id)
                       .values_list("pk", flat=True)[:500])
            done += _talk(key=key, school_id=school_id, unit_id=unit_id, region_code=region_code, now=now,
                          reason=f"{today.year} 年内已有 {n} 个问题逾期未整改并被督办。", finding_ids=ids)
    return done


def _talk(*, key, now, reason, finding_ids, notice_or_finding=None, school_id=None, unit_id=None,
          region_code="") -> int:
    """Propose a 约谈 once per key; the office decides whether to hold it."""
    if notice_or_finding is not None:
        school_id, unit_id, region_code = notice_or_finding.school_id, notice_or_finding.unit_id, notice_or_finding.region_code
    Talk.objects.bulk_create([Talk(key=key, school_id=school_id, unit_id=unit_id, region_code=region_code,
                                   reason=reason, proposed_at=now)], ignore_conflicts=True)
    talk = Talk.objects.filter(key=key).first()
    if talk is None or talk.proposed_at != now:
        return 0  # proposed by an earlier (or a concurrent) run: the unique key kept the first
    talk.findings.set(finding_ids)
    audit_record(actor=None, action="talk.propose", obj=talk, region_code=region_code, after={"key": key, "reason": reason})
    notify(at=now, messages=[(Message(f"talk:{talk.pk}:proposed", "talk", "建议约谈", reason,
                                      "/rectification/talks/"), office_users_for(region_code))])
    return 1
