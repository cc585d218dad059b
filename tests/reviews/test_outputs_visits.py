"""实地督查日程: add/edit/delete by the office (validation, another county's school refused), printable page, .docx and
.xlsx exports, calendar items for the visit days (Beijing dates); scope."""

import datetime
import io
import zipfile

import pytest
import time_machine
from docx import Document

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.registries import calendar_sources
from dudao.reviews.models import SiteVisit
from dudao.reviews.services import outputs as services
from tests.reviews.outputs_fixtures import make_review

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 20)


def add(world, review, **extra):
    fields = {"day": DAY, "starts": datetime.time(9), "ends": datetime.time(10, 30), "activity": "汇报会",
              "place": "区政府第一会议室", "people": "分管副区长"} | extra
    return services.visit_add(actor=world.office_a, review=review, **fields)


def test_the_office_keeps_the_schedule(world):
    review = make_review(world)
    visit = add(world, review)
    add(world, review, day=DAY + datetime.timedelta(days=1), starts=None, ends=None, activity="实地查看",
        school=world.schools_a[0].pk)
    services.visit_update(actor=world.office_a, visit=visit, day=DAY, starts=datetime.time(8, 30), ends=None,
                          activity="汇报会（调整）", place="", school=None, people="")
    visit.refresh_from_db()
    assert visit.activity == "汇报会（调整）" and visit.starts == datetime.time(8, 30)
    with pytest.raises(ApplicationError, match="结束时间应晚于开始时间"):
        add(world, review, starts=datetime.time(11), ends=datetime.time(10))
    with pytest.raises(ApplicationError, match="不在受检区县内"):
        add(world, review, school=world.schools_b[0].pk)
    with pytest.raises(ApplicationError, match="请填写日程内容"):
        add(world, review, activity="  ")
    with pytest.raises(ApplicationError, match="过长"):
        add(world, review, place="地" * 201)
    with pytest.raises(ApplicationError, match="不在该迎检的年度"):
        add(world, review, day=datetime.date(2030, 1, 1))
    for actor in (world.office_b, world.leader_a, world.town_a):
        with pytest.raises(PermissionDenied):
            services.visit_delete(actor=actor, visit=visit)
    services.visit_delete(actor=world.office_a, visit=visit)
    assert SiteVisit.objects.count() == 1


def test_the_pages_print_and_export(world, login):
    review = make_review(world)
    add(world, review, activity="=cmd|' /C calc'!A0")
    add(world, review, day=DAY + datetime.timedelta(days=1), activity="实地查看", school=world.schools_a[0].pk)
    client = login(world.office_a)
    page = client.get(f"/reviews/{review.pk}/visits/").content.decode()
    assert "实地查看" in page and "甲区第一小学" in page and "添加日程" in page
    assert ">实地查看</td>" not in client.get(f"/reviews/{review.pk}/visits/?q=汇报").content.decode()
    printed = client.get(f"/reviews/{review.pk}/visits/?print=1").content.decode()
    assert "2026年10月20日至2026年10月21日" in printed and "09:00—10:30" in printed
    docx = client.get(f"/reviews/{review.pk}/visits/?export=docx")
    cells = [c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells]
    assert "10月21日" in cells and "甲区第一小学" in cells
    xlsx = client.get(f"/reviews/{review.pk}/visits/?export=xlsx")
    assert xlsx.status_code == 200
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(xlsx.content)).read("xl/worksheets/sheet1.xml")
    leader = login(world.leader_a).get(f"/reviews/{review.pk}/visits/").content.decode()
    assert "实地查看" in leader and "添加日程" not in leader
    for user in (world.office_b, world.town_a):
        assert login(user).get(f"/reviews/{review.pk}/visits/").status_code == 404


def test_the_views_write_one_action_each(world, login):
    review = make_review(world)
    client = login(world.office_a)
    data = {"day": "2026-10-20", "starts": "09:00", "ends": "", "activity": "汇报会", "place": "", "school": "",
            "people": ""}
    assert client.post(f"/reviews/{review.pk}/visits/add/", data).status_code == 302
    visit = SiteVisit.objects.get()
    assert client.post(f"/reviews/{review.pk}/visits/{visit.pk}/edit/", data | {"activity": "反馈会"}).status_code == 302
    visit.refresh_from_db()
    assert visit.activity == "反馈会"
    other = make_review(world, title="另一次")
    assert client.post(f"/reviews/{other.pk}/visits/{visit.pk}/delete/").status_code == 404
    assert login(world.office_b).post(f"/reviews/{review.pk}/visits/{visit.pk}/delete/").status_code == 404
    client = login(world.office_a)  # the fixture's one client: back to the office's session
    assert client.post(f"/reviews/{review.pk}/visits/{visit.pk}/delete/").status_code == 302
    assert not SiteVisit.objects.exists()


@pytest.mark.parametrize("clock", ["2026-10-20 00:30 +0800", "2026-10-20 23:30 +0800"])
def test_the_visit_days_are_in_the_calendar(world, clock):
    review = make_review(world)
    add(world, review)
    add(world, review, starts=datetime.time(14), ends=None, activity="实地查看", school=world.schools_a[1].pk)
    add(world, review, day=DAY + datetime.timedelta(days=1), activity="反馈会")
    source = calendar_sources()["reviews.site_visit"]
    with time_machine.travel(clock, tick=False):
        items = source.items(world.office_a, DAY, DAY)
    assert len(items) == 1
    item = items[0]
    assert item.start == item.end == DAY and item.title == f"迎检实地督查：{review.title}"
    assert item.detail == "09:00 汇报会；14:00 实地查看（甲区第二小学）" and item.school_ids == (world.schools_a[1].pk,)
    assert item.url == f"/reviews/{review.pk}/visits/"
    assert len(source.items(world.leader_a, DAY, DAY + datetime.timedelta(days=1))) == 2
    assert source.items(world.office_b, DAY, DAY) == [] and source.items(world.town_a, DAY, DAY) == []
