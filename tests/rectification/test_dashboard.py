"""整改统计: the rate arithmetic, and the page's figures moving when a notice is verified."""

import datetime

from django.utils import timezone

from dudao.rectification import engine, notices
from dudao.rectification.selectors import dashboard
from tests.rectification.conftest import evidence


def test_rates_and_table():
    rows = engine.table({"a": engine.Tally(4, 3, 2, 1), "b": engine.Tally(0, 0, 0, 0)}, {"a": "甲镇"})
    assert rows[0] == {"key": "a", "label": "甲镇", "total": 4, "done": 3, "open": 1, "overdue": 1, "rate": 75.0,
                       "on_time_rate": 66.7}
    assert rows[1]["rate"] is None and rows[-1]["label"] == "合计" and rows[-1]["total"] == 4
    assert engine.months_back(2026, 2, 3) == [(2025, 12), (2026, 1), (2026, 2)]


def test_the_rate_changes_when_a_notice_is_verified(world, ledger, login):
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    before = dashboard(world.office_a)["rows"][-1]
    assert (before["total"], before["done"], before["rate"]) == (2, 0, 0.0)
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    notices.notice_report(actor=world.principal_a, notice=notice,
                          reports={f.pk: ("已整改。", [evidence()]) for f in ledger.findings})
    notices.notice_verify(actor=world.inspector_a, notice=notice, accepted=True)
    after = dashboard(world.office_a)
    assert (after["rows"][-1]["done"], after["rows"][-1]["rate"], after["rows"][-1]["on_time_rate"]) == (2, 100.0, 100.0)
    assert after["trend"]["closed"][-1] == 2 and after["trend"]["raised"][-1] == 2
    assert dashboard(world.office_b)["rows"][-1]["total"] == 0  # another county sees nothing of it
    by_source = dashboard(world.office_a, group="source")["rows"]
    assert by_source[0]["label"] == "手工录入"
    page = login(world.office_a).get("/rectification/dashboard/?group=school_type").content.decode()
    assert "100.0%" in page and "整改统计" in page
    assert login(world.principal_a).get("/rectification/dashboard/").status_code == 404


def test_late_closing_is_not_on_time(world, ledger):
    import time_machine

    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings[:1], days=2)
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    notices.notice_report(actor=world.principal_a, notice=notice, reports={ledger.findings[0].pk: ("已整改。", [evidence()])})
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5)):
        notices.notice_verify(actor=world.inspector_a, notice=notice, accepted=True)
        total = dashboard(world.office_a)["rows"][-1]
    assert (total["done"], total["on_time_rate"], total["overdue"]) == (1, 0.0, 0)


def test_by_region_is_one_level_below_the_viewer(world, ledger):
    county_rows = dashboard(world.office_a)["rows"]
    assert len(county_rows[0]["key"]) == 9  # a county office sees its towns
    admin_rows = dashboard(world.admin)["rows"]
    assert len(admin_rows[0]["key"]) == 2 and admin_rows[0]["label"] != admin_rows[0]["key"]  # provinces, named
    assert len(dashboard(world.admin, region=world.county_a.code)["rows"][0]["key"]) == 9
