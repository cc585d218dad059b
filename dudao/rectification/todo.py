"""What rectification puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape. Who gets an item follows the same rules as the services (and the buttons
of selectors.notice_actions), so an item is always something the user can do.

- school or unit (the notice's target): 签收整改通知书, then 提交整改报告 (due: the notice's deadline);
- inspector (responsible for the school) and office: 核查整改报告 (due: verify_due_date); the inspector also
  报督导室备案 (due: file_due_date);
- unit (the competent department of a 督办单): 签收并反馈督办单 (due: the order's deadline);
- office: 下达督办单 for overdue notices that have none (the daily job issues them; these are the ones it could
  not, e.g. no competent department), 约谈 proposals to decide (held or dismissed), accountability cases to carry
  to their next step (the investigation is due by investigation_due), 回头看 samples with items to re-check.
Not modelled, so not listed: a publication waiting to be published (结果公开 is one act, no draft), and any step
for the leader role (约谈 and 问责 decisions are recorded by the office).
"""

from django.db.models import Count, Exists, OuterRef, Q

from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.core.scope import prefix_q, scope_for
from dudao.rectification.models import (
    ACTIVE_NOTICE,
    AccountabilityCase,
    CaseStep,
    FindingReport,
    NoticeStatus,
    OrderStatus,
    RecheckResult,
    RecheckRound,
    RectificationNotice,
    SupervisionOrder,
    Talk,
    TalkStatus,
)


def _held(user) -> tuple[list[int], list[int]]:
    """The schools the user is a school user of and the units they are a unit user of (one query)."""
    schools, units = [], []
    for role, school_id, unit_id in RoleAssignment.objects.filter(
            user_id=user.pk, role__in=[Role.SCHOOL, Role.UNIT]).values_list("role", "school_id", "unit_id"):
        if role == Role.SCHOOL and school_id:
            schools.append(school_id)
        if role == Role.UNIT and unit_id:
            units.append(unit_id)
    return schools, units


def _office_q(scope, lookup: str = "region_code") -> Q:
    """Rows in the regions the user is office staff of (an administrator: everywhere)."""
    if scope.everything:
        return Q()
    return prefix_q(lookup, [p for role, p in scope.role_prefixes if role == Role.OFFICE])


def _inspected_schools(user, scope) -> set[int]:
    """The schools the user may verify and file for as an inspector (the services' rule: the inspector role and
    the school in the user's scope), less the schools they are a school user of."""
    if not scope.has_role(Role.INSPECTOR):
        return set()
    own = set(RoleAssignment.objects.filter(user_id=user.pk, role=Role.SCHOOL).values_list("school_id", flat=True))
    return set(scope.school_ids) - own


def _short(text: str, limit: int = 40) -> str:
    """A reason cut to fit a to-do row, marked as cut ("…") so a half date does not read as the whole."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _target(obj) -> str:
    return obj.school.name if obj.school_id else obj.unit.name


def notices_for_target(user, today) -> list[Todo]:
    """整改通知书 to the user's school or unit: 签收 while issued, 整改报告 while signed or being rectified."""
    schools, units = _held(user)
    if not (schools or units):
        return []
    rows = (RectificationNotice.objects.visible_to(user).filter(Q(school_id__in=schools) | Q(unit_id__in=units))
            .filter(status__in=ACTIVE_NOTICE).select_related("school", "unit").order_by("due_date", "id"))
    url = url_for_pk("rectification:notice_detail")
    todos = []
    for n in rows:
        sign = n.status == NoticeStatus.ISSUED
        todos.append(Todo(kind="rectification.notice_sign" if sign else "rectification.notice_report",
                          title="签收整改通知书" if sign else "提交整改报告", object=f"{_target(n)} · {n.number}",
                          url=url(n.pk), due=n.due_date, region_code=n.region_code,
                          key=f"rectification.notice:{n.pk}:{'sign' if sign else 'report'}"))
    return todos


def notices_to_check(user, today) -> list[Todo]:
    """Reports to verify (核查: the office of the region, or the school's inspector; never one's own report) and,
    for the inspector, reports to file with the office (报备)."""
    scope = scope_for(user)
    inspected = _inspected_schools(user, scope)
    office = _office_q(scope)
    verify = Q(status=NoticeStatus.REPORTED) & (office | Q(school_id__in=inspected))
    file = Q(reported_at__isnull=False, filed_at__isnull=True, school_id__in=inspected,
             status__in=[NoticeStatus.REPORTED, NoticeStatus.CLOSED])
    rows = (RectificationNotice.objects.visible_to(user).filter(verify | file)
            .annotate(mine=Exists(FindingReport.objects.filter(notice=OuterRef("pk"), submitted_by_id=user.pk)))
            .select_related("school", "unit").order_by("reported_at", "id"))
    url = url_for_pk("rectification:notice_detail")
    todos = []
    for n in rows:
        if n.status == NoticeStatus.REPORTED and not n.mine and (
                scope.everything or n.school_id in inspected or scope.holds(n.region_code, Role.OFFICE)):
            todos.append(Todo(kind="rectification.notice_verify", title="核查整改报告", object=f"{_target(n)} · {n.number}",
                              url=url(n.pk), due=n.verify_due_date, region_code=n.region_code,
                              key=f"rectification.notice:{n.pk}:verify"))
        if n.school_id in inspected and n.reported_at and not n.filed_at:
            todos.append(Todo(kind="rectification.notice_file", title="整改报告报督导室备案",
                              object=f"{_target(n)} · {n.number}", url=url(n.pk), due=n.file_due_date,
                              region_code=n.region_code, key=f"rectification.notice:{n.pk}:file"))
    return todos


def orders(user, today) -> list[Todo]:
    """督办单: the competent department signs for it and answers (one act, order_respond); the office presses an
    overdue notice that has no 督办单 yet."""
    scope = scope_for(user)
    todos = []
    _schools, units = _held(user)
    if units:
        url = url_for_pk("rectification:order_detail")
        for o in (SupervisionOrder.objects.visible_to(user).filter(department_id__in=units, status=OrderStatus.ISSUED)
                  .select_related("notice__school", "notice__unit").order_by("due_date", "id")):
            todos.append(Todo(kind="rectification.order_respond", title="签收督办单并反馈落实情况",
                              object=f"{_target(o.notice)} · {o.number}", url=url(o.pk), due=o.due_date,
                              region_code=o.region_code, key=f"rectification.order:{o.pk}:respond"))
    if scope.everything or scope.has_role(Role.OFFICE):
        url = url_for_pk("rectification:notice_detail")
        for n in (RectificationNotice.objects.visible_to(user).filter(_office_q(scope))
                  .filter(status__in=ACTIVE_NOTICE, due_date__lt=today, order__isnull=True)
                  .select_related("school", "unit").order_by("due_date", "id")):
            todos.append(Todo(kind="rectification.order_issue", title="整改逾期，下达督办单",
                              object=f"{_target(n)} · {n.number}", url=url(n.pk), due=n.due_date,
                              region_code=n.region_code, key=f"rectification.notice:{n.pk}:order"))
    return todos


CASE_TITLES = {step: f"问责案件：{label}" for step, label in CaseStep.choices}


def office_decisions(user, today) -> list[Todo]:
    """The office's open decisions: 约谈 proposals (hold or dismiss), accountability cases not yet decided (the
    next step of the procedure; the investigation has a deadline), 回头看 samples with items still to re-check."""
    scope = scope_for(user)
    office = _office_q(scope)
    todos = []
    url = url_for_pk("rectification:talk_detail")
    for t in (Talk.objects.visible_to(user).filter(office, status=TalkStatus.PROPOSED).select_related("school", "unit")
              .order_by("proposed_at", "id")):
        todos.append(Todo(kind="rectification.talk_decide", title="决定是否约谈", object=f"{_target(t)} · {_short(t.reason)}",
                          url=url(t.pk), region_code=t.region_code, key=f"rectification.talk:{t.pk}:decide"))
    url = url_for_pk("rectification:case_detail")
    for c in (AccountabilityCase.objects.visible_to(user).filter(office).exclude(step=CaseStep.DECIDED)
              .select_related("school", "unit").order_by("investigation_due", "id")):
        nxt = c.next_step
        person = f" {c.person_name}" if c.person_name else ""
        todos.append(Todo(kind="rectification.case_step", title=CASE_TITLES[nxt], object=f"{_target(c)}{person} · {c.number}",
                          url=url(c.pk), due=c.investigation_due if c.step == CaseStep.FILED else None,
                          region_code=c.region_code, key=f"rectification.case:{c.pk}:{nxt}"))
    url = url_for_pk("rectification:recheck_detail")
    for r in (RecheckRound.objects.visible_to(user).filter(office)
              .annotate(pending=Count("items", filter=Q(items__result=RecheckResult.PENDING))).filter(pending__gt=0)
              .order_by("drawn_at", "id")):
        todos.append(Todo(kind="rectification.recheck", title=f"回头看复查（待复查 {r.pending} 个问题）",
                          object=f"回头看 {r.closed_from:%Y-%m-%d}至{r.closed_to:%Y-%m-%d}办结的问题",
                          url=url(r.pk), region_code=r.region_code, key=f"rectification.recheck:{r.pk}"))
    return todos


def register_todo() -> None:
    register_todo_source("rectification.notices", "整改通知书", notices_for_target, roles=(Role.SCHOOL, Role.UNIT),
                         list_url="rectification:notice_list")
    register_todo_source("rectification.checks", "整改核查与报备", notices_to_check, roles=(Role.INSPECTOR, Role.OFFICE),
                         list_url="rectification:notice_list")
    register_todo_source("rectification.orders", "督办单", orders, roles=(Role.UNIT, Role.OFFICE),
                         list_url="rectification:order_list")
    register_todo_source("rectification.decisions", "约谈、问责与回头看", office_decisions, roles=(Role.OFFICE,),
                         list_url="rectification:ledger")
