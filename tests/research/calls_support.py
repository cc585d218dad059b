"""Fixtures of the 征集评选 tests: a call of district A (甲区) with experts, entries and hostile documents."""

import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from pypdf import PdfWriter

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.people.models import Expert, Inspector
from dudao.research.models import CallStatus, ResearchCall
from dudao.research.services import calls as services

User = get_user_model()
BJ = ZoneInfo("Asia/Shanghai")
OPENS = datetime.date(2026, 3, 1)
DEADLINE = datetime.date(2026, 4, 30)
DURING = datetime.datetime(2026, 4, 10, 10, 0, tzinfo=BJ)
AFTER = datetime.datetime(2026, 5, 2, 9, 0, tzinfo=BJ)


def at(moment):
    return time_machine.travel(moment, tick=False)


def docx_upload(name="作品.docx", *, author="张三", paragraphs=("正文第一段。",), heading="一、背景"):
    doc = Document()
    doc.core_properties.author = author
    doc.core_properties.last_modified_by = author
    doc.add_heading(heading, level=1)
    for p in paragraphs:
        doc.add_paragraph(p)
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "数值"
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def pdf_bytes(author="张三", password=""):
    """A real one-page PDF whose Info dictionary names the author (as Word's "Save as PDF" does); with `password`
    it needs that password to open."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": author, "/Creator": f"Word {author}"})
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name="作品.pdf", author="Zhang San", password=""):
    return SimpleUploadedFile(name, pdf_bytes(author, password), content_type="application/pdf")


@dataclass
class CallWorld:
    call: ResearchCall
    experts: list  # Expert rows: [plain, principal-expert (school A0), employer-expert (school A1 name)]
    expert_users: list
    inspector: Inspector


def _user(admin, username, full_name, role=None, **target):
    user = user_create(actor=admin, username=username, full_name=full_name, password="Test-pass-2026")
    if role:
        role_assign(actor=admin, user=user, role=role, **target)
    return user


def make_call(world, **overrides) -> ResearchCall:
    framework = services.call_default_framework(actor=world.office_a, region=world.county_a)
    fields = dict(title="2026年典型案例征集", kind="case", categories="德育、教学", allow_inspectors=True,
                  allow_schools=True, allow_offices=True, opens_on=OPENS, deadline=DEADLINE, framework=framework,
                  quota_basis="count", quota_first=1, quota_second=1, quota_third=1, quota_merit=0)
    fields.update(overrides)
    with at(datetime.datetime(2026, 2, 20, 9, 0, tzinfo=BJ)):
        call = services.call_create(actor=world.office_a, region=world.county_a, **fields)
        services.call_open(actor=world.office_a, call=call)
    call.refresh_from_db()
    return call


@pytest.fixture
def cw(world) -> CallWorld:
    call = make_call(world)
    admin = world.admin
    world.expert.first_name = "陈专家"
    world.expert.save()
    e1 = Expert.objects.create(name="陈专家", phone="1", id_key="ZJ1", employer="示范市教科院", categories="research",
                               region=world.county_a, user=world.expert)
    u2 = _user(admin, "expert_principal", "王校长", Role.SCHOOL, school=world.schools_a[0])
    role_assign(actor=admin, user=u2, role=Role.EXPERT)
    e2 = Expert.objects.create(name="王校长", phone="2", id_key="ZJ2", employer="", categories="research",
                               region=world.county_a, user=u2)
    u3 = _user(admin, "expert_employer", "李老师", Role.EXPERT)
    e3 = Expert.objects.create(name="李老师", phone="3", id_key="ZJ3", employer=world.schools_a[1].name,
                               categories="research", region=world.county_a, user=u3)
    insp_user = world.inspector_a
    insp_user.first_name = "赵督学"
    insp_user.save()
    inspector = Inspector.objects.create(card_no="DX001", name="赵督学", phone="4", employer="甲区教研室",
                                         kind="parttime", source="researcher", region=world.county_a,
                                         appointed_on=datetime.date(2024, 1, 1), term_start=datetime.date(2024, 1, 1),
                                         user=insp_user)
    for e in (e1, e2, e3):
        services.expert_assign(actor=world.office_a, call=call, expert=e)
    return CallWorld(call, [e1, e2, e3], [world.expert, u2, u3], inspector)


def submit(user, call, *, option="", title="案例", category="德育", co_authors="", upload=None, when=DURING):
    with at(when):
        return services.entry_submit(actor=user, call=call, option=option, title=title, category=category,
                                     abstract="摘要内容", upload=upload or docx_upload(author=user.username),
                                     co_authors=co_authors)


def close(world, call):
    with at(AFTER):
        services.call_close(actor=world.office_a, call=call)
    call.refresh_from_db()
    assert call.status == CallStatus.REVIEWING


def score(user, entry, points=(20, 25, 25, 10)):
    values = dict(zip(["A1", "A2", "A3", "A4"], [str(p) for p in points], strict=True))
    with at(AFTER):
        return services.score_submit(actor=user, entry=entry, values=values)
