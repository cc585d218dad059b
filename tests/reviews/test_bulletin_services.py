"""The 公报 (issue 21 item 3): the 公报项目表 equals an independent count on a small fixture, each line traceable;
edits survive a refresh; publishing is refused with the fields listed, then numbered, frozen and public; withdrawal
reopens it; Beijing year boundaries; scope."""

import datetime
import zoneinfo

import pytest
import time_machine

from dudao.core.audit import AuditLog
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.monitoring.models import SchoolStats, StatsImport
from dudao.rectification.models import Finding, Publication, SupervisionOrder
from dudao.rectification.selectors import public_publications
from dudao.reviews.models import Bulletin, BulletinStatus
from dudao.reviews.services import bulletin as services

PROMPT, NEXT_STEPS = "（请填写下一年度的工作安排。）", "继续推进义务教育优质均衡发展。"

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=BEIJING)


def _finding(world, moment, school=None, **extra):
    school = school or world.schools_a[0]
    return Finding.objects.create(source="manual", school=school, region_code=school.region_id, description="问题",
                                  raised_at=moment, **extra)


def _stats(world, year=2025):
    batch = StatsImport.objects.create(year=year, filename="stats.xlsx", rows=3, created_by=world.office_a)
    for school, (p, j) in zip(world.schools_a[:3], ((300, 0), (280, 0), (400, 300)), strict=True):
        SchoolStats.objects.create(school=school, year=year, batch=batch, students_primary=p, students_junior=j)
    # another county's school and a later 学年 must not count
    SchoolStats.objects.create(school=world.schools_b[0], year=year, batch=batch, students_primary=999)
    later = StatsImport.objects.create(year=year + 1, filename="next.xlsx", rows=1, created_by=world.office_a)
    SchoolStats.objects.create(school=world.schools_a[4], year=year + 1, batch=later, students_junior=5000)


@pytest.fixture
def fixture_2025(world):
    """2025 in district A: 3 findings raised (one closed), one raised at 2025-12-31 23:30 Beijing (counts in 2025),
    one at 2026-01-01 00:30 (counts in 2026); district B's finding never counts."""
    _stats(world)
    _finding(world, datetime.datetime(2025, 3, 1, 9, 0, tzinfo=BEIJING), status="closed",
             closed_at=datetime.datetime(2025, 4, 1, 9, 0, tzinfo=BEIJING))
    _finding(world, datetime.datetime(2025, 6, 1, 9, 0, tzinfo=BEIJING))
    _finding(world, datetime.datetime(2025, 12, 31, 23, 30, tzinfo=BEIJING))
    _finding(world, datetime.datetime(2026, 1, 1, 0, 30, tzinfo=BEIJING))
    _finding(world, datetime.datetime(2025, 6, 1, 9, 0, tzinfo=BEIJING), school=world.schools_b[0])
    return world


def _replace_prompt(world, bulletin):
    """The default body's "（请填写…）" prompt must be replaced before publishing."""
    bulletin.refresh_from_db()
    services.body_update(actor=world.office_a, bulletin=bulletin, title=bulletin.title,
                         body=bulletin.body.replace(PROMPT, NEXT_STEPS))


def _fields(bulletin):
    return {f.key: f for f in bulletin.fields.all()}


@time_machine.travel(NOW, tick=False)
def test_create_fills_the_table_from_the_year_with_sources_and_links(fixture_2025, login):
    world = fixture_2025
    bulletin = services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)
    assert bulletin.title == "甲区2025年教育督导工作公报" and bulletin.status == BulletinStatus.DRAFT
    fields = _fields(bulletin)
    # independent counts of the fixture
    raised = [f for f in Finding.objects.filter(region_code__startswith="990102")
              if datetime.date(2025, 1, 1) <= f.raised_at.astimezone(BEIJING).date() <= datetime.date(2025, 12, 31)]
    assert fields["发现问题数"].computed == str(len(raised)) == "3"  # the 23:30 one in, the 00:30 one out
    assert fields["已整改问题数"].computed == "1"
    assert fields["整改率"].computed == "33.3" and fields["整改率"].unit == "%"
    assert fields["学校数"].computed == "3" and fields["在校生数"].computed == str(300 + 280 + 400 + 300)
    assert fields["小学在校生数"].computed == "980" and fields["初中在校生数"].computed == "300"
    assert fields["督办单数"].computed == str(SupervisionOrder.objects.count()) == "0"
    assert fields["社会认可度"].computed == ""  # no survey: no data, not 0
    for key in ("发现问题数", "学校数", "整改率", "督导评估项目数", "社会认可度"):
        assert fields[key].required, key
    # each computed line names its source (function and period) and links to the page it comes from
    client = login(world.office_a)
    for f in fields.values():
        assert f.value == f.computed and not f.edited and not f.manual
        assert f.source and f.unit is not None
        assert f.source_url, f.key
        assert client.get(f.source_url).status_code == 200, (f.key, f.source_url)
    assert "2025-01-01 至 2025-12-31" in fields["发现问题数"].source
    assert "2025—2026学年" in fields["学校数"].source and "3 条学校记录" in fields["学校数"].source
    assert AuditLog.objects.filter(action="bulletin.create", object_id=str(bulletin.pk)).exists()
    # the 2026 one counts the 00:30 finding
    next_year = services.bulletin_create(actor=world.office_a, region=world.county_a, year=2026)
    assert _fields(next_year)["发现问题数"].computed == "1"
    with pytest.raises(ApplicationError, match="已经存在"):
        services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)
    with pytest.raises(ApplicationError, match="年度须在"):
        services.bulletin_create(actor=world.office_a, region=world.county_a, year=2027)
    with pytest.raises(PermissionDenied):
        services.bulletin_create(actor=world.office_b, region=world.county_a, year=2024)


@pytest.mark.parametrize("clock", [datetime.datetime(2026, 1, 1, 0, 30, tzinfo=BEIJING),
                                   datetime.datetime(2025, 12, 31, 23, 30, tzinfo=BEIJING)])
def test_year_limits_at_beijing_midnight(world, clock):
    with time_machine.travel(clock, tick=False):
        if clock.year == 2026:  # 00:30 on 1 January: 2026 has begun in Beijing (16:30 UTC the day before)
            assert services.bulletin_create(actor=world.office_a, region=world.county_a, year=2026).year == 2026
        else:
            with pytest.raises(ApplicationError, match="年度须在"):
                services.bulletin_create(actor=world.office_a, region=world.county_a, year=2026)


@time_machine.travel(NOW, tick=False)
def test_edits_survive_a_refresh_and_can_be_reset(fixture_2025):
    world = fixture_2025
    bulletin = services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)
    f = _fields(bulletin)
    services.field_update(actor=world.office_a, bulletin=bulletin, field=f["发现问题数"], value="5")
    _finding(world, datetime.datetime(2025, 8, 1, 9, 0, tzinfo=BEIJING))  # data changes after the draft
    _finding(world, datetime.datetime(2025, 8, 2, 9, 0, tzinfo=BEIJING), status="closed",
             closed_at=datetime.datetime(2025, 9, 1, tzinfo=BEIJING))
    assert services.bulletin_refresh(actor=world.office_a, bulletin=bulletin) >= 3
    f = _fields(bulletin)
    assert (f["发现问题数"].value, f["发现问题数"].computed, f["发现问题数"].edited) == ("5", "5", False)  # equal now
    assert (f["已整改问题数"].value, f["已整改问题数"].edited) == ("2", False)  # not edited: follows the data
    services.field_update(actor=world.office_a, bulletin=bulletin, field=f["整改率"], value="40")
    services.bulletin_refresh(actor=world.office_a, bulletin=bulletin)
    rate = _fields(bulletin)["整改率"]
    assert (rate.value, rate.computed, rate.edited) == ("40", "40", False) or (rate.value, rate.edited) == ("40", True)
    services.field_update(actor=world.office_a, bulletin=bulletin, field=rate, value="99")
    rate = _fields(bulletin)["整改率"]
    assert rate.edited and rate.computed != "99"
    services.field_reset(actor=world.office_a, bulletin=bulletin, field=rate)
    rate = _fields(bulletin)["整改率"]
    assert rate.value == rate.computed and not rate.edited
    with pytest.raises(ApplicationError, match="255"):
        services.field_update(actor=world.office_a, bulletin=bulletin, field=rate, value="9" * 256)


@time_machine.travel(NOW, tick=False)
def test_publish_is_refused_with_the_fields_listed_then_numbered_frozen_and_public(fixture_2025):
    world = fixture_2025
    bulletin = services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)
    with pytest.raises(ApplicationError) as refused:
        services.bulletin_publish(actor=world.office_a, bulletin=bulletin)
    assert "社会认可度" in refused.value.message  # required and used by the body, no survey data
    assert {e.column for e in refused.value.errors} >= {"社会认可度", "学前普惠达标项数"}  # no data: empty
    # a manual required line, a typo in the body, template syntax: all listed
    extra = services.field_add(actor=world.office_a, bulletin=bulletin, key="教育经费投入", label="教育经费总投入",
                               unit="亿元", required=True)
    services.body_update(actor=world.office_a, bulletin=bulletin, title=bulletin.title,
                         body=bulletin.body + "\n{{ 错字段 }}{% if x %}")
    with pytest.raises(ApplicationError) as refused:
        services.bulletin_publish(actor=world.office_a, bulletin=bulletin)
    columns = [e.column for e in refused.value.errors]
    assert "错字段" in columns and "教育经费投入" in columns and any("{" in c for c in columns)
    assert not Publication.objects.exists() and Bulletin.objects.get(pk=bulletin.pk).number == ""
    # fill everything in
    services.body_update(actor=world.office_a, bulletin=bulletin, title=bulletin.title,
                         body=services.default_body(2025).replace(PROMPT, NEXT_STEPS) + "\n全年教育经费投入 {{ 教育经费投入 }} 亿元。")
    for f in bulletin.fields.all():
        if not f.value:
            services.field_update(actor=world.office_a, bulletin=bulletin, field=f, value="0" if f.key != "社会认可度" else "95.1")
    services.field_update(actor=world.office_a, bulletin=bulletin, field=extra, value="=1+1")
    published = services.bulletin_publish(actor=world.office_a, bulletin=bulletin)
    with pytest.raises(ApplicationError, match="已发布"):  # a replayed click: no second number, no second item
        services.bulletin_publish(actor=world.office_a, bulletin=bulletin)
    with pytest.raises(ApplicationError, match="已发布"):
        services.bulletin_refresh(actor=world.office_a, bulletin=bulletin)
    assert published.status == BulletinStatus.PUBLISHED and published.number == "甲区督公〔2025〕1号"
    assert "在校生 1280 人" in published.published_body and "{{" not in published.published_body
    item = public_publications(kind="communique").get()
    assert item.pk == published.publication_id and item.region_code == "990102"
    assert "社会认可度 95.1%" in item.body and "附：公报项目表" in item.body and "甲区督公〔2025〕1号" in item.title
    # frozen
    with pytest.raises(ApplicationError, match="已发布"):
        services.field_update(actor=world.office_a, bulletin=published, field=extra, value="2")
    with pytest.raises(ApplicationError, match="已发布"):
        services.body_update(actor=world.office_a, bulletin=published, title="x", body="y")
    # withdraw reopens it; the public item is withdrawn; publishing again keeps the number
    with pytest.raises(ApplicationError, match="撤回原因"):
        services.bulletin_withdraw(actor=world.office_a, bulletin=published, reason="  ")
    services.bulletin_withdraw(actor=world.office_a, bulletin=published, reason="数据有误，需更正")
    assert not public_publications(kind="communique").exists()
    reopened = Bulletin.objects.get(pk=bulletin.pk)
    assert reopened.status == BulletinStatus.DRAFT and reopened.withdraw_reason == "数据有误，需更正"
    again = services.bulletin_publish(actor=world.office_a, bulletin=reopened)
    assert again.number == "甲区督公〔2025〕1号" and public_publications(kind="communique").count() == 1
    assert AuditLog.objects.filter(action__in=["bulletin.publish", "bulletin.withdraw"]).count() == 3


@time_machine.travel(NOW, tick=False)
def test_other_offices_and_readers_cannot_write(fixture_2025):
    world = fixture_2025
    bulletin = services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)
    field = bulletin.fields.first()
    for actor in (world.office_b, world.leader_a, world.principal_a, world.town_a):
        with pytest.raises(PermissionDenied):
            services.field_update(actor=actor, bulletin=bulletin, field=field, value="1")
        with pytest.raises(PermissionDenied):
            services.bulletin_publish(actor=actor, bulletin=bulletin)
    other = services.bulletin_create(actor=world.office_b, region=world.county_b, year=2025)
    with pytest.raises(ApplicationError, match="未找到"):  # a line of another 公报
        services.field_update(actor=world.office_a, bulletin=bulletin, field=other.fields.first(), value="1")
    with pytest.raises(ApplicationError, match="平台提取"):
        services.field_delete(actor=world.office_a, bulletin=bulletin, field=field)
    for bad in ("有 空格", "{{x}}", "", "x" * 65, "学校数"):
        with pytest.raises(ApplicationError):
            services.field_add(actor=world.office_a, bulletin=bulletin, key=bad)


@time_machine.travel(NOW, tick=False)
def test_key_event_and_archive_document(fixture_2025):
    from dudao.core.registries import archive_sources, key_event_sources

    world = fixture_2025
    bulletin = services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)
    events, archive = key_event_sources()["reviews.bulletin"][1], archive_sources()["reviews.bulletin"]
    assert events("990102", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == []
    for f in bulletin.fields.filter(value=""):
        services.field_update(actor=world.office_a, bulletin=bulletin, field=f, value="1")
    _replace_prompt(world, bulletin)
    services.bulletin_publish(actor=world.office_a, bulletin=bulletin)
    [event] = events("990102", datetime.date(2026, 3, 10), datetime.date(2026, 3, 10))
    assert event.key == f"reviews.bulletin:{bulletin.pk}" and event.day == datetime.date(2026, 3, 10)
    assert "甲区督公〔2025〕1号" in event.text and event.region_code == "990102"
    assert events("990103", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == []  # another county
    # filed in the 督导档案 of the year it reports, dated within that year
    [item] = list(archive("990102", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)))
    assert item.category == "duzheng" and item.day == datetime.date(2025, 12, 31)
    assert item.render()[:2] == b"PK"  # a .docx
    assert list(archive("990102", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))) == []


@pytest.mark.parametrize("hour, minute", [(0, 30), (23, 30)])
def test_published_at_00_30_and_23_30_is_dated_that_beijing_day(world, hour, minute):
    from dudao.core.registries import key_event_sources

    with time_machine.travel(datetime.datetime(2026, 3, 10, hour, minute, tzinfo=BEIJING), tick=False):
        bulletin = services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)
        for f in bulletin.fields.filter(value=""):
            services.field_update(actor=world.office_a, bulletin=bulletin, field=f, value="1")
        _replace_prompt(world, bulletin)
        services.bulletin_publish(actor=world.office_a, bulletin=bulletin)
    events = key_event_sources()["reviews.bulletin"][1]
    assert [e.day for e in events("990102", datetime.date(2026, 3, 10), datetime.date(2026, 3, 10))] == [
        datetime.date(2026, 3, 10)]
    assert events("990102", datetime.date(2026, 3, 9), datetime.date(2026, 3, 9)) == []
    assert events("990102", datetime.date(2026, 3, 11), datetime.date(2026, 3, 11)) == []
