"""Shared helpers of the 迎检 (upward) tests: a review of 甲区, an indicator workbook, small files."""

import datetime
import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.regions.models import GovUnit
from dudao.reviews.services import upward as services

HEADER = ["编号", "上级编号", "指标内容", "分值", "佐证材料要求"]
ROWS = [
    ["1", "", "落实教育优先发展战略", 40, ""],
    ["1.1", "", "财政教育经费“两个只增不减”", 20, "近三年财政决算"],
    ["1.2", "", "教师平均工资不低于公务员", 20, "工资发放凭证"],
    ["2", "", "办学条件", 60, ""],
    ["2.1", "", "消除大班额", 30, "班额统计表"],
    ["2.2", "", "学位建设", 30, "学校建设项目清单"],
]


def workbook(rows=ROWS, header=HEADER, sheet="指标") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    ws.write_row(0, 0, header)
    for n, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value in ("", None):
                continue
            if isinstance(value, int | float):
                ws.write_number(n, c, value)
            else:
                ws.write_string(n, c, value)
    book.close()
    return buffer.getvalue()


def make_review(world, **extra):
    fields = dict(actor=world.office_a, region=world.county_a, title="2026年市政府对甲区履行教育职责评价",
                  level="city", kind="duties", body="市人民政府教育督导室", year=2026)
    fields.update(extra)
    return services.review_create(**fields)


def import_rows(world, review, rows=ROWS, actor=None):
    actor = actor or world.office_a
    result = services.indicators_import(actor=actor, review=review, data=workbook(rows),
                                        filename="指标.xlsx")
    if not result.imported:
        result = services.indicators_import(actor=actor, review=review, data=workbook(rows),
                                            filename="指标.xlsx", confirmed_digest=result.digest)
    return result


def leaf(review, code):
    return review.indicators.get(code=code)


def due(days=10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def dept(world, name="甲区财政局", code="UA02"):
    return GovUnit.objects.create(code=code, name=name, kind="department", region=world.county_a)


def unit_user(world, unit, username="finance_user"):
    user = user_create(actor=world.admin, username=username, full_name=username, password="Test-pass-2026")
    role_assign(actor=world.admin, user=user, role=Role.UNIT, unit=unit)
    return user


def pdf(name="材料.pdf", size=0) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * size
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def png(name="照片.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
