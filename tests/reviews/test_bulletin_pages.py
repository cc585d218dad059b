"""The 公报 pages: list (filters, search, Excel, pages), one 公报 with its preview and problems, one POST per write,
Word/PDF downloads, the 公报项目表 export (formula-safe); scope (another county's office, schools and units get 404;
leaders read but cannot write); the public results page shows the published 公报."""

import datetime
import io
import zipfile
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from python_calamine import CalamineWorkbook

from dudao.reviews.models import Bulletin, BulletinStatus
from dudao.reviews.services import bulletin as services

PROMPT, NEXT_STEPS = "（请填写下一年度的工作安排。）", "继续推进义务教育优质均衡发展。"

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=BEIJING)


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def bulletin(world):
    with time_machine.travel(NOW, tick=False):
        return services.bulletin_create(actor=world.office_a, region=world.county_a, year=2025)


def _publishable(world, bulletin):
    for f in bulletin.fields.all():
        if not f.value:
            services.field_update(actor=world.office_a, bulletin=bulletin, field=f, value="1")
    bulletin.refresh_from_db()
    services.body_update(actor=world.office_a, bulletin=bulletin, title=bulletin.title,
                         body=bulletin.body.replace(PROMPT, NEXT_STEPS))


@time_machine.travel(NOW, tick=False)
def test_list_filters_exports_and_creates(world, login):
    client = login(world.office_a)
    page = client.get(reverse("reviews:bulletin_list"))
    assert page.status_code == 200 and "新建年度公报" in page.content.decode()
    response = client.post(reverse("reviews:bulletin_create"), {"region": world.county_a.code, "year": "2025"})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reviews:bulletin_detail", args=[bulletin.pk])
    text = client.get(reverse("reviews:bulletin_list"), {"year": "2025", "q": "甲区"}).content.decode()
    assert "甲区2025年教育督导工作公报" in text
    assert "甲区2025年" not in client.get(reverse("reviews:bulletin_list"), {"status": "published"}).content.decode()
    assert client.get(reverse("reviews:bulletin_list"), {"year": "99999999999"}).status_code == 200
    export = client.get(reverse("reviews:bulletin_list"), {"export": "xlsx"})
    rows = _rows(export.content)
    assert rows[1][2] == "甲区2025年教育督导工作公报"
    # another county's region is refused
    client.post(reverse("reviews:bulletin_create"), {"region": world.county_b.code, "year": "2024"})
    assert Bulletin.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_detail_shows_fields_sources_and_problems_and_writes_post_only(world, login, bulletin):
    client = login(world.office_a)
    url = reverse("reviews:bulletin_detail", args=[bulletin.pk])
    text = client.get(url).content.decode()
    assert "公报项目表" in text and "发布前需处理" in text and "社会认可度" in text and "rectification.selectors" in text
    field = bulletin.fields.get(key="发现问题数")
    update = reverse("reviews:bulletin_field_update", args=[bulletin.pk, field.pk])
    assert client.get(update).status_code == 405
    client.post(update, {"value": "7"})
    field.refresh_from_db()
    assert field.value == "7" and field.edited
    text = client.get(url).content.decode()
    assert "已人工修改" in text
    client.post(reverse("reviews:bulletin_field_reset", args=[bulletin.pk, field.pk]))
    field.refresh_from_db()
    assert not field.edited
    client.post(reverse("reviews:bulletin_field_add", args=[bulletin.pk]),
                {"key": "经费", "label": "教育经费", "value": "=HYPERLINK(\"http://x\")", "unit": "亿元"})
    client.post(reverse("reviews:bulletin_body", args=[bulletin.pk]),
                {"title": "甲区公报", "body": "经费 {{ 经费 }} 亿元。<script>alert(1)</script>{{ __class__ }}"})
    text = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "不存在的字段“__class__”" in text
    # the table's export: the formula is a text cell
    content = client.get(reverse("reviews:bulletin_fields_export", args=[bulletin.pk])).content
    formula = next(r for r in _rows(content) if r[2] == "经费")
    assert formula[4] == "=HYPERLINK(\"http://x\")"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # a text cell, never a formula
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    # Word and PDF
    docx = client.get(reverse("reviews:bulletin_download", args=[bulletin.pk, "docx"]))
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "甲区公报" in body and "{{ __class__ }}" in body  # printed as typed, never evaluated
    assert client.get(reverse("reviews:bulletin_download", args=[bulletin.pk, "exe"])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_publish_refused_then_published_and_public(world, login, bulletin, client):
    office = login(world.office_a)
    publish = reverse("reviews:bulletin_publish", args=[bulletin.pk])
    response = office.post(publish, follow=True)
    assert "不能发布" in response.content.decode() and "社会认可度" in response.content.decode()
    _publishable(world, bulletin)
    assert "已发布（甲区督公〔2025〕1号）" in office.post(publish, follow=True).content.decode()
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED
    text = office.get(reverse("reviews:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "正文和项目表已固定" in text and 'name="value"' not in text
    pdf = office.get(reverse("reviews:bulletin_download", args=[bulletin.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    client.logout()
    public = client.get(reverse("results:list"), {"kind": "communique"}).content.decode()
    assert bulletin.title in public
    detail = client.get(reverse("results:detail", args=[bulletin.publication_id])).content.decode()
    assert "附：公报项目表" in detail
    assert bulletin.title in client.get(reverse("results:feed")).content.decode()
    office = login(world.office_a)
    office.post(reverse("reviews:bulletin_withdraw", args=[bulletin.pk]), {"reason": "更正数据"})
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.withdraw_reason == "更正数据"


@time_machine.travel(NOW, tick=False)
def test_scope(world, login, bulletin):
    field = bulletin.fields.first()
    for user in (world.office_b, world.principal_a, world.town_a, world.inspector_a, world.expert):
        client = login(user)
        assert client.get(reverse("reviews:bulletin_detail", args=[bulletin.pk])).status_code == 404, user
        assert client.get(reverse("reviews:bulletin_fields_export", args=[bulletin.pk])).status_code == 404, user
        assert client.post(reverse("reviews:bulletin_field_update", args=[bulletin.pk, field.pk]),
                           {"value": "1"}).status_code == 404, user
        assert client.post(reverse("reviews:bulletin_publish", args=[bulletin.pk])).status_code == 404, user
    leader = login(world.leader_a)
    assert leader.get(reverse("reviews:bulletin_detail", args=[bulletin.pk])).status_code == 200
    assert 'name="value"' not in leader.get(reverse("reviews:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert leader.post(reverse("reviews:bulletin_publish", args=[bulletin.pk])).status_code == 404
    # a field of this 公报 under another 公报's id
    other = services.bulletin_create(actor=world.office_b, region=world.county_b, year=2025)
    office_b = login(world.office_b)
    assert office_b.post(reverse("reviews:bulletin_field_update", args=[other.pk, field.pk]),
                         {"value": "1"}).status_code == 404
    field.refresh_from_db()
    assert field.value != "1" or field.computed == "1"
