"""Committee services: the county's committee once, its rules (text and a PDF/Word file checked by content), members
(a department or town of the county, each once; another county's unit refused; deactivated; deleted only while
nothing refers to it, with the reasons), duties linked to check points of a 督政 framework of the county (codes
checked against the framework; another county's or a school framework refused), ordering, and who may write."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.reviews.models import Committee, CommitteeMember, MemberDuty, RatingSession, Reporter
from dudao.reviews.services import committee as services
from tests.reviews.committee_fixtures import docx_bytes, pdf_bytes, setup_fixture, xlsx_bytes  # noqa: F401 -- fixture


def test_it_creates_one_committee_per_county(world, setup):
    committee = setup["committee"]
    assert committee.name == "甲区人民政府教育督导委员会"
    assert AuditLog.objects.filter(action="reviews.committee_create", object_id=str(committee.pk)).exists()
    with pytest.raises(ApplicationError, match="已建立"):
        services.committee_create(actor=world.office_a, region=world.county_a)
    with pytest.raises(PermissionDenied):
        services.committee_create(actor=world.office_a, region=world.county_b)
    with pytest.raises(PermissionDenied):
        services.committee_create(actor=world.leader_a, region=world.county_a)
    with pytest.raises(ApplicationError, match="区县"):
        services.committee_create(actor=world.office_a, region=world.unit_a.region)  # a town


def test_it_updates_the_rules_with_a_pdf_or_word_file(world, setup):
    committee = services.committee_update(
        actor=world.office_a, committee=setup["committee"], name="甲区人民政府教育督导委员会",
        established_on=datetime.date(2019, 3, 15), rules="<script>alert(1)</script>\n第一条",
        rules_upload=SimpleUploadedFile("规程.pdf", pdf_bytes()))
    assert committee.rules_file.content_type == "application/pdf" and committee.rules.startswith("<script>")
    first = committee.rules_file_id
    committee = services.committee_update(actor=world.office_a, committee=committee, name="甲区督导委员会",
                                          established_on=None, rules="", rules_upload=SimpleUploadedFile(
                                              "规程.docx", docx_bytes()))
    assert committee.rules_file_id != first and committee.name == "甲区督导委员会"
    log = AuditLog.objects.filter(action="reviews.committee_update").order_by("pk").last()
    assert log.before["rules_file"] == first


@pytest.mark.parametrize(("name", "data", "message"), [
    ("规程.xlsx", None, "PDF 或 Word"),          # an Excel file: a document, but not a rules file
    ("规程.pdf", b"MZ\x90\x00 not a pdf", "不是支持的文档"),  # an executable named .pdf
])
def test_it_refuses_other_rules_files(world, setup, name, data, message):
    data = data or xlsx_bytes()
    with pytest.raises(ApplicationError, match=message):
        services.committee_update(actor=world.office_a, committee=setup["committee"], name="x", established_on=None,
                                  rules="", rules_upload=SimpleUploadedFile(name, data))
    assert Committee.objects.get(pk=setup["committee"].pk).rules_file is None


def test_it_refuses_huge_rules_and_dates_out_of_range(world, setup):
    with pytest.raises(ApplicationError, match="过长"):
        services.committee_update(actor=world.office_a, committee=setup["committee"], name="x", established_on=None,
                                  rules="规" * (services.RULES_MAX + 1))
    with pytest.raises(ApplicationError, match="成立日期"):
        services.committee_update(actor=world.office_a, committee=setup["committee"], name="x",
                                  established_on=datetime.date(1800, 1, 1), rules="")
    with pytest.raises(PermissionDenied):
        services.committee_update(actor=world.office_b, committee=setup["committee"], name="x", established_on=None,
                                  rules="")


def test_members_are_units_of_the_county_each_once(world, setup):
    committee = setup["committee"]
    member = services.member_add(actor=world.office_a, committee=committee, unit=setup["finance"].pk,
                                 representative="王伟", post="副局长", role="vice")
    town = services.member_add(actor=world.office_a, committee=committee, unit=world.unit_a, representative="李镇长")
    assert (member.position, town.position, town.role) == (1, 2, "member")
    with pytest.raises(ApplicationError, match="已是成员单位"):
        services.member_add(actor=world.office_a, committee=committee, unit=setup["finance"], representative="张")
    for unit in (setup["other"], world.unit_b, setup["government"]):  # another county's; the government itself
        with pytest.raises(ApplicationError, match="不能列为成员单位") as refused:
            services.member_add(actor=world.office_a, committee=committee, unit=unit, representative="张")
        assert unit.name not in refused.value.message  # another county's unit is not named back
    for bad in ("1 OR 1=1", "9" * 30, "", None):
        with pytest.raises(ApplicationError):
            services.member_add(actor=world.office_a, committee=committee, unit=bad, representative="张")
    with pytest.raises(ApplicationError, match="委员会职务"):
        services.member_add(actor=world.office_a, committee=committee, unit=setup["police"], representative="张",
                            role="king")
    with pytest.raises(ApplicationError, match="顺序"):
        services.member_add(actor=world.office_a, committee=committee, unit=setup["police"], representative="张",
                            position=10**9)
    with pytest.raises(PermissionDenied):
        services.member_add(actor=world.office_b, committee=committee, unit=setup["police"], representative="张")


def test_a_referenced_member_is_deactivated_not_deleted(world, setup):
    committee = setup["committee"]
    member = services.member_add(actor=world.office_a, committee=committee, unit=setup["finance"],
                                 representative="王伟")
    services.duty_add(actor=world.office_a, member=member, text="保障教育经费")
    with pytest.raises(ApplicationError, match="有 1 项职责，不能删除；.*停用"):
        services.member_delete(actor=world.office_a, member=member)
    session = RatingSession.objects.create(region=world.county_a, year=2026, title="述职评议",
                                           framework=setup["framework"], created_by=world.office_a)
    Reporter.objects.create(session=session, unit=setup["finance"])
    MemberDuty.objects.filter(member=member).delete()
    with pytest.raises(ApplicationError, match="在 1 次述职评议中述职"):
        services.member_delete(actor=world.office_a, member=member)
    member = services.member_set_active(actor=world.office_a, member=member, active=False)
    assert not member.active
    with pytest.raises(ApplicationError, match="已停用"):
        services.member_set_active(actor=world.office_a, member=member, active=False)
    assert services.member_set_active(actor=world.office_a, member=member, active=True).active
    unused = services.member_add(actor=world.office_a, committee=committee, unit=setup["police"], representative="马")
    services.member_delete(actor=world.office_a, member=unused)
    assert not CommitteeMember.objects.filter(pk=unused.pk).exists()
    assert AuditLog.objects.filter(action="reviews.member_delete", object_id=str(unused.pk)).exists()


def test_duties_link_to_check_points_of_a_duzheng_framework_of_the_county(world, setup):
    member = services.member_add(actor=world.office_a, committee=setup["committee"], unit=setup["finance"],
                                 representative="王伟")
    duty = services.duty_add(actor=world.office_a, member=member, text="落实“两个只增不减”",
                             framework=setup["framework"].pk, item_codes=["A1B1.1", "A1B1.2", "A1B1.1"])
    assert duty.item_codes == ["A1B1.1", "A1B1.2"] and duty.position == 1
    with pytest.raises(ApplicationError, match="A1B1、Z9 不是"):  # an inner node and an unknown code
        services.duty_add(actor=world.office_a, member=member, text="x", framework=setup["framework"],
                          item_codes=["A1B1", "Z9"])
    for framework in (setup["framework_b"], setup["school_framework"], "abc", 10**15):
        with pytest.raises(ApplicationError, match="督政指标体系"):
            services.duty_add(actor=world.office_a, member=member, text="x", framework=framework, item_codes=["A2.1"])
    with pytest.raises(ApplicationError, match="先选择督政指标体系"):
        services.duty_add(actor=world.office_a, member=member, text="x", item_codes=["A2.1"])
    with pytest.raises(ApplicationError, match="最多"):
        services.duty_add(actor=world.office_a, member=member, text="x", framework=setup["framework"],
                          item_codes=[f"C{i}" for i in range(services.CODES_MAX + 1)])
    with pytest.raises(ApplicationError, match="过长"):
        services.duty_add(actor=world.office_a, member=member, text="职" * (services.DUTY_MAX + 1))
    duty = services.duty_update(actor=world.office_a, duty=duty, text="按时足额拨付", framework=setup["framework"],
                                item_codes="A1B1.2、A2.2")
    assert duty.item_codes == ["A1B1.2", "A2.2"]
    with pytest.raises(PermissionDenied):
        services.duty_update(actor=world.office_b, duty=duty, text="x")
    assert MemberDuty.objects.get(pk=duty.pk).text == "按时足额拨付"


def test_duties_move_up_and_down_and_are_deleted(world, setup):
    member = services.member_add(actor=world.office_a, committee=setup["committee"], unit=setup["finance"],
                                 representative="王伟")
    first, second, third = (services.duty_add(actor=world.office_a, member=member, text=t) for t in "甲乙丙")
    services.duty_move(actor=world.office_a, duty=third, step=-1)
    assert list(member.duties.order_by("position").values_list("text", flat=True)) == ["甲", "丙", "乙"]
    with pytest.raises(ApplicationError, match="已在最前"):
        services.duty_move(actor=world.office_a, duty=first, step=-1)
    with pytest.raises(ApplicationError, match="已在最后"):
        services.duty_move(actor=world.office_a, duty=MemberDuty.objects.get(pk=second.pk), step=1)
    services.duty_delete(actor=world.office_a, duty=first)
    assert list(member.duties.order_by("position").values_list("text", flat=True)) == ["丙", "乙"]
    assert AuditLog.objects.filter(action="reviews.duty_delete", object_id=str(first.pk)).exists()


def test_the_member_units_users_are_told(world, setup):
    from dudao.core.models import Notification

    member = services.member_add(actor=world.office_a, committee=setup["committee"], unit=world.unit_a,
                                 representative="李镇长")
    services.duty_add(actor=world.office_a, member=member, text="甲")
    duty = services.duty_add(actor=world.office_a, member=member, text="乙")
    services.duty_update(actor=world.office_a, duty=duty, text="丙")
    titles = list(Notification.objects.filter(user=world.town_a).order_by("pk").values_list("title", flat=True))
    assert titles == ["本单位已列为甲区人民政府教育督导委员会成员单位", "本单位督导委员会职责清单已更新"]  # once a day
    assert not Notification.objects.exclude(user=world.town_a).filter(kind="committee").exists()
