"""GET /api/v1/monitoring/balanced and POST /api/v1/monitoring/stats, scoped like the pages."""

import datetime

import time_machine

from tests.monitoring.test_import import csv_bytes, good_rows

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW)
def test_upload_then_read_the_evaluation(world, login):
    client = login(world.office_a)
    response = client.post("/api/v1/monitoring/stats", {"file": _upload(csv_bytes(good_rows(world)))})
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 4

    data = client.get(f"/api/v1/monitoring/balanced?county={world.county_a.code}&year=2025").json()
    assert data["county"] == world.county_a.code and data["year"] == 2025
    stages = {s["stage"]: s for s in data["stages"]}
    assert set(stages) == {"primary", "junior"}
    primary = stages["primary"]
    assert set(primary["indicators"]) == {"qualified_teachers", "backbone_teachers", "pe_art_teachers",
                                          "teaching_space", "sports_space", "equipment_value", "multimedia_rooms"}
    assert primary["indicators"]["qualified_teachers"]["cv_limit"] == 0.5
    first = next(s for s in primary["schools"] if s["code"] == world.schools_a[0].code)
    assert first["values"]["qualified_teachers"] == round(14 * 100 / 300, 6)
    assert isinstance(first["met"], int) and isinstance(first["passed"], bool)
    # The nine-year school is split: it appears in both stages.
    assert world.schools_a[2].code in {s["code"] for s in stages["junior"]["schools"]}


@time_machine.travel(NOW)
def test_other_district_and_bad_upload(world, login):
    client = login(world.office_a)
    client.post("/api/v1/monitoring/stats", {"file": _upload(csv_bytes(good_rows(world)))})
    other = login(world.office_b)
    assert other.get(f"/api/v1/monitoring/balanced?county={world.county_a.code}&year=2025").status_code == 404
    rows = good_rows(world)
    rows[0]["学年"] = "2030"
    response = login(world.office_a).post("/api/v1/monitoring/stats", {"file": _upload(csv_bytes(rows))})
    assert response.status_code == 400
    assert "尚未开始" in response.json()["errors"][0]["message"]
    rows = good_rows(world)
    rows[1]["教学仪器设备值 (万元)"] = 6500
    response = client.post("/api/v1/monitoring/stats", {"file": _upload(csv_bytes(rows))})
    assert response.status_code == 409 and "confirm" in response.json()["detail"]
    response = client.post("/api/v1/monitoring/stats", {"file": _upload(csv_bytes(rows)), "confirm": "true"})
    assert response.status_code == 201 and response.json()["replaced"] == 4


def test_no_statistics_is_a_clear_404(world, login):
    response = login(world.office_a).get(f"/api/v1/monitoring/balanced?county={world.county_a.code}&year=2024")
    assert response.status_code == 404


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("stats.csv", data, content_type="text/csv")
