"""大事记 services: proposals once per event (twice run, after a drop, after an edit), the office's decisions and
their refusals, manual entries, the archived-year lock, scope of writes, and the daily job."""

import datetime

import pytest
import time_machine

from dudao.core import registries
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.planning.models import ChronicleEntry, ChronicleStatus
from dudao.planning.services import chronicle
from tests.planning.chronicle_data import beijing, key_events, publication

NOW = beijing(2026, 12, 20, 12, 0)
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def events(world):
    with time_machine.travel(NOW, tick=False):
        yield key_events(world)


def propose(world, region=None, **kw):
    return chronicle.chronicle_propose(region=region or world.county_a, start=kw.pop("start", START),
                                       end=kw.pop("end", END), now=NOW, **kw)


def test_proposals_are_made_once_per_event(world, events):
    with time_machine.travel(NOW, tick=False):
        # plan, meeting, opinions, publication, talk, case, 2 campaign tasks + campaign, results + reports, survey
        assert propose(world) == 12
        assert propose(world) == 0
        rows = ChronicleEntry.objects.filter(region=world.county_a)
        assert rows.count() == 12 and set(rows.values_list("status", flat=True)) == {ChronicleStatus.PROPOSED}
        assert not rows.filter(created_by__isnull=False).exists()
        entry = rows.get(source="rectification.publication")
        chronicle.entry_drop(actor=world.office_a, entry=entry, reason="不列入")
        accepted = rows.get(source="planning.plan")
        chronicle.entry_accept(actor=world.office_a, entry=accepted, title="印发年度工作要点")
        assert propose(world) == 0  # neither the dropped nor the edited one comes back
        publication(world, beijing(2026, 12, 19, 9, 0), title="新公告")
        assert propose(world) == 1
    assert ChronicleEntry.objects.get(pk=entry.pk).status == ChronicleStatus.DROPPED
    assert AuditLog.objects.filter(action="planning.chronicle_propose").count() == 2


def test_proposals_never_reach_past_today_nor_another_district(world, events):
    with time_machine.travel(NOW, tick=False):
        assert chronicle.chronicle_propose(region=world.county_a, start=START, end=END,
                                           now=beijing(2026, 3, 31, 12, 0)) == 2  # the plan and the meeting
        assert propose(world, world.county_b) == 1
    assert list(ChronicleEntry.objects.filter(region=world.county_b).values_list("title", flat=True)) == [
        "向社会公开督导结果：乙县公告"]


def test_accept_with_edits_and_the_refusals(world, events):
    with time_machine.travel(NOW, tick=False):
        propose(world)
        entry = ChronicleEntry.objects.get(source="rectification.talk")
        done = chronicle.entry_accept(actor=world.office_a, entry=entry, title=" 约谈  甲区第一小学校长 ", text="改",
                                      day="2026-06-21", importance="major")
        assert (done.status, done.title, done.text, done.day, done.importance) == (
            "accepted", "约谈 甲区第一小学校长", "改", datetime.date(2026, 6, 21), "major")
        assert done.decided_by == world.office_a
        with pytest.raises(ApplicationError, match="已采用"):
            chronicle.entry_accept(actor=world.office_a, entry=entry)
        other = ChronicleEntry.objects.get(source="rectification.case")
        for bad, message in [({"title": "  "}, "标题不能为空"), ({"title": "长" * 201}, "标题过长"),
                             ({"day": "2026-13-01"}, "格式有误"), ({"day": datetime.date(1999, 1, 1)}, "2000 年"),
                             ({"importance": "huge"}, "重要程度")]:
            with pytest.raises(ApplicationError, match=message):
                chronicle.entry_accept(actor=world.office_a, entry=other, **bad)
        assert ChronicleEntry.objects.get(pk=other.pk).status == "proposed"  # nothing changed
        chronicle.entry_drop(actor=world.office_a, entry=other)
        with pytest.raises(ApplicationError, match="先点击“恢复”"):
            chronicle.entry_accept(actor=world.office_a, entry=other)
        with pytest.raises(ApplicationError, match="已舍弃"):
            chronicle.entry_drop(actor=world.office_a, entry=other)
        chronicle.entry_restore(actor=world.office_a, entry=other)
        assert chronicle.entry_accept(actor=world.office_a, entry=other).status == "accepted"
        with pytest.raises(ApplicationError, match="只有已舍弃"):
            chronicle.entry_restore(actor=world.office_a, entry=other)
        with pytest.raises(ApplicationError, match="不能删除"):
            chronicle.entry_delete(actor=world.office_a, entry=other)
        assert chronicle.entry_drop(actor=world.office_a, entry=other).status == "dropped"  # accepted, then dropped
    actions = set(AuditLog.objects.filter(object_type="planning.chronicleentry").values_list("action", flat=True))
    assert actions >= {"planning.chronicle_accept", "planning.chronicle_drop", "planning.chronicle_restore"}


def test_manual_entries(world):
    entry = chronicle.entry_create(actor=world.office_a, region=world.county_a, day=datetime.date(2026, 9, 10),
                                   title="表彰优秀责任督学", text="教师节表彰。", importance="normal")
    assert (entry.status, entry.source, entry.event_key, entry.created_by) == ("accepted", "", "", world.office_a)
    with pytest.raises(ApplicationError, match="不能舍弃"):
        chronicle.entry_drop(actor=world.office_a, entry=entry)
    updated = chronicle.entry_update(actor=world.office_a, entry=entry, title="表彰优秀督学", text="",
                                     day=datetime.date(2026, 9, 9), importance="important")
    assert (updated.title, updated.day, updated.importance) == ("表彰优秀督学", datetime.date(2026, 9, 9), "important")
    with pytest.raises(ApplicationError, match="标题不能为空"):
        chronicle.entry_create(actor=world.office_a, region=world.county_a, day=datetime.date(2026, 9, 10), title="",
                               text="", importance="normal")
    with pytest.raises(ApplicationError, match="请填写大事记日期"):
        chronicle.entry_create(actor=world.office_a, region=world.county_a, day=None, title="x", text="",
                               importance="normal")
    chronicle.entry_delete(actor=world.office_a, entry=entry)
    assert not ChronicleEntry.objects.exists()
    assert AuditLog.objects.filter(action="planning.chronicle_delete").count() == 1


def test_only_the_regions_office_writes(world, events):
    entry = chronicle.entry_create(actor=world.office_a, region=world.county_a, day=datetime.date(2026, 9, 10),
                                   title="x", text="", importance="normal")
    for actor in (world.office_b, world.leader_a, world.principal_a):
        with pytest.raises(PermissionDenied):
            chronicle.entry_update(actor=actor, entry=entry, title="y", text="", day=entry.day, importance="normal")
        with pytest.raises(PermissionDenied):
            chronicle.entry_create(actor=actor, region=world.county_a, day=entry.day, title="z", text="",
                                   importance="normal")
        with pytest.raises(PermissionDenied):
            chronicle.chronicle_propose(actor=actor, region=world.county_a, start=START, end=END, now=NOW)
    assert ChronicleEntry.objects.get().title == "x"


def test_an_archived_year_is_refused_and_not_proposed(world, events, monkeypatch):
    entry = chronicle.entry_create(actor=world.office_a, region=world.county_a, day=datetime.date(2025, 9, 10),
                                   title="去年的事", text="", importance="normal")

    def lock(region_code, day):
        return "2025年度已归档" if day.year == 2025 and region_code.startswith(world.county_a.code) else ""

    monkeypatch.setattr(registries, "_YEAR_LOCKS", [lock])
    with pytest.raises(ApplicationError, match="大事记属于已归档的年度"):
        chronicle.entry_update(actor=world.office_a, entry=entry, title="改", text="", day=entry.day, importance="normal")
    with pytest.raises(ApplicationError, match="已归档"):
        chronicle.entry_create(actor=world.office_a, region=world.county_a, day=datetime.date(2025, 1, 2), title="x",
                               text="", importance="normal")
    with pytest.raises(ApplicationError, match="已归档"):  # moving a 2026 entry into 2025
        new = chronicle.entry_create(actor=world.office_a, region=world.county_a, day=datetime.date(2026, 1, 2),
                                     title="x", text="", importance="normal")
        chronicle.entry_update(actor=world.office_a, entry=new, title="x", text="", day=datetime.date(2025, 12, 31),
                               importance="normal")
    with pytest.raises(ApplicationError, match="已归档"):
        chronicle.entry_delete(actor=world.office_a, entry=entry)
    publication(world, beijing(2025, 12, 31, 23, 30), title="去年的公告")
    with time_machine.travel(NOW, tick=False):
        assert chronicle.chronicle_propose(region=world.county_a, start=datetime.date(2025, 1, 1), end=END, now=NOW) == 12
    assert not ChronicleEntry.objects.filter(title__contains="去年的公告").exists()


def test_the_daily_job_proposes_for_every_county_with_an_office(world, events):
    assert "chronicle" in [name for name, _job in registries.daily_jobs()]
    late = publication(world, beijing(2025, 12, 31, 23, 30), title="年终公告")
    with time_machine.travel(beijing(2026, 1, 1, 0, 30), tick=False):
        # on 1 January the job still scans yesterday's year: the 23:30 publication of 31 December is proposed
        assert chronicle.chronicle_daily(now=beijing(2026, 1, 1, 0, 30)) == 1
    entry = ChronicleEntry.objects.get(event_key=f"rectification.publication:{late.pk}")
    assert entry.day == datetime.date(2025, 12, 31) and entry.region == world.county_a
    with time_machine.travel(NOW, tick=False):
        assert chronicle.chronicle_daily(now=NOW) == 12 + 1  # A's year, and B's one publication
        assert chronicle.chronicle_daily(now=NOW) == 0


def test_an_entry_moved_to_another_year_is_not_proposed_again(world, events):
    with time_machine.travel(NOW, tick=False):
        propose(world)
        entry = ChronicleEntry.objects.get(source="planning.plan")
        chronicle.entry_accept(actor=world.office_a, entry=entry, day=datetime.date(2025, 12, 30))
        assert propose(world) == 0
