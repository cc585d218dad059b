"""fill (issue 23): check_submit — a failed item raises one finding, settled on the spot or into the notice flow;
idempotent by client id; every refusal saves nothing; outside the window is a warning; Beijing dates."""

import datetime
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.checks.models import CheckAnswer, CheckSubmission, CheckTarget
from dudao.checks.services.fill import check_submit
from dudao.checks.services.rounds import round_close
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.rectification.models import Finding
from dudao.zones.models import Visit
from tests.checks.fill_support import answers, fill_fixture, make_round, png, submit_kwargs, visit  # noqa: F401

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def nothing_saved():
    assert not CheckSubmission.objects.exists()
    assert not CheckAnswer.objects.exists()
    assert not Visit.objects.exists()
    assert not Finding.objects.exists()
    assert not CheckTarget.objects.filter(status="done").exists()


def test_all_pass_is_a_special_visit_and_marks_the_target_done(world, fill):
    submission, created = check_submit(**submit_kwargs(world, fill))
    assert created and submission.failed_count == 0 and not submission.veto_failed and not submission.outside_window
    visit_row = submission.visit
    assert visit_row.reason == "special" and visit_row.reason_note == fill.round.title
    assert visit_row.school_id == fill.targets[0].school_id and visit_row.inspector_id == fill.inspector.pk
    assert visit_row.items == ["special"] and visit_row.topic == fill.round.title
    target = CheckTarget.objects.get(pk=fill.targets[0].pk)
    assert target.status == "done" and target.done_at and target.failed_count == 0
    assert submission.answers.count() == 4 and not Finding.objects.exists()


def test_failed_item_raises_one_finding_and_a_retry_raises_nothing_more(world, fill):
    kwargs = submit_kwargs(world, fill, answers=answers(fill.items, i1={"value": "no", "settle": "notice",
                                                                       "note": "二楼通道堆放桌椅"}),
                           answer_photos={fill.items[0].pk: png()})
    submission, created = check_submit(**kwargs)
    assert created and submission.failed_count == 1
    finding = Finding.objects.get()
    answer = submission.answers.get(failed=True)
    assert answer.finding_id == finding.pk and not answer.settled_on_spot
    assert (finding.source, finding.source_type, finding.source_id) == ("check", "checks.checkanswer", str(answer.pk))
    assert finding.status == "open" and finding.follow_up == "suggestion" and finding.severity == 2
    assert finding.description == "消防通道堵塞或安全出口标识缺损：二楼通道堆放桌椅"
    assert finding.category == "校园安全" and finding.school_id == fill.targets[0].school_id
    assert list(finding.evidence.all()) == [answer.photo]
    again, created = check_submit(**{**kwargs, "answer_photos": {fill.items[0].pk: png()}})
    assert not created and again.pk == submission.pk
    assert Finding.objects.count() == 1 and Visit.objects.count() == 1 and CheckSubmission.objects.count() == 1


def test_settled_on_the_spot_resolves_the_finding_with_the_photo_as_evidence(world, fill):
    submission, _ = check_submit(**submit_kwargs(
        world, fill, answers=answers(fill.items, i3={"number": "1", "settle": "on_site"}),
        answer_photos={fill.items[2].pk: png()}))
    answer = submission.answers.get(failed=True)
    assert answer.item == fill.items[2] and answer.settled_on_spot and answer.number == 1
    finding = answer.finding
    assert finding.status == "resolved_on_site" and finding.follow_up == "on_site" and finding.closed_on_time
    assert list(finding.evidence.all()) == [answer.photo] and answer.photo.kind == "image"


def test_veto_item_goes_to_the_notice_flow_as_a_report(world, fill):
    submission, _ = check_submit(**submit_kwargs(world, fill, answers=answers(fill.items, i2={"value": "no",
                                                                                              "settle": "notice"})))
    assert submission.veto_failed and submission.failed_count == 1
    finding = Finding.objects.get()
    assert finding.follow_up == "report" and finding.status == "open" and finding.severity == 3
    target = CheckTarget.objects.get(pk=fill.targets[0].pk)
    assert target.veto_failed and target.failed_count == 1


def test_not_applicable_and_text_never_fail(world, fill):
    submission, _ = check_submit(**submit_kwargs(world, fill, answers=answers(
        fill.items, i1={"value": "na"}, i2={"value": "na"}, i3={"value": "na", "number": None}, i4={"note": "否"})))
    assert submission.failed_count == 0 and not Finding.objects.exists()


def test_client_id_reused_for_another_target_is_refused(world, fill):
    kwargs = submit_kwargs(world, fill)
    check_submit(**kwargs)
    with pytest.raises(ApplicationError, match="另一检查对象"):
        check_submit(**{**kwargs, "target": fill.targets[1]})
    assert CheckSubmission.objects.count() == 1 and Visit.objects.count() == 1


def test_a_target_is_checked_once(world, fill):
    check_submit(**submit_kwargs(world, fill))
    with pytest.raises(ApplicationError, match="只提交一次"):
        check_submit(**submit_kwargs(world, fill))
    assert CheckSubmission.objects.count() == 1 and Visit.objects.count() == 1


@pytest.mark.parametrize(("over", "photos", "message"), [
    ({"i1": {"value": ""}}, False, "尚未填写"),
    ({"i3": {"number": ""}}, False, "尚未填写数值"),
    ({"i3": {"number": "abc"}}, False, "不是数值"),
    ({"i3": {"number": "NaN"}}, False, "不是数值"),
    ({"i3": {"number": "1e400"}}, False, "超出范围"),
    ({"i3": {"number": "-99999999999"}}, False, "超出范围"),
    ({"i1": {"value": "maybe"}}, False, "尚未填写"),
    ({"i1": {"value": "no", "settle": "notice"}}, False, "须拍照留存"),
    ({"i2": {"value": "no", "settle": "on_site"}}, False, "须上传整改后的照片"),
    ({"i2": {"value": "no"}}, False, "现场整改到位"),
    ({"i2": {"value": "no", "settle": "whatever"}}, False, "现场整改到位"),
])
def test_bad_answers_are_refused_and_nothing_is_saved(world, fill, over, photos, message):
    with pytest.raises(ApplicationError, match=message):
        check_submit(**submit_kwargs(world, fill, answers=answers(fill.items, **over)))
    nothing_saved()


def test_a_photo_that_is_not_an_image_is_refused(world, fill):
    fake = SimpleUploadedFile("a.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ApplicationError, match="照片"):
        check_submit(**submit_kwargs(world, fill, answers=answers(fill.items, i1={"value": "no", "settle": "notice"}),
                                     answer_photos={fill.items[0].pk: fake}))
    nothing_saved()


def test_answers_for_items_of_another_round_or_twice_are_refused(world, fill):
    other = make_round(world, title="另一检查")
    foreign = other.items.first()
    with pytest.raises(ApplicationError, match="不属于本次专项检查"):
        check_submit(**submit_kwargs(world, fill, answers=[*answers(fill.items), {"item": foreign.pk, "value": "no"}]))
    with pytest.raises(ApplicationError, match="填写了两次"):
        check_submit(**submit_kwargs(world, fill, answers=[*answers(fill.items), answers(fill.items)[0]]))
    with pytest.raises(ApplicationError, match="不属于本次专项检查"):
        check_submit(**submit_kwargs(world, fill, answer_photos={foreign.pk: png()}))
    nothing_saved()


def test_target_not_in_the_round_is_refused(world, fill):
    other = make_round(world, title="另一检查", schools=world.schools_a[3:4])
    with pytest.raises(ApplicationError, match="不是“另一检查”的检查对象"):
        check_submit(**submit_kwargs(world, fill, round=other))
    nothing_saved()


def test_round_not_open_is_refused(world, fill):
    draft = make_round(world, title="草稿检查", open_it=False)
    target = draft.targets.get(school=world.schools_a[0])
    with pytest.raises(ApplicationError, match="尚未开始"):
        check_submit(**submit_kwargs(world, fill, target=target, answers=answers(list(draft.items.all()))))
    round_close(actor=world.office_a, round=fill.round)
    with pytest.raises(ApplicationError, match="已结束"):
        check_submit(**submit_kwargs(world, fill))
    nothing_saved()


def test_only_the_assigned_inspector_submits(world, fill):
    for actor in (fill.other_user, world.principal_a, world.office_b, world.leader_a, world.expert):
        with pytest.raises(PermissionDenied):
            check_submit(**submit_kwargs(world, fill, actor=actor))
    nothing_saved()


def test_the_office_of_the_region_types_in_the_assigned_inspectors_paper_checklist(world, fill):
    submission, _ = check_submit(**submit_kwargs(world, fill, actor=world.office_a))
    assert submission.inspector_id == fill.inspector.pk and submission.submitted_by == world.office_a
    assert submission.visit.inspector_id == fill.inspector.pk
    CheckTarget.objects.filter(pk=fill.targets[1].pk).update(inspector=None)
    with pytest.raises(ApplicationError, match="尚未安排检查督学"):
        check_submit(**submit_kwargs(world, fill, actor=world.office_a, target=CheckTarget.objects.get(pk=fill.targets[1].pk)))


def test_an_unassigned_target_may_be_filled_by_an_active_inspector_of_the_region(world, fill):
    target = fill.targets[2]
    CheckTarget.objects.filter(pk=target.pk).update(inspector=None)
    target.refresh_from_db()
    submission, _ = check_submit(**submit_kwargs(world, fill, actor=fill.other_user, target=target))
    assert submission.inspector_id == fill.other.pk


def test_visit_fields_that_the_target_decides_cannot_be_overridden(world, fill):
    with pytest.raises(ApplicationError, match="不能指定"):
        check_submit(**submit_kwargs(world, fill, visit={**visit(), "school": world.schools_b[0], "reason": "assigned"}))
    with pytest.raises(ApplicationError, match="客户端编号无效"):
        check_submit(**submit_kwargs(world, fill, client_id="not-a-uuid"))
    with pytest.raises(ApplicationError, match="晚于当前时间"):
        check_submit(**submit_kwargs(world, fill, visit=visit(start=timezone.now() + datetime.timedelta(days=1))))
    nothing_saved()


def test_nul_and_huge_text_are_cleaned(world, fill):
    submission, _ = check_submit(**submit_kwargs(world, fill, note="意见\x00" + "长" * 5000, answers=answers(
        fill.items, i4={"note": "<b>x</b>\x00"})))
    assert "\x00" not in submission.note and len(submission.note) == 2000
    assert submission.answers.get(item=fill.items[3]).note == "<b>x</b>"


def _at(day, hour, minute):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BEIJING)


@pytest.mark.parametrize(("day_offset", "hour", "minute", "outside"), [
    (0, 0, 30, False),   # the first day, 00:30 Beijing (the day before in UTC)
    (-1, 23, 30, True),  # the evening before the window
    (7, 23, 30, False),  # the last day, 23:30 Beijing (still that day)
    (8, 0, 30, True),    # 00:30 the day after
])
def test_window_uses_beijing_dates_and_outside_is_a_warning_not_a_refusal(world, fill, day_offset, hour, minute,
                                                                         outside):
    today = timezone.localdate()
    starts = today - datetime.timedelta(days=20)
    late = make_round(world, title="窗口检查", starts_on=starts, ends_on=starts + datetime.timedelta(days=7),
                      schools=world.schools_a[:1])
    target = late.targets.get()
    start = _at(starts + datetime.timedelta(days=day_offset), hour, minute)
    submission, created = check_submit(**submit_kwargs(
        world, fill, target=target, answers=answers(list(late.items.order_by("order"))),
        visit=visit(start=start, **{"ended_at": start + datetime.timedelta(minutes=20)})))
    assert created and submission.outside_window is outside
