"""A finished 专项检查 for the outputs tests, built through the rounds services (round_create, targets_add) and,
since the fill area's service is not on this branch, with submissions and answers written as the fill service
stores them (findings raised through rectification's finding_raise)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.checks.models import CheckAnswer, CheckItem, CheckRound, CheckSubmission, CheckTarget, RoundStatus
from dudao.checks.services.rounds import round_create, targets_add
from dudao.documents.services import file_store
from dudao.rectification.services import finding_raise
from tests.zones.conftest import make_inspector

ITEMS = [
    {"text": "消防通道畅通，无杂物堆放", "answer_kind": "yes_no", "photo_required": True, "veto": True,
     "finding_text": "消防通道堆放杂物", "finding_category": "安全管理", "severity": 3},
    {"text": "食堂留样记录完整", "answer_kind": "yes_no", "finding_text": "食堂留样记录不全", "finding_category": "食品安全"},
    {"text": "班额不超过 45 人", "answer_kind": "number", "number_min": 0, "number_max": 45, "unit": "人",
     "finding_text": "存在大班额", "finding_category": "办学规范"},
]


def jpeg_upload(name="photo.jpg", colour=(200, 50, 50)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_round(world, *, title="2026年岁末年初节前安全稳定专项检查", status=RoundStatus.OPEN, targets=True) -> CheckRound:
    inspector = make_inspector(world.office_a, world.county_a, f"DX9{CheckRound.objects.count():02d}", "督学甲",
                               user=world.inspector_a if not CheckRound.objects.exists() else None)
    check_round = round_create(actor=world.office_a, region=world.county_a, title=title, kind="holiday_safety",
                               starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 15), items=ITEMS)
    if targets:
        targets_add(actor=world.office_a, round=check_round, schools=world.schools_a, inspector=inspector)
    if status != RoundStatus.DRAFT:
        CheckRound.objects.filter(pk=check_round.pk).update(status=status)
        check_round.refresh_from_db()
    return check_round


def submit(world, check_round, school, failures: dict, *, photos=()) -> CheckSubmission:
    """Answers for every item of the round for `school`: failures maps item order → ("no" | number, note,
    follow_up); `photos` the orders of the failed items that carry a photo."""
    target = CheckTarget.objects.get(round=check_round, school=school)
    now = timezone.now()
    submission = CheckSubmission.objects.create(target=target, inspector=target.inspector, submitted_by=world.office_a,
                                                submitted_at=now)
    failed = 0
    veto = False
    for item in CheckItem.objects.filter(round=check_round).order_by("order"):
        answer = CheckAnswer(submission=submission, item=item, value="yes")
        if item.answer_kind == "number":
            answer.value, answer.number = "", 40
        if item.order in failures:
            value, note, follow_up = failures[item.order]
            if item.answer_kind == "number":
                answer.number = value
            else:
                answer.value = "no"
            answer.note, answer.failed = note, True
            if item.order in photos:
                answer.photo = file_store(actor=world.office_a, upload=jpeg_upload(f"p{item.order}.jpg"), kind="image")
            answer.save()
            finding = finding_raise(actor=world.office_a, source="check", description=item.finding_text, school=school,
                                    source_type="checks.checkanswer", source_id=str(answer.pk),
                                    category=item.finding_category, follow_up=follow_up)
            answer.finding, answer.settled_on_spot = finding, follow_up == "on_site"
            answer.save()
            failed += 1
            veto = veto or item.veto
        else:
            answer.save()
    CheckTarget.objects.filter(pk=target.pk).update(status="done", done_at=now, failed_count=failed, veto_failed=veto)
    CheckSubmission.objects.filter(pk=submission.pk).update(failed_count=failed, veto_failed=veto)
    return submission


def finished_round(world, **kwargs) -> CheckRound:
    """Five targets, three checked: school 0 fails the veto item (photo, settled on the spot), school 1 fails the
    canteen item (photo, passed to the notice flow) and the class-size item (no photo), school 2 passes."""
    check_round = make_round(world, **kwargs)
    s = world.schools_a
    submit(world, check_round, s[0], {1: ("no", "楼梯间堆放桌椅。", "on_site")}, photos={1})
    submit(world, check_round, s[1], {2: ("no", "留样不足 48 小时。", "suggestion"), 3: (52, "五年级 52 人。", "report")},
           photos={2})
    submit(world, check_round, s[2], {})
    return check_round
