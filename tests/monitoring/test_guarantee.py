"""政府保障与教育质量 numeric items at their edges, and the evidence checklist."""

from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.monitoring import guarantee
from dudao.monitoring.models import GuaranteeEvidence
from tests.monitoring.test_pages import loaded  # noqa: F401  (fixture)


def school(name, school_type="primary", primary=600, junior=0, **extra):
    return {"name": name, "school_type": school_type, "students_primary": primary, "students_junior": junior, **extra}


def items(rows, recognition=None):
    return {i["code"]: i for i in guarantee.numeric_items(rows, recognition)}


def test_school_and_class_size_edges():
    result = items([school("A", primary=2000, max_class_primary=45),
                    school("B", "nine_year", primary=1500, junior=1000, max_class_junior=50)])
    assert result["g04"]["passed"] and result["g05"]["passed"]
    result = items([school("A", primary=2001, max_class_primary=46), school("B", "junior", junior=2501)])
    assert not result["g04"]["passed"] and len(result["g04"]["failing"]) == 2
    assert result["g05"]["failing"] == ["A（小学最大班额 46）"]


def test_rooms_rotation_certificates_retention_recognition():
    rows = [school("A", classes_primary=25, music_rooms=3, art_rooms=2, teachers=40, certified_teachers=40,
                   rotation_eligible=100, rotated=10, rotated_backbone=2),
            school("J", "junior", primary=0, junior=900, retention_rate=95.0)]
    result = items(rows, recognition=85.0)
    assert not result["g03"]["passed"] and "需各 3 间" in result["g03"]["failing"][0]  # ceil(25 / 12) = 3
    assert result["g11"]["passed"]  # exactly 10% and 20%
    assert result["g12"]["passed"] and result["q01"]["passed"] and result["r01"]["passed"]
    rows[0]["rotated_backbone"] = 1
    rows[0]["certified_teachers"] = 39
    result = items(rows, recognition=84.9)
    assert not result["g11"]["passed"] and not result["g12"]["passed"] and not result["r01"]["passed"]
    assert items([school("A")])["g11"]["passed"] is None  # no data says so


def test_evidence_checklist_on_the_dashboard(loaded, login):  # noqa: F811
    client = login(loaded.office_a)
    url = f"/monitoring/guarantee/evidence/?county={loaded.county_a.code}&year=2025"
    pdf = SimpleUploadedFile("规划.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    response = client.post(url, {"item": "g01", "note": "区政府已批准布局规划", "files": pdf})
    assert response.status_code == 302
    assert GuaranteeEvidence.objects.get().files.count() == 1
    html = client.get(f"/monitoring/?county={loaded.county_a.code}&year=2025").content.decode()
    assert "区政府已批准布局规划" in html and "已填报 1/9" in html
    bad = client.post(url, {"item": "zz", "note": "x"}, follow=True).content.decode()
    assert "未知的保障或质量项目" in bad
    assert login(loaded.leader_a).post(url, {"item": "g01", "note": "x"}).status_code == 404
