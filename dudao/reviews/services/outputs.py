"""Writes of reviews: outputs (issue 21) — the 自评报告 text, the site-visit schedule and the 复查. Keyword-only
services, atomic, audited in the same transaction; only the office of the review's region writes.

The 印证材料 package is in services/package.py, the 问题清单 import in services/problems.py."""

import datetime

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import require_office_for
from dudao.reviews.models import Review, ReviewIndicator, ReviewKind, ReviewStatus, SiteVisit
from dudao.reviews.selectors.outputs import draft_text, indicators_in_order, text_version
from dudao.reviews.wordcount import word_count
from dudao.schools.models import School

REPORT_MAX = 200_000  # characters: about 40 times a 5,000字 report; a paste of a whole binder is refused
ACTIVITY_MAX, PLACE_MAX, PEOPLE_MAX = 200, 200, 200


def _office(actor, review: Review, what: str) -> None:
    require_office_for(actor, review.region_id, f"只有{review.region.name}督导室可以{what}。")


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update(of=("self",)).select_related("region").get(pk=review.pk)


# ---- 自评报告 --------------------------------------------------------------------------------------------------

@transaction.atomic
def report_save(*, actor, review: Review, text: str, base: str | None = None) -> Review:
    """Save the edited 自评报告 text. `base` is the text_version of the text the editor started from: when someone
    else saved in the meantime, the save is refused instead of overwriting their work."""
    _office(actor, review, "编辑自评报告")
    text = (text or "").replace("\r\n", "\n").replace("\x00", "")
    if len(text) > REPORT_MAX:
        raise ApplicationError(f"自评报告正文过长（{len(text):,} 个字符，最多 {REPORT_MAX:,} 个字符）。")
    review = _locked(review)
    if base is not None and base != text_version(review.report_text):
        raise ApplicationError("自评报告已被他人修改，未保存：请刷新页面，在最新正文上修改后再保存。")
    before = {"words": word_count(review.report_text), "chars": len(review.report_text)}
    review.report_text = text
    review.save(update_fields=["report_text"])
    audit_record(actor=actor, action="reviews.report_save", obj=review, region_code=review.region_id,
                 before=before, after={"words": word_count(text), "chars": len(text)})
    return review


@transaction.atomic
def report_draft(*, actor, review: Review, overwrite: bool = False) -> Review:
    """Assemble the draft from the indicators' accepted statements into the report text. An existing text is
    only replaced with `overwrite` (the office confirmed)."""
    _office(actor, review, "生成自评报告初稿")
    review = _locked(review)
    if review.report_text.strip() and not overwrite:
        raise ApplicationError("自评报告已有正文，未覆盖：如要用初稿替换现有正文，请勾选“覆盖现有正文”后再生成。")
    text = draft_text(review)
    before = {"words": word_count(review.report_text), "chars": len(review.report_text)}
    review.report_text = text
    review.save(update_fields=["report_text"])
    audit_record(actor=actor, action="reviews.report_draft", obj=review, region_code=review.region_id,
                 before=before, after={"words": word_count(text), "overwrite": overwrite})
    return review


# ---- 实地督查日程 ------------------------------------------------------------------------------------------------

def _visit_fields(review: Review, *, day, starts, ends, activity, place, school, people) -> dict:
    activity, place, people = (activity or "").strip(), (place or "").strip(), (people or "").strip()
    if not activity:
        raise ApplicationError("请填写日程内容（如 汇报会、查阅资料、实地查看学校）。")
    for label, value, limit in (("内容", activity, ACTIVITY_MAX), ("地点", place, PLACE_MAX),
                                ("陪同/参加人员", people, PEOPLE_MAX)):
        if len(value) > limit:
            raise ApplicationError(f"{label}过长（最多 {limit} 个字）。")
    if not isinstance(day, datetime.date) or not 2000 <= day.year <= 2100:
        raise ApplicationError("请填写有效的日期。")
    if day.year not in (review.year - 1, review.year, review.year + 1):
        raise ApplicationError(f"日期 {day.isoformat()} 不在该迎检的年度（{review.year}年）前后。")
    if starts and ends and ends <= starts:
        raise ApplicationError("结束时间应晚于开始时间。")
    if school is not None and not isinstance(school, School):
        school = School.objects.filter(pk=school, region__code__startswith=review.region_id).first()
        if school is None:
            raise ApplicationError("所选学校不在受检区县内。")
    elif school is not None and not school.region_id.startswith(review.region_id):
        raise ApplicationError("所选学校不在受检区县内。")
    refuse_if_archived(review.region_id, day, "该日程")
    return {"day": day, "starts": starts, "ends": ends, "activity": activity, "place": place, "school": school,
            "people": people}


def _visit_record(visit: SiteVisit) -> dict:
    """The audit snapshot of a line (times as text: core.audit's snapshot knows dates, not times)."""
    return {name: (value.isoformat() if isinstance(value, datetime.time) else value)
            for name, value in snapshot(visit).items()}


@transaction.atomic
def visit_add(*, actor, review: Review, day, starts=None, ends=None, activity: str, place: str = "",
              school=None, people: str = "") -> SiteVisit:
    _office(actor, review, "编排实地督查日程")
    fields = _visit_fields(review, day=day, starts=starts, ends=ends, activity=activity, place=place,
                           school=school, people=people)
    visit = SiteVisit.objects.create(review=review, **fields)
    audit_record(actor=actor, action="reviews.visit_add", obj=visit, region_code=review.region_id,
                 after=_visit_record(visit))
    return visit


@transaction.atomic
def visit_update(*, actor, visit: SiteVisit, day, starts=None, ends=None, activity: str, place: str = "",
                 school=None, people: str = "") -> SiteVisit:
    review = visit.review
    _office(actor, review, "编排实地督查日程")
    refuse_if_archived(review.region_id, visit.day, "该日程")
    fields = _visit_fields(review, day=day, starts=starts, ends=ends, activity=activity, place=place,
                           school=school, people=people)
    before = _visit_record(visit)
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.save()
    audit_record(actor=actor, action="reviews.visit_update", obj=visit, region_code=review.region_id,
                 before=before, after=_visit_record(visit))
    return visit


@transaction.atomic
def visit_delete(*, actor, visit: SiteVisit) -> None:
    review = visit.review
    _office(actor, review, "编排实地督查日程")
    refuse_if_archived(review.region_id, visit.day, "该日程")
    before = _visit_record(visit)
    audit_record(actor=actor, action="reviews.visit_delete", obj=visit, region_code=review.region_id, before=before)
    visit.delete()


# ---- 复查 -------------------------------------------------------------------------------------------------------

@transaction.atomic
def recheck_create(*, actor, review: Review, copy_indicators: bool = True, title: str = "") -> Review:
    """The follow-up review (复查) of `review`: same region, level and body, kind 复查, previous = the first. With
    `copy_indicators`, the indicators named by the 问题清单 (and their parents, so the list keeps its shape) are
    copied without assignments, scores or evidence."""
    _office(actor, review, "发起复查")
    review = _locked(review)
    title = (title or "").strip() or f"{review.title}（复查）"
    if len(title) > 200:
        raise ApplicationError("复查名称过长（最多 200 个字）。")
    today = timezone.localdate()
    recheck = Review.objects.create(
        region=review.region, title=title, level=review.level, kind=ReviewKind.RECHECK, body=review.body,
        year=max(today.year, review.year), word_limit=review.word_limit, status=ReviewStatus.PREPARING,
        previous=review, created_by=actor)
    copied = 0
    if copy_indicators:
        codes = set(review.problems.exclude(indicator_code="").values_list("indicator_code", flat=True))
        ordered = indicators_in_order(review)
        by_pk = {i.pk: i for i in ordered}
        keep: set[int] = set()
        for indicator in ordered:
            if indicator.code in codes:
                node = indicator
                while node is not None and node.pk not in keep:
                    keep.add(node.pk)
                    node = by_pk.get(node.parent_id)
        mapping: dict[int, ReviewIndicator] = {}
        for position, indicator in enumerate(i for i in ordered if i.pk in keep):
            mapping[indicator.pk] = ReviewIndicator.objects.create(
                review=recheck, parent=mapping.get(indicator.parent_id), code=indicator.code, text=indicator.text,
                weight=indicator.weight, materials=indicator.materials, position=position)
        copied = len(mapping)
    audit_record(actor=actor, action="reviews.recheck_create", obj=recheck, region_code=review.region_id,
                 after={"previous": review.pk, "indicators": copied, "title": title})
    return recheck
