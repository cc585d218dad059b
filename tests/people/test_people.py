"""Inspector registry: terms, training, import all-or-nothing."""

import datetime

import pytest

from dudao.core.errors import ApplicationError
from dudao.people import engine
from dudao.people.imports import people_import, template_bytes
from dudao.people.models import Inspector, Training
from dudao.people.services import inspector_renew_term
from tests.zones.conftest import make_inspector


def test_term_warning_before_the_third_term_ends():
    status = engine.term_status(part_time=True, term_start=datetime.date(2024, 1, 1), term_no=3,
                                today=datetime.date(2026, 9, 1), term_years=3, max_terms=3, warning_days=180)
    assert status.level == "danger" and "不得续聘" in status.message
    assert engine.term_status(part_time=False, term_start=datetime.date(2024, 1, 1), term_no=1,
                              today=datetime.date(2026, 9, 1), term_years=3, max_terms=3, warning_days=180) is None


def test_no_fourth_term(world):
    inspector = make_inspector(world.office_a, world.county_a, "DX9", "兼职丙", kind="parttime", source="teacher",
                               term_no=3, appointed_on=datetime.date(2016, 9, 1), term_start=datetime.date(2022, 9, 1))
    with pytest.raises(ApplicationError, match="不得续聘"):
        inspector_renew_term(actor=world.office_a, inspector=inspector, term_start=datetime.date(2025, 9, 1))


def _row(card, region="990102", school=""):
    return [card, "王督学", "男", "13900000000", "某小学", "校长", "兼职", "在职校长", region, school, "",
            "2021-09-01", "", "1", ""]


def test_import_is_all_or_nothing(world):
    good = template_bytes({"督学": [_row("DX100"), _row("DX101")],
                           "培训记录": [["DX100", "2026-03-10", "责任督学培训", "市督导室", "16", "2"]]})
    summary = people_import(actor=world.office_a, data=good, filename="people.xlsx")
    assert summary["督学"]["created"] == 2 and Training.objects.count() == 1
    again = people_import(actor=world.office_a, data=good, filename="people.xlsx")
    assert again["督学"]["unchanged"] == 2 and Training.objects.count() == 1
    bad = template_bytes({"督学": [_row("DX102"), _row("DX102"), _row("DX103", region="990103")]})
    with pytest.raises(ApplicationError) as exc:
        people_import(actor=world.office_a, data=bad, filename="people.xlsx")
    messages = [e.message for e in exc.value.errors]
    assert any("重复" in m for m in messages) and any("管辖范围" in m for m in messages)
    assert not Inspector.objects.filter(card_no__in=["DX102", "DX103"]).exists()


def test_an_inspectors_account_carries_the_registered_name(world):
    from dudao.core.models import AuditLog
    from dudao.people.services import inspector_save

    world.inspector_a.first_name = "李老师"
    world.inspector_a.save()
    inspector = make_inspector(world.office_a, world.county_a, "DX300", "陈建", user=world.inspector_a)
    world.inspector_a.refresh_from_db()
    assert world.inspector_a.get_full_name() == "陈建"
    inspector_save(actor=world.office_a, inspector=inspector, name="陈建国")
    world.inspector_a.refresh_from_db()
    assert world.inspector_a.get_full_name() == "陈建国"
    assert AuditLog.objects.filter(action="inspector.update", after__account_full_name="陈建国").exists()
