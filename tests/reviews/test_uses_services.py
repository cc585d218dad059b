"""Recording, editing and deleting a 结果运用: who may record for which result, as which unit; what is checked."""

import datetime

import pytest
import time_machine

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Notification
from dudao.reviews import results
from dudao.reviews.models import ResultUse
from dudao.reviews.services.uses import use_delete, use_record, use_update
from tests.reviews import uses_data

TODAY = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def data(world):
    return uses_data.build(world)


def _record(actor, result_key, **kw):
    args = {"purpose": "appointment", "used_on": datetime.date(2026, 1, 5),
            "decision": "该校校长年度考核定为基本称职，暂缓提拔。"} | kw
    return use_record(actor=actor, result_key=result_key, **args)


@time_machine.travel(TODAY, tick=False)
def test_it_lets_the_office_record_a_use_for_a_unit_of_its_county_with_a_document(world, data):
    use = _record(world.office_a, f"inspections.target:{data.failing.pk}", user_unit=data.hr.pk,
                  document_number="甲人社〔2026〕3号", upload=uses_data.pdf_upload())
    assert use.user_name == "甲区人力资源和社会保障局" and use.user_unit == data.hr
    assert use.region_id == "990102" and use.school == world.schools_a[0] and use.result_year == 2025
    assert "不合格" in use.result_label and use.document.content_type == "application/pdf"
    assert AuditLog.objects.filter(action="reviews.use_record", object_id=str(use.pk)).exists()
    assert not Notification.objects.filter(kind="result_use").exists()  # the office's own write


@time_machine.travel(TODAY, tick=False)
def test_it_lets_the_office_name_a_body_not_in_the_list(world, data):
    use = _record(world.office_a, f"rectification.accountability:{data.case.pk}", user_unit="",
                  user_name="区纪委监委", purpose="annual")
    assert use.user_unit is None and use.user_name == "区纪委监委" and use.school == world.schools_a[3]
    with pytest.raises(ApplicationError, match="请选择运用单位"):
        _record(world.office_a, f"rectification.accountability:{data.case.pk}")


@time_machine.travel(TODAY, tick=False)
def test_it_forces_a_unit_user_to_record_as_its_own_unit(world, data):
    use = _record(data.hr_user, f"inspections.target:{data.failing.pk}", purpose="pay")
    assert use.user_unit == data.hr and use.recorded_by == data.hr_user
    # the county's office hears of it (inbox)
    assert Notification.objects.filter(user=world.office_a, kind="result_use").count() == 1
    assert not Notification.objects.filter(user=world.office_b).exists()
    with pytest.raises(PermissionDenied, match="本单位名义"):
        _record(data.hr_user, f"inspections.target:{data.failing.pk}", user_unit=world.unit_a.pk)
    with pytest.raises(ApplicationError):
        _record(data.hr_user, f"inspections.target:{data.failing.pk}", user_unit=data.hr_b.pk)


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_results_of_another_county(world, data):
    key = f"inspections.target:{data.failing_b.pk}"
    with pytest.raises(PermissionDenied):
        _record(data.hr_user, key)
    with pytest.raises(PermissionDenied):
        _record(world.office_a, key, user_unit=data.hr.pk)
    with pytest.raises(ApplicationError, match="不属于"):  # B's office naming A's unit for B's result
        _record(world.office_b, key, user_unit=data.hr.pk)
    assert _record(world.office_b, key, user_unit=data.hr_b.pk).region_id == "990103"


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_users_who_are_neither_office_nor_unit(world, data):
    for actor in (world.leader_a, world.principal_a, world.inspector_a, world.expert):
        with pytest.raises(PermissionDenied):
            _record(actor, f"inspections.target:{data.failing.pk}", user_name="某单位")


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("key", ["", "inspections.target", "nosuch.kind:1", "inspections.target:abc",
                                 "inspections.target:99999999", "inspections.target:-1",
                                 "inspections.target:1" + "0" * 40, "__class__:1", "KINDS:1"])
def test_it_refuses_unknown_kinds_and_ids(world, data, key):
    with pytest.raises(ApplicationError):
        _record(world.office_a, key, user_unit=data.hr.pk)
    assert not ResultUse.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_results_not_issued_yet(world, data):
    with pytest.raises(ApplicationError, match="尚未出具"):
        _record(world.office_a, f"inspections.target:{data.draft.pk}", user_unit=data.hr.pk)


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_future_dates_and_dates_before_the_result(world, data):
    key = f"inspections.target:{data.failing.pk}"
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        _record(world.office_a, key, user_unit=data.hr.pk, used_on=datetime.date(2026, 3, 11))
    with pytest.raises(ApplicationError, match="不能早于结果出具日期"):
        _record(world.office_a, key, user_unit=data.hr.pk, used_on=datetime.date(2025, 7, 9))
    assert _record(world.office_a, key, user_unit=data.hr.pk, used_on=datetime.date(2026, 3, 10))


@time_machine.travel(datetime.datetime(2026, 3, 10, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                     tick=False)
def test_today_is_the_beijing_day_at_half_past_midnight(world, data):
    # 00:30 Beijing is still 9 March in UTC: 10 March must be accepted, 11 March refused
    key = f"inspections.target:{data.failing.pk}"
    assert _record(world.office_a, key, user_unit=data.hr.pk, used_on=datetime.date(2026, 3, 10))
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        _record(world.office_a, key, user_unit=data.hr.pk, used_on=datetime.date(2026, 3, 11))


@time_machine.travel(datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                     tick=False)
def test_today_is_the_beijing_day_at_half_past_eleven(world, data):
    key = f"inspections.target:{data.failing.pk}"
    with pytest.raises(ApplicationError, match="不能晚于今天"):  # 23:30 Beijing: 11 March is still tomorrow
        _record(world.office_a, key, user_unit=data.hr.pk, used_on=datetime.date(2026, 3, 11))
    assert _record(world.office_a, key, user_unit=data.hr.pk, used_on=datetime.date(2026, 3, 10))


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("purpose", ["", "bonus", "HONOURS", None])
def test_it_refuses_unknown_purposes(world, data, purpose):
    with pytest.raises(ApplicationError, match="运用方式"):
        _record(world.office_a, f"inspections.target:{data.failing.pk}", user_unit=data.hr.pk, purpose=purpose)


@time_machine.travel(TODAY, tick=False)
def test_it_checks_the_document_by_its_content(world, data):
    key = f"inspections.target:{data.failing.pk}"
    with pytest.raises(ApplicationError, match="不是 PDF"):
        _record(world.office_a, key, user_unit=data.hr.pk, upload=uses_data.xlsx_upload())
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("决定.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError):
        _record(world.office_a, key, user_unit=data.hr.pk, upload=fake)
    fake_image = SimpleUploadedFile("a.png", b"<?php echo 1; ?>", content_type="image/png")
    with pytest.raises(ApplicationError):
        _record(world.office_a, key, user_unit=data.hr.pk, upload=fake_image)
    assert _record(world.office_a, key, user_unit=data.hr.pk, upload=uses_data.png_upload()).document.kind == "image"
    assert ResultUse.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_overlong_text(world, data):
    key = f"inspections.target:{data.failing.pk}"
    with pytest.raises(ApplicationError, match="过长"):
        _record(world.office_a, key, user_unit=data.hr.pk, decision="长" * 5001)
    with pytest.raises(ApplicationError, match="过长"):
        _record(world.office_a, key, user_unit=data.hr.pk, document_number="号" * 65)
    with pytest.raises(ApplicationError, match="运用情况"):
        _record(world.office_a, key, user_unit=data.hr.pk, decision="   ")


@time_machine.travel(TODAY, tick=False)
def test_the_recorder_and_the_office_edit_others_do_not(world, data):
    use = _record(data.hr_user, f"inspections.target:{data.failing.pk}", purpose="pay")
    use = use_update(actor=data.hr_user, use=use, purpose="honours", used_on=datetime.date(2026, 2, 1),
                     decision="取消该校年度评优资格。")
    assert use.purpose == "honours" and use.user_unit == data.hr and use.updated_by == data.hr_user
    use = use_update(actor=world.office_a, use=use, purpose="honours", used_on=datetime.date(2026, 2, 1),
                     decision="取消该校年度评优资格。", user_unit=data.hr.pk, document_number="甲人社〔2026〕5号")
    assert use.document_number == "甲人社〔2026〕5号"
    for actor in (world.office_b, world.town_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            use_update(actor=actor, use=use, purpose="pay", used_on=datetime.date(2026, 2, 1), decision="x")
    assert AuditLog.objects.filter(action="reviews.use_update").count() == 2


@time_machine.travel(TODAY, tick=False)
def test_only_the_office_deletes_with_a_reason(world, data):
    use = _record(data.hr_user, f"inspections.target:{data.failing.pk}", purpose="pay")
    with pytest.raises(PermissionDenied):
        use_delete(actor=data.hr_user, use=use, reason="登记错了")
    with pytest.raises(PermissionDenied):
        use_delete(actor=world.office_b, use=use, reason="登记错了")
    with pytest.raises(ApplicationError, match="删除理由"):
        use_delete(actor=world.office_a, use=use, reason=" ")
    use_delete(actor=world.office_a, use=use, reason="重复登记")
    assert not ResultUse.objects.exists()
    log = AuditLog.objects.get(action="reviews.use_delete")
    assert log.after == {"reason": "重复登记"} and log.before["purpose"] == "pay"


def test_every_result_kind_resolves_with_its_owner_and_failing_flag(world, data):
    target = results.resolve("inspections.target", str(data.failing.pk))
    assert target.failing and target.school_id == world.schools_a[0].pk and target.issued_on == datetime.date(2025, 7, 10)
    assert not results.resolve("inspections.target", str(data.good.pk)).failing
    assert results.resolve("inspections.target", str(data.unit_target.pk)).unit_id == world.unit_a.pk
    reporter = results.resolve("reviews.reporter", str(data.reporter.pk))
    assert reporter.failing and "第2名" in reporter.label and reporter.issued_on == datetime.date(2025, 12, 25)
    case = results.resolve("rectification.accountability", str(data.case.pk))
    assert case.failing and case.issued_on == datetime.date(2025, 9, 20) and "通报批评" in case.label
    flag = results.resolve("quality.flag", str(data.flag.pk))
    assert not flag.failing and "合格率" in flag.label and flag.county == "990102"
    assert results.resolve("inspections.target", str(data.draft.pk)) is None


def test_a_target_with_neither_school_nor_unit_does_not_crash(world, data):
    # a group, centre or project target (added by the targets area) has neither: the register must still work
    target = data.good
    target.school = None
    result = results._target_result(target)
    assert result.school_id is None and result.label


def test_the_picker_lists_issued_results_of_the_users_counties_only(world, data):
    mine = {r.id for r in results.pickable(data.hr_user, "inspections.target")}
    assert mine == {str(data.failing.pk), str(data.good.pk), str(data.unit_target.pk)}
    assert {r.id for r in results.pickable(world.office_b, "inspections.target")} == {str(data.failing_b.pk)}
    assert results.pickable(world.leader_a, "inspections.target") == []
    assert results.pickable(world.office_a, "nosuch") == []
    found = results.pickable(world.office_a, "inspections.target", q="第二小学")
    assert [r.id for r in found] == [str(data.good.pk)]
    assert results.pickable(world.office_a, "reviews.reporter", year=2024) == []
