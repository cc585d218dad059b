"""institution_save (schools.services): who may write, which schools, and every refusal leaves nothing changed."""

import datetime
import json

import pytest
import time_machine

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.schools.models import InstitutionProfile, mask_account
from dudao.schools.services import clean_subjects, institution_save
from tests.checks._institutions import ACCOUNT, private_kindergarten, profile, training

pytestmark = pytest.mark.django_db

GOOD = dict(licence_no="教民1401020000001号", licence_issued_on=datetime.date(2024, 1, 5),
            licence_valid_until=datetime.date(2027, 1, 4), scope_kind="non_subject", subjects="美术、书法,美术",
            whitelist="listed", fund_bank="工商银行", fund_account="6222 0202 0011 2233 445", premises_area="120.5")


def test_office_saves_a_profile_and_the_audit_masks_the_account(world):
    school = training(world)
    saved = institution_save(actor=world.office_a, school=school, **GOOD)
    assert saved.subjects == ["美术", "书法"]  # split, trimmed, deduplicated
    assert saved.fund_account == ACCOUNT  # stored in full (spaces removed)
    assert str(saved.premises_area) == "120.5"
    log = AuditLog.objects.get(action="checks.institution_save")
    assert log.region_code == school.region_id and log.before is None
    assert ACCOUNT not in json.dumps(log.after) and log.after["fund_account"] == "****3445"
    institution_save(actor=world.office_a, school=school, whitelist="removed")  # a partial update
    saved.refresh_from_db()
    assert saved.whitelist == "removed" and saved.subjects == ["美术", "书法"]
    second = AuditLog.objects.filter(action="checks.institution_save").order_by("-id").first()
    assert ACCOUNT not in json.dumps([second.before, second.after])


def test_office_of_another_county_a_school_user_and_an_inspector_are_refused(world):
    school = training(world)
    for actor in (world.office_b, world.principal_a, world.inspector_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            institution_save(actor=actor, school=school, licence_no="X1")
    assert not InstitutionProfile.objects.exists()
    institution_save(actor=world.admin, school=school, licence_no="X1")  # an administrator may


def test_a_public_school_has_no_institution_profile(world):
    with pytest.raises(ApplicationError, match="只有民办学校"):
        institution_save(actor=world.office_a, school=world.schools_a[0], licence_no="X1")
    assert not InstitutionProfile.objects.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"licence_issued_on": "2025-03-01", "licence_valid_until": "2025-02-28"}, "不能早于发证日期"),
    ({"licence_issued_on": "2026-06-02"}, "发证日期不能晚于今天"),
    ({"licence_issued_on": "2025-02-30"}, "不是有效日期"),
    ({"scope_kind": "subject", "subjects": "数学、美术"}, "不是学科类科目"),
    ({"scope_kind": "non_subject", "subjects": "数学"}, "不能培训学科类科目"),
    ({"scope_kind": "both", "subjects": "美术"}, "同时有学科类和非学科类"),
    ({"scope_kind": "subject", "subjects": ""}, "至少一个培训科目"),
    ({"scope_kind": "", "subjects": "美术"}, "请选择办学范围"),
    ({"scope_kind": "evil", "subjects": "美术"}, "办学范围只能是"),
    ({"whitelist": "maybe"}, "白名单状态无效"),
    ({"subjects": "、".join(f"科目{i}" for i in range(21)), "scope_kind": "non_subject"}, "最多填写 20 个"),
    ({"subjects": "美" * 21, "scope_kind": "non_subject"}, "每个科目最多 20 个字"),
    ({"fund_account": "1234567"}, "8–30 位数字"),
    ({"fund_account": "1" * 31}, "8–30 位数字"),
    ({"fund_account": "12345678ab"}, "8–30 位数字"),
    ({"fund_account": "１２３４５６７８９"}, "8–30 位数字"),  # full-width digits
    ({"fund_bank": "", "fund_account": "12345678"}, "开户银行"),
    ({"premises_area": "-5"}, "应大于 0"),
    ({"premises_area": "0"}, "应大于 0"),
    ({"premises_area": "NaN"}, "应大于 0"),
    ({"premises_area": "很大"}, "应为数字"),
    ({"premises_area": "1e12"}, "面积过大"),
    ({"licence_no": "X" * 65}, "最多 64 个字"),
    ({"fee_standard": "元" * 2001}, "最多 2000 个字"),
    ({"legal_representative": "<script>" * 10}, "最多 64 个字"),
    ({"licence_no": "", "licence_issued_on": "2024-01-01"}, "请同时填写办学许可证号"),
    ({"updated_by": 1}, "不能修改字段"),
])
def test_bad_input_is_refused_in_chinese_and_changes_nothing(world, fields, message):
    school = training(world)
    before = profile(school)
    with time_machine.travel(datetime.datetime(2026, 6, 1, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                             tick=False), pytest.raises(ApplicationError, match=message):
        institution_save(actor=world.office_a, school=school, **fields)
    after = InstitutionProfile.objects.get(pk=before.pk)
    assert (after.licence_no, after.subjects, after.fund_account, after.scope_kind) == (
        before.licence_no, before.subjects, before.fund_account, before.scope_kind)
    assert not AuditLog.objects.filter(action="checks.institution_save").exists()


def test_an_issue_date_of_today_in_beijing_is_accepted_at_0030(world):
    """00:30 Beijing is still the previous day in UTC: today's licence must not count as a future date."""
    school = training(world)
    moment = datetime.datetime(2026, 6, 2, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    with time_machine.travel(moment, tick=False):
        institution_save(actor=world.office_a, school=school, licence_no="X1", licence_issued_on="2026-06-02",
                         licence_valid_until="2026-06-02")
        with pytest.raises(ApplicationError, match="不能晚于今天"):
            institution_save(actor=world.office_a, school=school, licence_issued_on="2026-06-03")


def test_text_is_trimmed_and_nul_stripped_html_kept_as_text(world):
    school = training(world)
    saved = institution_save(actor=world.office_a, school=school, licence_no=" A\x00B ",
                             legal_representative="<b>孙</b>", subjects=["美术\x00", " 美术", "书法"],
                             scope_kind="non_subject")
    assert saved.licence_no == "AB" and saved.legal_representative == "<b>孙</b>"
    assert saved.subjects == ["美术", "书法"]


def test_subjects_and_masks():
    assert clean_subjects("语文，数学;英语 / 数学") == ["语文", "数学", "英语"]
    assert clean_subjects(None) == []
    assert mask_account(ACCOUNT) == "****3445" and mask_account("") == "" and mask_account("1234") == "****"


def test_a_private_kindergarten_may_keep_a_profile_without_scope(world):
    school = private_kindergarten(world)
    saved = institution_save(actor=world.office_a, school=school, licence_no="教民幼001", premises_owned=True)
    assert saved.scope_kind == "" and saved.premises_owned is True
