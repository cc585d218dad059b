"""The 优质均衡 pages, the Excel export and the 监测报告, and the import page; scoped like everything else."""

import datetime
import io
import json
import re
import zipfile

import pytest
import time_machine

from dudao.monitoring.imports import stats_import
from tests.monitoring.test_import import csv_bytes, good_rows

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def loaded(world):
    rows = good_rows(world)
    stats_import(actor=world.office_a, data=csv_bytes(rows), filename="s.csv", today=TODAY)
    for r in rows:
        r["学年"] = "2024"
        r["体育运动场馆面积"] = 1800
    stats_import(actor=world.office_a, data=csv_bytes(rows), filename="s.csv", today=TODAY)
    return world


def test_dashboard_shows_cvs_heat_map_and_gaps(loaded, login):
    page = login(loaded.office_a).get(f"/monitoring/?county={loaded.county_a.code}&year=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "义务教育优质均衡发展监测" in html and "差异系数" in html
    assert 'id="heat-primary"' in html
    # 差异系数历年变化: one chart per stage, not 14 lines in one
    assert 'id="trend-primary" class="cv-trend" data-stage="小学"' in html
    assert 'id="trend-junior" class="cv-trend" data-stage="初中"' in html and 'id="trend-chart"' not in html
    charts = json.loads(re.search(r'<script id="balanced-data" type="application/json">(.*?)</script>', html,
                                  re.S).group(1))
    assert "甲区第一小学" in charts["heat"]["primary"]["schools"]
    assert {r["year"] for r in charts["trend"]} == {"2024—2025", "2025—2026"}
    assert charts["cv"]["stages"]["primary"]["limit"] == 0.5


def test_dashboard_without_statistics_says_what_to_do(world, login):
    html = login(world.office_a).get("/monitoring/").content.decode()
    assert "还没有可计算的统计数据" in html


def test_scope(loaded, login):
    assert login(loaded.office_b).get(f"/monitoring/?county={loaded.county_a.code}&year=2025").status_code == 404
    assert login(loaded.principal_a).get("/monitoring/").status_code == 404
    assert login(loaded.leader_a).get(f"/monitoring/?county={loaded.county_a.code}&year=2025").status_code == 200
    assert login(loaded.leader_a).get("/monitoring/import/").status_code == 404


def test_export_and_reports(loaded, login):
    client = login(loaded.office_a)
    query = f"?county={loaded.county_a.code}&year=2025"
    xlsx = client.get("/monitoring/export.xlsx" + query)
    assert xlsx.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(xlsx.content)).read("xl/workbook.xml").decode()
    for sheet in ("差异系数", "学校指标", "差异系数达标方案", "不参与计算学校"):
        assert sheet in names
    docx = client.get("/monitoring/report.docx" + query)
    assert docx.status_code == 200
    body = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "甲区2025—2026学年义务教育优质均衡发展监测报告" in body and "甲区九年一贯制学校" in body
    pdf = client.get("/monitoring/report.pdf" + query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/monitoring/report.pdf?county={loaded.county_a.code}&year=2020").status_code == 404


@time_machine.travel(datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC))
def test_import_page_errors_then_warnings_then_confirm(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.office_a)
    assert client.get("/monitoring/import/template.xlsx").status_code == 200
    rows = good_rows(world)
    rows[0]["体育运动场馆面积"] = "两千"
    bad = client.post("/monitoring/import/", {"file": SimpleUploadedFile("s.csv", csv_bytes(rows))})
    assert bad.status_code == 400 and "应为数字，实际为“两千”" in bad.content.decode()
    rows = good_rows(world)
    rows[1]["教学仪器设备值 (万元)"] = 6500
    warned = client.post("/monitoring/import/", {"file": SimpleUploadedFile("s.csv", csv_bytes(rows))})
    assert "尚未导入" in warned.content.decode() and 'name="confirm"' in warned.content.decode()
    done = client.post("/monitoring/import/", {"file": SimpleUploadedFile("s.csv", csv_bytes(rows)), "confirm": "on"})
    assert "导入成功：4 行" in done.content.decode()


def test_school_page_shows_its_seven_values(loaded, login):
    school = loaded.schools_a[0]
    html = login(loaded.office_a).get(f"/schools/{school.pk}/").content.decode()
    assert "优质均衡资源配置" in html and "每百名学生拥有高于规定学历教师数" in html


def _kindergarten_stats(world):
    from tests.monitoring.test_import import HEADER, row

    kg = world.schools_a[3]
    extra = {"在园幼儿数": 200, "幼儿园班级数": 7, "幼儿园超额班级数": 1, "幼儿园专任教师数": 12, "幼儿园持证教师数": 11,
             "户外活动场地面积": 900, "幼儿活动室面积": 1700, "园舍建筑面积": 2200}
    values = row(kg.code, kg.name, primary=0, **{h: 0 for h in HEADER[6:]}, **extra)
    header = HEADER + list(extra)
    return csv_bytes(good_rows(world) + [values], header)


def test_preschool_page_api_and_population_form(world, login):
    stats_import(actor=world.office_a, data=_kindergarten_stats(world), filename="s.csv", today=TODAY)
    client = login(world.office_a)
    url = f"/monitoring/preschool/?county={world.county_a.code}&year=2025"
    html = client.get(url).content.decode()
    assert "普惠性幼儿园覆盖率" in html and "甲区中心幼儿园" in html
    assert "未填写全县 3—5 周岁常住人口数" in html
    assert "超额 1 班" in html and "专任教师 2 名" in html  # 200 / 15 → 14 teachers, 12 on staff
    bad = client.post(url, {"population_3_5": "-3"}, follow=True).content.decode()
    assert "输入有误" in bad
    client.post(url, {"population_3_5": "220", "recognition_rate": "91.5"})
    html = client.get(url).content.decode()
    assert "90.9%" in html  # 200 / 220
    xlsx = client.get(url + "&export=xlsx")
    assert xlsx.status_code == 200 and b"xl/workbook.xml" in xlsx.content
    data = client.get(f"/api/v1/monitoring/preschool?county={world.county_a.code}&year=2025").json()
    assert data["indicators"]["gross_enrolment"]["passed"] is True
    assert data["indicators"]["public_share"]["value"] == 1.0
    assert data["kindergartens"][0]["teachers_needed"] == 2
    assert login(world.office_b).get(f"/api/v1/monitoring/preschool?county={world.county_a.code}&year=2025").status_code == 404
    # Leaders read the page but cannot change the county figures.
    leader = login(world.leader_a)
    assert "县域补充数据" not in leader.get(url).content.decode()
    response = leader.post(url, {"population_3_5": "999"}, follow=True)
    assert "只有本县（区）督导室" in response.content.decode()
