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
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from dudao.core.audit import audit_records
from dudao.core.dates import cn_date, cn_month_day
from dudao.core.policy import PolicyTable
from dudao.core.selectors import office_users_by_region, users_of_schools, users_of_units
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
                note=f"系统提醒：整改期限 {cn_date(n.due_date)} 将至。") for n in due])
            schools = users_of_schools({n.school_id for n in due if n.school_id})
            units = users_of_units({n.unit_id for n in due if n.unit_id})
            notify(at=now, messages=[(Message(
                f"notice:{n.pk}:remind", "remind", f"整改通知书 {n.number} 将于 {cn_month_day(n.due_date)} 到期",
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
            findings = defaultdict(list)
            for notice_id, pk in Finding.objects.filter(notice_id__in=[o.notice_id for o in rows]).values_list(
                    "notice_id", "pk"):
                findings[notice_id].append(pk)
            done += _talks(now, [Proposal(
                key=f"order:{o.pk}", school_id=o.notice.school_id, unit_id=o.notice.unit_id,
                region_code=o.notice.region_code, finding_ids=findings[o.notice_id],
                reason=f"督办单 {o.number} 逾期（期限 {cn_date(o.due_date)}），"
                       f"{o.notice.target}仍未完成整改通知书 {o.notice.number} 的整改。") for o in rows])
    # Targets with too many overdue findings this year (findings whose notice went to a 督办单 this year).
    threshold = PolicyTable(["rectification.talk_overdue_findings"])
    start = datetime.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    escalated = Finding.objects.filter(notice__escalated_at__gte=start)
    per_target = defaultdict(lambda: [0, ""])
    for row in escalated.values("school_id", "unit_id", "region_code").annotate(n=Count("id")).iterator(chunk_size=2000):
        target = (row["school_id"], row["unit_id"])
        per_target[target][0] += row["n"]
        per_target[target][1] = row["region_code"]
    over = [(target, n, region) for target, (n, region) in per_target.items()
            if n >= int(threshold.get("rectification.talk_overdue_findings", region))]
    del per_target
    for k in range(0, len(over), batch):
        chunk = over[k:k + batch]
        keys = {t: f"overdue:{'school' if t[0] else 'unit'}:{t[0] or t[1]}:{today.year}" for t, _n, _r in chunk}
        known = set(Talk.objects.filter(key__in=list(keys.values())).values_list("key", flat=True))
        chunk = [c for c in chunk if keys[c[0]] not in known]
        if not chunk:
            continue
        findings = defaultdict(list)
        schools = [t[0] for t, _n, _r in chunk if t[0]]
        units = [t[1] for t, _n, _r in chunk if t[1]]
        for school_id, unit_id, pk in escalated.filter(
                Q(school_id__in=schools) | Q(unit_id__in=units)).values_list("school_id", "unit_id", "pk"):
            findings[(school_id, unit_id)].append(pk)
        with transaction.atomic():
            done += _talks(now, [Proposal(
                key=keys[t], school_id=t[0], unit_id=t[1], region_code=region, finding_ids=findings[t][:500],
                reason=f"{today.year} 年内已有 {n} 个问题逾期未整改并被督办。") for t, n, region in chunk])
    return done


@dataclass
class Proposal:
    key: str
    school_id: int | None
    unit_id: int | None
    region_code: str
    reason: str
    finding_ids: list


def _talks(now, proposals: list[Proposal]) -> int:
    """Propose 约谈 once per key, in bulk; the office decides whether to hold them. A key already taken (an
    earlier or a concurrent run) keeps its first proposal: only the rows written now get findings, an audit
    record and a message."""
    if not proposals:
        return 0
    Talk.objects.bulk_create([Talk(key=p.key, school_id=p.school_id, unit_id=p.unit_id, region_code=p.region_code,
                                   reason=p.reason, proposed_at=now) for p in proposals],
                             ignore_conflicts=True, batch_size=1000)
    mine = {t.key: t for t in Talk.objects.filter(key__in=[p.key for p in proposals], proposed_at=now)}
    made = [(p, mine[p.key]) for p in proposals if p.key in mine]
    if not made:
        return 0
    Through = Talk.findings.through
    Through.objects.bulk_create([Through(talk_id=t.pk, finding_id=f) for p, t in made for f in p.finding_ids],
                                ignore_conflicts=True, batch_size=5000)
    audit_records(actor=None, action="talk.propose", items=[
        (t, p.region_code, {"key": p.key, "reason": p.reason}) for p, t in made])
    offices = office_users_by_region({p.region_code for p, _t in made})
    notify(at=now, messages=[(Message(f"talk:{t.pk}:proposed", "talk", "建议约谈", p.reason,
                                      f"/rectification/talks/{t.pk}/"), offices[p.region_code]) for p, t in made])
    return len(made)
