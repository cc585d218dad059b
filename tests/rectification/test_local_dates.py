"""Local dates everywhere: what the district sees is the Asia/Shanghai calendar day, also between 00:00 and 08:00
Beijing time, when the UTC date is still yesterday, and late in the evening."""

import datetime
import io
from zoneinfo import ZoneInfo

import time_machine
from django.template import Context, Template
from docx import Document

from dudao.core.dates import cn_date, cn_month_day, local_date
from dudao.core.tabular import read_upload
from dudao.rectification import notices
from dudao.rectification.documents import notice_context
from dudao.rectification.jobs import run_deadlines
from dudao.rectification.models import NoticeTransition, SupervisionOrder
from dudao.zones.models import ComplaintChannel
from dudao.zones.services import complaint_receive

TZ = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC


def beijing(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def test_cn_date_writes_the_local_day_without_leading_zeros():
    assert cn_date(datetime.date(2026, 3, 6)) == "2026年3月6日"
    assert cn_date(datetime.date(2026, 11, 24)) == "2026年11月24日"
    assert cn_date(datetime.datetime(2026, 3, 5, 16, 30, tzinfo=UTC)) == "2026年3月6日"  # 00:30 in Beijing
    assert cn_date(datetime.datetime(2026, 3, 6, 15, 30, tzinfo=UTC)) == "2026年3月6日"  # 23:30 in Beijing
    assert cn_date(None) == "" and cn_month_day(datetime.date(2026, 3, 6)) == "3月6日"
    assert local_date(datetime.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == datetime.date(2027, 1, 1)


def test_templates_show_local_days_and_times():
    early = datetime.datetime(2026, 3, 5, 16, 30, tzinfo=UTC)
    out = Template("{% load display %}{{ t|cn_date }} {{ d|cn_date }} {{ t|date:'Y-m-d H:i' }} [{{ none|cn_date }}]").render(
        Context({"t": early, "d": datetime.date(2026, 3, 16), "none": None}))
    assert out == "2026年3月6日 2026年3月16日 2026-03-06 00:30 []"


def test_a_notice_issued_at_0030_is_dated_that_day(world, ledger, login):
    with time_machine.travel(beijing(2026, 3, 6, 0, 30), tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
        assert notice.issued_at.astimezone(UTC).date() == datetime.date(2026, 3, 5)  # the UTC day is yesterday
        context = notice_context(notice)
        assert context["issued_on"] == "2026年3月6日" and context["due_on"] == "2026年3月16日"
        docx = login(world.office_a).get(f"/rectification/notices/{notice.pk}/document.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "2026年3月6日" in text and "2026年3月5日" not in text
    page = login(world.office_a).get(f"/rectification/notices/{notice.pk}/").content.decode()
    assert "2026-03-06" in page and "2026年3月16日" in page  # issued (|date) and due (|cn_date) on the page


def test_numbers_at_0030_on_new_years_day_carry_the_new_year(world, ledger):
    with time_machine.travel(beijing(2027, 1, 1, 0, 30), tick=False):
        complaint = complaint_receive(actor=None, school=world.schools_a[0], kind="complaint",
                                      channel=ComplaintChannel.PUBLIC_PAGE, content="食堂饭菜分量不足，请核实。")
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    assert complaint.number.startswith("TS20270101")
    assert "〔2027〕" in notice.number and notice.due_date == datetime.date(2027, 1, 11)


def test_a_deadline_due_today_is_not_overdue_at_2330_and_is_at_0030_next_day(world, ledger):
    with time_machine.travel(beijing(2026, 3, 1, 9, 0), tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, due_date=datetime.date(2026, 3, 6))
    with time_machine.travel(beijing(2026, 3, 3, 0, 30), tick=False):  # 3 days before, still the 2nd in UTC
        assert run_deadlines()["reminded"] == 1
    assert "整改期限 2026年3月6日 将至" in NoticeTransition.objects.get(notice=notice, event="remind").note
    with time_machine.travel(beijing(2026, 3, 6, 23, 30), tick=False):
        notice.refresh_from_db()
        assert not notice.is_overdue
        assert run_deadlines()["orders"] == 0
    with time_machine.travel(beijing(2026, 3, 7, 0, 30), tick=False):  # UTC is still 2026-03-06 16:30
        notice.refresh_from_db()
        assert notice.is_overdue
        assert run_deadlines()["orders"] == 1
    order = SupervisionOrder.objects.get(notice=notice)
    assert order.number.startswith("甲区督办〔2026〕") and order.due_date > datetime.date(2026, 3, 7)


def test_the_excel_exports_write_local_times(world, ledger, login):
    with time_machine.travel(beijing(2026, 3, 6, 0, 30), tick=False):
        notices.notice_issue(actor=world.office_a, findings=ledger.findings, due_date=datetime.date(2026, 3, 16))
        audit = login(world.office_a).get("/audit/?export=xlsx")
        ledger_xlsx = login(world.office_a).get("/rectification/?export=1")
    assert "20260306" in audit["Content-Disposition"]  # the file name's stamp
    times = [cells[0] for _n, cells in read_upload(audit.content, "审计日志.xlsx")[0].rows]
    assert "2026-03-06 00:30:00" in times and not any(t.startswith("2026-03-05") for t in times)
    due = {cells[5] for _n, cells in read_upload(ledger_xlsx.content, "台账.xlsx")[0].rows}
    assert due == {"2026-03-16"}
