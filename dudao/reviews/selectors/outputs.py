"""Reads of reviews: outputs (issue 21) — 自评报告, 印证材料, 实地督查日程, 问题清单, 复查 — scoped through
visible_to(user). Every page reads the review through `get_review_for` (same 404 for missing and not yours); the
office's pages and downloads through `get_review_for_office` (a unit that sees the review through its assignment
gets the same 404)."""

import hashlib
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, holds_role_in
from dudao.rectification.models import Finding, FindingStatus
from dudao.reviews.models import (
    AssignmentStatus,
    Evidence,
    EvidenceDecision,
    PackageStatus,
    Review,
    ReviewIndicator,
    ReviewPackage,
    ReviewProblem,
    SiteVisit,
)
from dudao.reviews.wordcount import LimitCheck, check_limit
from dudao.schools.models import School


def get_review_for(user, pk: int) -> Review:
    return get_visible_or_404(Review.objects.select_related("region", "previous", "created_by"), user, pk=pk)


def is_office(user, review: Review) -> bool:
    return holds_role_in(user, review.region_id, Role.OFFICE)


def may_read_outputs(user, review: Review) -> bool:
    """The office and the leaders of the review's region; not the units that hand in evidence."""
    return holds_role_in(user, review.region_id, Role.OFFICE, Role.LEADER)


def get_review_for_reader(user, pk: int) -> Review:
    review = get_review_for(user, pk)
    if not may_read_outputs(user, review):
        raise Http404("未找到该对象，或您无权查看。")
    return review


def get_review_for_office(user, pk: int) -> Review:
    review = get_review_for(user, pk)
    if not is_office(user, review):
        raise Http404("未找到该对象，或您无权查看。")
    return review


# ---- 自评报告 --------------------------------------------------------------------------------------------------

def text_version(text: str) -> str:
    """What the editor started from, as a short digest the page carries back (a hidden field holding the whole text
    would not come back byte for byte: browsers rewrite its line ends)."""
    return hashlib.sha256((text or "").replace("\r\n", "\n").encode()).hexdigest()[:32]


def report_check(review: Review) -> LimitCheck:
    return check_limit(review.report_text, review.word_limit)


def indicators_in_order(review: Review) -> list[ReviewIndicator]:
    """The review's indicators depth-first in their list order (a parent before its children)."""
    rows = list(review.indicators.order_by("position", "id"))
    children: dict[int | None, list[ReviewIndicator]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[ReviewIndicator] = []
    seen: set[int] = set()

    def walk(parent_id):
        for row in children.get(parent_id, []):
            if row.pk not in seen:  # a cycle in bad data never loops
                seen.add(row.pk)
                ordered.append(row)
                walk(row.pk)

    walk(None)
    ordered += [r for r in rows if r.pk not in seen]  # orphans (a parent in another review): kept, at the end
    return ordered


def accepted_evidence(review: Review) -> dict[int, Evidence]:
    """assignment id → its latest accepted version (with assignment, unit, user and files prefetched)."""
    latest: dict[int, Evidence] = {}
    rows = (Evidence.objects.filter(assignment__indicator__review=review, decision=EvidenceDecision.ACCEPTED)
            .select_related("assignment__unit", "assignment__user", "assignment__indicator")
            .prefetch_related("files").order_by("assignment_id", "-version"))
    for evidence in rows:
        latest.setdefault(evidence.assignment_id, evidence)
    return latest


def _score(value) -> str:
    if value is None:
        return "未评"
    return f"{value:g}"


def draft_text(review: Review) -> str:
    """The 自评报告 draft from the indicators (in order) and each one's accepted statements, with the self-score
    and the number of accepted files. Plain text: the office edits it in the platform."""
    accepted = accepted_evidence(review)
    by_indicator: dict[int, list[Evidence]] = {}
    for evidence in accepted.values():
        by_indicator.setdefault(evidence.assignment.indicator_id, []).append(evidence)
    lines = [f"{review.region.name}{review.title}自评报告", ""]
    ordered = indicators_in_order(review)
    parents = {i.parent_id for i in ordered if i.parent_id}
    for indicator in ordered:
        own = sorted(by_indicator.get(indicator.pk, []), key=lambda e: e.assignment_id)
        files = sum(len(e.files.all()) for e in own)
        lines.append(f"{indicator.code} {indicator.text.strip()}")
        weight = f" / {indicator.weight:g}" if indicator.weight is not None else ""
        if indicator.pk not in parents or indicator.self_score is not None or own:  # a heading-only parent: no line
            lines.append(f"自评得分：{_score(indicator.self_score)}{weight}；已采纳佐证材料 {files} 份。")
        if indicator.self_note.strip():
            lines.append(indicator.self_note.strip())
        for evidence in own:
            lines.append(f"（{evidence.assignment.assignee_name}）{evidence.statement.strip()}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ---- 印证材料 ---------------------------------------------------------------------------------------------------

def latest_package(review: Review) -> ReviewPackage | None:
    return review.packages.select_related("file", "requested_by").order_by("-requested_at", "-id").first()


def package_list(review: Review) -> list[ReviewPackage]:
    return list(review.packages.select_related("file", "requested_by").order_by("-requested_at", "-id")[:10])


def get_package_for_office(user, review_pk: int, pk: int) -> ReviewPackage:
    review = get_review_for_office(user, review_pk)
    package = review.packages.select_related("file", "review__region").filter(pk=pk).first()
    if package is None or package.status != PackageStatus.DONE or package.file_id is None:
        raise Http404("未找到该材料包。")
    return package


def package_counts(review: Review) -> dict:
    """What the next package would hold: indicators with assignments, accepted assignments, pending ones."""
    rows = review.indicators.aggregate(
        assigned=Count("assignments__indicator", distinct=True),
        accepted=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACCEPTED)),
        total=Count("assignments"))
    return rows


# ---- 实地督查日程 ------------------------------------------------------------------------------------------------

def visit_list(review: Review) -> QuerySet[SiteVisit]:
    return review.visits.select_related("school").order_by("day", "starts", "id")


def county_schools(review: Review) -> QuerySet[School]:
    return School.objects.filter(region__code__startswith=review.region_id).only("pk", "name").order_by("name")


def get_visit_for_office(user, review_pk: int, pk: int) -> tuple[Review, SiteVisit]:
    review = get_review_for_office(user, review_pk)
    visit = review.visits.filter(pk=pk).first()
    if visit is None:
        raise Http404("未找到该日程。")
    return review, visit


# ---- 问题清单 ---------------------------------------------------------------------------------------------------

def problem_list(review: Review, *, status: str = "", q: str = "") -> QuerySet[ReviewProblem]:
    qs = review.problems.select_related("finding__school", "finding__unit", "finding__notice")
    if status:
        qs = qs.filter(finding__status=status)
    if q:
        qs = qs.filter(Q(text__contains=q) | Q(requirement__contains=q) | Q(indicator_code__contains=q)
                       | Q(finding__school__name__contains=q) | Q(finding__unit__name__contains=q))
    return qs.order_by("row", "id")


@dataclass
class ProblemSummary:
    total: int
    open: int
    done: int


def problem_summary(review: Review) -> ProblemSummary:
    counts = Finding.objects.filter(pk__in=review.problems.values("finding_id")).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status=FindingStatus.OPEN)))
    return ProblemSummary(counts["total"], counts["open"], counts["total"] - counts["open"])


# ---- 复查 -------------------------------------------------------------------------------------------------------

def rechecks(user, review: Review) -> list[Review]:
    return list(review.rechecks.visible_to(user).order_by("year", "id"))


def panel(user, review: Review) -> dict:
    """The outputs panel on the review page: links and the status of each output (a few queries)."""
    office = is_office(user, review)
    return {
        "review": review, "office": office, "reader": may_read_outputs(user, review),
        "check": report_check(review), "package": latest_package(review),
        "visit_count": review.visits.count(), "problems": problem_summary(review),
        "rechecks": rechecks(user, review),
    }
