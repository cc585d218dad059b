"""Demo: fill (issue 23). Runs after the rounds' demo and finds its rounds by title only:

- "2026年岁末年初节前安全稳定专项检查": every target with a checking inspector is filled (the office typing in the
  inspectors' paper checklists, the demo inspector's own targets as the demo inspector), with exactly two failed
  items overall → two findings, one settled on the spot with a photo, one into the notice flow; then closed.
- "暑期违规补课专项检查": three targets of other inspectors filled, all passing; the demo inspector's stay open.

A round missing (this branch before the rounds area merges) is made here with a short sample checklist, so the
demo and the browser journey have something to fill; with the rounds' demo merged it is found, not made."""

import datetime
import io
import uuid

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dudao.checks.models import CheckRound, CheckTarget, RoundStatus, TargetStatus
from dudao.checks.services.fill import check_submit
from dudao.checks.services.rounds import round_close, round_create, round_open, targets_add
from dudao.schools.models import School, SchoolType
from dudao.zones.models import Assignment

HOLIDAY_TITLE = "2026年岁末年初节前安全稳定专项检查"
SUMMER_TITLE = "暑期违规补课专项检查"

FALLBACK = {
    HOLIDAY_TITLE: ("holiday_safety", [
        {"text": "消防通道畅通，安全出口标识、应急照明完好", "photo_required": True,
         "finding_text": "消防通道堵塞或安全出口标识、应急照明缺损", "finding_category": "校园安全", "severity": 2},
        {"text": "灭火器在有效期内并按规定配置", "photo_required": True,
         "finding_text": "灭火器过期或配置不足", "finding_category": "校园安全", "severity": 2},
        {"text": "门卫值守和外来人员登记落实", "finding_text": "门卫值守或外来人员登记不落实", "finding_category": "校园安全"},
        {"text": "食堂留样保存时间", "answer_kind": "number", "number_min": 2, "unit": "天",
         "finding_text": "食品留样保存不足 48 小时", "finding_category": "食品安全"},
        {"text": "假期安全教育和致家长一封信已落实", "veto": False, "finding_text": "假期安全教育未落实",
         "finding_category": "安全教育"},
        {"text": "其他需要说明的情况", "answer_kind": "text"},
    ], 12),
    SUMMER_TITLE: ("summer_tutoring", [
        {"text": "无组织或变相组织学生集体补课", "veto": True, "finding_text": "组织或变相组织学生集体补课",
         "finding_category": "规范办学", "severity": 3},
        {"text": "无在职教师参与有偿补课的线索", "finding_text": "发现在职教师参与有偿补课线索", "finding_category": "师德师风",
         "severity": 2},
        {"text": "暑期校园安全值班到位", "photo_required": True, "finding_text": "暑期安全值班不到位",
         "finding_category": "校园安全"},
        {"text": "其他需要说明的情况", "answer_kind": "text"},
    ], 8),
}


def demo_png(colour=(46, 125, 50)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 120), colour).save(buffer, "PNG")
    return SimpleUploadedFile("现场照片.png", buffer.getvalue(), content_type="image/png")


def _fallback_round(*, title: str, office_user, county) -> CheckRound:
    kind, items, size = FALLBACK[title]
    today = timezone.localdate()
    if title == HOLIDAY_TITLE:  # finished: its window is over
        starts_on, ends_on = today - datetime.timedelta(days=40), today - datetime.timedelta(days=26)
    else:  # in progress: its window holds today
        starts_on, ends_on = today - datetime.timedelta(days=7), today + datetime.timedelta(days=14)
    check_round = round_create(actor=office_user, region=county, title=title, kind=kind, starts_on=starts_on,
                               ends_on=ends_on, items=items, description="演示数据：检查清单为样例，不是正式文本。")
    current = Assignment.objects.current().filter(school__region__code__startswith=county.code)
    eligible = School.objects.exclude(school_type=SchoolType.TRAINING).order_by("code")
    # the demo inspector's first two schools, so the demo persona has targets of their own, then the county's
    own = list(eligible.filter(pk__in=current.filter(inspector__user__username="demo_inspector").values("school_id"))[:2])
    others = list(eligible.filter(pk__in=current.values("school_id")).exclude(pk__in=[s.pk for s in own])[:size - 2])
    schools = own + others
    targets_add(actor=office_user, round=check_round, schools=schools)
    return round_open(actor=office_user, round=check_round)


def _find_round(title: str, *, office_user, county) -> CheckRound:
    found = CheckRound.objects.filter(title=title, region__code__startswith=county.code).order_by("id").first()
    if found is None:
        found = _fallback_round(title=title, office_user=office_user, county=county)
    if found.status == RoundStatus.DRAFT:
        found = round_open(actor=office_user, round=found)
    return found


def _passing(item) -> dict:
    if item.answer_kind == "number":
        value = item.number_min if item.number_min is not None else (item.number_max or 0)
        return {"item": item.pk, "number": str(value)}
    if item.answer_kind == "text":
        return {"item": item.pk, "note": "无"}
    return {"item": item.pk, "value": "yes"}


def _visit_time(check_round: CheckRound, n: int) -> datetime.datetime:
    """A deterministic time inside the window and in the past: 09:00 Beijing plus an hour per target, a day apart."""
    now = timezone.now()
    last = min(check_round.ends_on, timezone.localdate() - datetime.timedelta(days=1))
    span = max((last - check_round.starts_on).days, 0)
    day = check_round.starts_on + datetime.timedelta(days=(n % (span + 1)))
    start = datetime.datetime.combine(day, datetime.time(9 + n % 4, 0), tzinfo=timezone.get_current_timezone())
    return min(start, now - datetime.timedelta(hours=3))


def _actor(target: CheckTarget, office_user):
    return target.inspector.user if target.inspector and target.inspector.user_id else office_user


def _fill(target: CheckTarget, n: int, *, office_user, answers: list[dict], photos: dict) -> None:
    start = _visit_time(target.round, n)
    check_submit(actor=_actor(target, office_user), target=target, client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"dudao-demo-check-{target.pk}"),
                 visit={"started_at": start, "ended_at": start + datetime.timedelta(minutes=90),
                        "methods": {"tour": 1, "documents": 1}},
                 answers=answers, answer_photos=photos)


def _fillable(check_round: CheckRound):
    return list(CheckTarget.objects.filter(round=check_round, status=TargetStatus.PENDING, inspector__isnull=False,
                                           inspector__status="active")
                .select_related("round", "school", "inspector").order_by("school__code"))


def load(*, admin, office_user, county) -> None:
    holiday = _find_round(HOLIDAY_TITLE, office_user=office_user, county=county)
    if holiday.status == RoundStatus.OPEN:
        items = list(holiday.items.order_by("order", "id"))
        failable = [i for i in items if i.answer_kind == "yes_no" and not i.veto] or \
                   [i for i in items if i.answer_kind == "yes_no"]
        on_spot = next((i for i in failable if i.photo_required), failable[0])
        notice = next((i for i in failable if i != on_spot), on_spot)
        for n, target in enumerate(_fillable(holiday)):
            answers, photos = [_passing(i) for i in items], {}
            failing = {0: (notice, "notice", "二楼东侧通道堆放课桌椅"), 1: (on_spot, "on_site", "已当场更换")}.get(n)
            if failing:
                item, settle, note = failing
                answers = [a if a["item"] != item.pk else {"item": item.pk, "value": "no", "settle": settle,
                                                           "note": note} for a in answers]
                photos = {item.pk: demo_png((200, 60, 40) if settle == "notice" else (46, 125, 50))}
            _fill(target, n, office_user=office_user, answers=answers, photos=photos)
        round_close(actor=office_user, round=holiday)
    summer = _find_round(SUMMER_TITLE, office_user=office_user, county=county)
    if summer.status == RoundStatus.OPEN:
        items = list(summer.items.order_by("order", "id"))
        demo_inspector = get_user_model().objects.filter(username="demo_inspector").first()
        others = [t for t in _fillable(summer) if demo_inspector is None or t.inspector.user_id != demo_inspector.pk]
        wanted = max(3 - CheckTarget.objects.filter(round=summer, status=TargetStatus.DONE).count(), 0)  # a reload adds none
        for n, target in enumerate(others[:wanted]):
            _fill(target, n, office_user=office_user, answers=[_passing(i) for i in items], photos={})
