"""POST /api/v1/quality/rounds/{id}/scores: 201 with the counts, 400 with every error, 409 with the warnings,
404 for another district's round, 403 for a school of the round; nothing written unless 201."""

from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.quality.models import ScoreImport, StudentScore
from tests.quality.factories import csv_bytes, make_round, score_rows


def _upload(data: bytes, name="成绩.csv", content_type="text/csv"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _url(round):
    return f"/api/v1/quality/rounds/{round.pk}/scores"


def test_upload_201_with_counts(world, login):
    earlier = make_round(world, year=2024, term="spring", grade=7, schools=world.schools_a[:3])
    client = login(world.office_a)
    assert client.post(_url(earlier), {"file": _upload(csv_bytes(score_rows(world, grade=7, prior=False)))}
                       ).status_code == 201
    current = make_round(world, year=2025, schools=world.schools_a[:3])
    response = client.post(_url(current), {"file": _upload(csv_bytes(score_rows(world, prior=False)))})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rows"] == 36 and body["prior_linked"] == 36 and body["prior_from_file"] == 0
    assert body["prior_missing"] == 0 and body["linked_round"] == earlier.pk and body["replaced"] == 0
    assert len(body["sha256"]) == 64


def test_errors_400_warnings_409_then_confirm(world, login):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    client = login(world.office_a)
    rows = score_rows(world)
    rows[0][4] = "NaN"
    rows[1][4] = "-3"
    response = client.post(_url(round), {"file": _upload(csv_bytes(rows))})
    assert response.status_code == 400
    body = response.json()
    assert "未导入任何数据" in body["detail"]
    assert [(e["sheet"], e["row"], e["column"]) for e in body["errors"]] == [
        ("学生成绩", 2, "E（成绩）"), ("学生成绩", 3, "E（成绩）")]
    rows = [r for r in score_rows(world) if r[1] != world.schools_a[2].code]
    response = client.post(_url(round), {"file": _upload(csv_bytes(rows))})
    assert response.status_code == 409
    assert "confirm=true" in response.json()["detail"]
    assert any("没有任何成绩" in w["message"] for w in response.json()["errors"])
    assert not StudentScore.objects.exists()
    response = client.post(_url(round), {"file": _upload(csv_bytes(rows)), "confirm": "true"})
    assert response.status_code == 201 and response.json()["rows"] == 24


def test_scope_and_roles(world, login):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    data = csv_bytes(score_rows(world))
    assert login(world.office_b).post(_url(round), {"file": _upload(data)}).status_code == 404
    assert login(world.principal_a).post(_url(round), {"file": _upload(data)}).status_code == 403
    assert login(world.leader_a).post(_url(round), {"file": _upload(data)}).status_code == 403
    assert login(world.office_a).post("/api/v1/quality/rounds/999999/scores",
                                      {"file": _upload(data)}).status_code == 404
    assert not ScoreImport.objects.exists()


def test_hostile_uploads(world, login, settings):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    client = login(world.office_a)
    response = client.post(_url(round), {"file": _upload(b"\x89PNG\r\n", "scores.png", "image/png")})
    assert response.status_code == 400 and "只能导入" in response.json()["detail"]
    response = client.post(_url(round), {"file": _upload(b"PK\x03\x04garbage", "scores.xlsx")})
    assert response.status_code == 400
    settings.DUDAO_IMPORT_MAX_BYTES = 100
    response = client.post(_url(round), {"file": _upload(csv_bytes(score_rows(world)))})
    assert response.status_code == 400 and "文件过大" in response.json()["detail"]
    settings.DUDAO_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    rows = [r + ["张三"] for r in score_rows(world)]
    response = client.post(_url(round), {"file": _upload(csv_bytes(rows, header=[
        "学生编号", "学校标识码", "年级", "学科", "成绩", "前测成绩", "性别", "班级", "姓名"]))})
    assert response.status_code == 400 and "不得上传学生姓名" in response.json()["errors"][0]["message"]
    response = client.post(_url(round), {})
    assert response.status_code in (400, 422)
    assert not StudentScore.objects.exists()


def test_reimport_replaces_via_api(world, login):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    client = login(world.office_a)
    client.post(_url(round), {"file": _upload(csv_bytes(score_rows(world)))})
    response = client.post(_url(round), {"file": _upload(csv_bytes(score_rows(world, offset=2)))})
    assert response.status_code == 201 and response.json()["replaced"] == 36
    assert StudentScore.objects.count() == 36
