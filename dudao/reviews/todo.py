"""What reviews puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape.

Nothing here waits for a leader: reviews, 述职评议 and the 公报 are moved on by the office, and nobody records
that a leader has read a published 公报."""

from django.db.models import Q
from django.urls import reverse

from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.reviews.models import (
    Assignment,
    AssignmentStatus,
    Bulletin,
    BulletinStatus,
    Rater,
    RatingSession,
    Reporter,
    ReviewStatus,
    SessionStatus,
)
from dudao.reviews.selectors.upward import own_unit_ids

HAND_IN = (AssignmentStatus.PENDING, AssignmentStatus.RETURNED)


def _office_regions(user) -> set[str]:
    """The regions the user is the office of, exactly: the county's office does this work, not the city's office
    above it (which may read the county's records, but has its own list)."""
    return set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))


def evidence_to_hand_in(user, today) -> list[Todo]:
    """迎检 assignments of the user (the staff member named, or a user of the unit named) still to hand in, or
    returned by the office to hand in again, in reviews not closed. Due: the assignment's 提交期限."""
    units = own_unit_ids(user)
    # The user's own assignments are always visible to them (AssignmentQuerySet: own_q and the unit part of scope_q)
    rows = (Assignment.objects.filter(Q(user_id=user.pk) | Q(unit_id__in=units), status__in=HAND_IN)
            .exclude(indicator__review__status=ReviewStatus.CLOSED)
            .select_related("indicator__review", "unit").order_by("due_on", "id"))
    url = url_for_pk("reviews:assignment_detail")
    return [Todo(kind="reviews.evidence", title="重新提交迎检材料（已退回）" if a.status == AssignmentStatus.RETURNED
                 else "提交迎检材料",
                 object=f"{a.indicator.code} {a.indicator.text[:40]} · {a.indicator.review.title}", url=url(a.pk),
                 due=a.due_on, key=f"reviews.assignment:{a.pk}:hand_in", region_code=a.indicator.review.region_id)
            for a in rows]


def evidence_to_decide(user, today) -> list[Todo]:
    """迎检材料 handed in and waiting for the office of the review's county (not the user's own: the assignee may
    not accept its own material). Due: the review's 材料报送截止日期, when set."""
    # Reviews of exactly the user's office regions: inside what visible_to gives the office role.
    units = own_unit_ids(user)
    rows = (Assignment.objects.filter(indicator__review__region_id__in=_office_regions(user),
                                      status=AssignmentStatus.SUBMITTED)
            .exclude(indicator__review__status=ReviewStatus.CLOSED)
            .exclude(user_id=user.pk).exclude(unit_id__in=units)
            .select_related("indicator__review", "unit", "user").order_by("indicator__review__materials_due", "id"))
    url = url_for_pk("reviews:assignment_detail")
    return [Todo(kind="reviews.evidence_decide", title="审核迎检材料",
                 object=f"{a.indicator.code} {a.assignee_name} · {a.indicator.review.title}", url=url(a.pk),
                 due=a.indicator.review.materials_due, key=f"reviews.assignment:{a.pk}:decide",
                 region_code=a.indicator.review.region_id) for a in rows]


def reports_to_upload(user, today) -> list[Todo]:
    """述职报告 of the user's own units in 述职评议 being prepared or under way, not uploaded yet. Due: the
    评议日期."""
    rows = (Reporter.objects.filter(unit_id__in=own_unit_ids(user), report__isnull=True,
                                    session__status__in=[SessionStatus.DRAFT, SessionStatus.OPEN])
            .select_related("session", "unit").order_by("session__held_on", "id"))
    url = reverse("reviews:session_mine")
    return [Todo(kind="reviews.report", title="上传述职报告", object=f"{r.unit} · {r.session.title}", url=url,
                 due=r.session.held_on, key=f"reviews.reporter:{r.pk}:report", region_code=r.session.region_id)
            for r in rows]


def sheets_to_rate(user, today) -> list[Todo]:
    """述职评议 where the user's account is a rater, the session is open (评议中) and the sheet is not submitted.
    The link is the rater's own sheet. Due: the 评议日期."""
    raters = (Rater.objects.filter(user=user, finished_at__isnull=True, session__status=SessionStatus.OPEN)
              .select_related("session").order_by("session__held_on", "id"))
    return [Todo(kind="reviews.rate", title="述职评议评分", object=r.session.title,
                 url=reverse("reviews:rate_sheet", args=[r.key]), due=r.session.held_on,
                 key=f"reviews.rater:{r.pk}:rate", region_code=r.session.region_id) for r in raters]


def office_publications(user, today) -> list[Todo]:
    """What the office has left to publish: 述职评议 results summed up (已汇总) and not published, and 公报
    drafts. No deadline is modelled for either."""
    regions = _office_regions(user)
    sessions = (RatingSession.objects.visible_to(user, as_roles=(Role.OFFICE,)).filter(status=SessionStatus.CLOSED, region_id__in=regions)
                .order_by("year", "id"))
    bulletins = (Bulletin.objects.visible_to(user, as_roles=(Role.OFFICE,)).filter(status=BulletinStatus.DRAFT, region_id__in=regions)
                 .order_by("year", "id"))
    session_url = url_for_pk("reviews:session_detail")
    bulletin_url = url_for_pk("reviews:bulletin_detail")
    todos = [Todo(kind="reviews.session_publish", title="公布述职评议结果", object=s.title, url=session_url(s.pk),
                  key=f"reviews.session:{s.pk}:publish", region_code=s.region_id) for s in sessions]
    todos += [Todo(kind="reviews.bulletin", title="审定并发布督导公报", object=b.title, url=bulletin_url(b.pk),
                   key=f"reviews.bulletin:{b.pk}:publish", region_code=b.region_id) for b in bulletins]
    return todos


def register_todo() -> None:
    everyone = tuple(Role.values)  # a review may name any staff account; a rater may be any account
    register_todo_source("reviews.evidence", "迎检材料", evidence_to_hand_in, roles=everyone)
    register_todo_source("reviews.evidence_decide", "迎检材料审核", evidence_to_decide, roles=(Role.OFFICE,),
                         list_url="reviews:review_list")
    register_todo_source("reviews.report", "述职报告", reports_to_upload, roles=(Role.UNIT,),
                         list_url="reviews:session_mine")
    register_todo_source("reviews.rate", "述职评议评分", sheets_to_rate, roles=everyone)
    register_todo_source("reviews.publish", "结果发布", office_publications, roles=(Role.OFFICE,),
                         list_url="reviews:session_list")
