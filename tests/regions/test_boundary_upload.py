"""Uploading a region's outline and its towns' outlines (area: map): the service (scope, audit, replace, all or
nothing) and the page (office uploads, leader reads, others 404; a refused file changes nothing)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Policy
from dudao.core.policy import policy_value
from dudao.regions.models import Boundary
from dudao.regions.services import boundary_upload, town_boundaries_upload
from tests.regions.test_geo import HOSTILE, SQUARE, collection, dump, feature, polygon

LEFT = [[113.3, 34.6], [113.5, 34.6], [113.5, 34.9], [113.3, 34.9], [113.3, 34.6]]
RIGHT = [[113.5, 34.6], [113.8, 34.6], [113.8, 34.9], [113.5, 34.9], [113.5, 34.6]]


def towns_file(*features):
    return dump(collection(*features) if features else collection(
        feature(polygon(LEFT), code="990102001"), feature(polygon(RIGHT), name="甲二镇")))


def state():
    return (sorted(Boundary.objects.values_list("region_id", "sha256")), AuditLog.objects.filter(
        action="boundary.upload").count())


def test_the_office_uploads_the_county_outline_with_audit(world):
    data = dump(polygon())
    stored = boundary_upload(actor=world.office_a, region=world.county_a, data=data, filename="甲区.geojson")
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert stored.uploaded_by == world.office_a and stored.original_name == "甲区.geojson"
    assert stored.geojson["type"] == "FeatureCollection"
    assert stored.geojson["features"][0]["geometry"]["coordinates"] == [SQUARE]
    log = AuditLog.objects.get(action="boundary.upload")
    assert log.region_code == "990102" and log.after["sha256"] == stored.sha256 and log.before is None


def test_a_new_upload_replaces_the_outline_and_keeps_the_old_hash_in_the_audit(world):
    first = boundary_upload(actor=world.office_a, region=world.county_a, data=dump(polygon()), filename="a.json")
    second = boundary_upload(actor=world.office_a, region=world.county_a, data=dump(feature()), filename="b.json")
    assert Boundary.objects.count() == 1 and second.original_name == "b.json"
    assert AuditLog.objects.filter(action="boundary.upload").latest("id").before["sha256"] == first.sha256


def test_town_outlines_match_by_code_or_name(world):
    stored = town_boundaries_upload(actor=world.office_a, region=world.county_a, data=towns_file(), filename="t.json")
    assert sorted(b.region_id for b in stored) == ["990102001", "990102002"]
    town = Boundary.objects.get(region_id="990102002")
    assert town.geojson["features"][0]["properties"] == {"name": "甲二镇", "code": "990102002"}
    assert town.geojson["features"][0]["geometry"]["coordinates"] == [RIGHT]


def test_town_outlines_not_named_are_kept(world):
    town_boundaries_upload(actor=world.office_a, region=world.county_a, data=towns_file(), filename="t.json")
    town_boundaries_upload(actor=world.office_a, region=world.county_a,
                           data=towns_file(feature(polygon(LEFT), code="990102001")), filename="t2.json")
    assert Boundary.objects.get(region_id="990102002").original_name == "t.json"
    assert Boundary.objects.get(region_id="990102001").original_name == "t2.json"


@pytest.mark.parametrize(("data", "words"), [
    (towns_file(feature(polygon(LEFT), code="990103001")), "不是甲区的下级区划"),  # a town of another county
    (towns_file(feature(polygon(LEFT), name="不存在镇")), "不是甲区的下级区划"),
    (towns_file(feature(polygon(LEFT))), "没有区划代码"),
    (towns_file(feature(polygon(LEFT), code="990102001"), feature(polygon(RIGHT), name="甲一街道")), "只能有一个要素"),
    (towns_file(feature(polygon(LEFT), code="990102001"), feature({"type": "Point", "coordinates": [1, 2]})), "Point"),
])
def test_a_bad_towns_file_changes_nothing(world, data, words):
    town_boundaries_upload(actor=world.office_a, region=world.county_a, data=towns_file(), filename="t.json")
    before = state()
    with pytest.raises(ApplicationError, match=words):
        town_boundaries_upload(actor=world.office_a, region=world.county_a, data=data, filename="bad.json")
    assert state() == before


def test_a_town_has_no_children_to_upload(world):
    town = world.county_a.children.get(code="990102001")
    with pytest.raises(ApplicationError, match="没有下级区划"):
        town_boundaries_upload(actor=world.office_a, region=town, data=towns_file(), filename="t.json")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_file_changes_nothing(world, name):
    boundary_upload(actor=world.office_a, region=world.county_a, data=dump(polygon()), filename="good.json")
    before = state()
    data, words = HOSTILE[name]
    if name == "too large":
        data = b" " * (int(policy_value("regions.boundary_max_mb")) * 1024 * 1024 + 1)
        words = ("文件过大",)
    if name == "too many vertices":
        Policy.objects.create(key="regions.boundary_max_vertices", region_code="990102", value=1000)
    with pytest.raises(ApplicationError) as caught:
        boundary_upload(actor=world.office_a, region=world.county_a, data=data, filename="bad.json")
    assert caught.value.message.startswith("边界文件未通过校验：")
    for word in words:
        if word != "1 MB" and word != "1000":
            assert word in caught.value.message
    assert state() == before
    assert Boundary.objects.get().original_name == "good.json"


def test_the_vertex_limit_is_a_policy(world):
    ring = [[113.3 + i * 1e-4, 34.6] for i in range(300)] + [[113.3, 34.9], [113.3, 34.6]]
    Policy.objects.create(key="regions.boundary_max_vertices", region_code="990102", value=100)
    with pytest.raises(ApplicationError, match="顶点过多"):
        boundary_upload(actor=world.office_a, region=world.county_a, data=dump(polygon(ring)), filename="x.json")
    boundary_upload(actor=world.office_b, region=world.county_b, data=dump(polygon(ring)), filename="x.json")


@pytest.mark.parametrize("who", ["office_b", "leader_a", "inspector_a", "principal_a"])
def test_only_the_office_of_the_region_may_upload(world, who):
    with pytest.raises(PermissionDenied):
        boundary_upload(actor=getattr(world, who), region=world.county_a, data=dump(polygon()), filename="x.json")
    assert not Boundary.objects.exists()


# ---- the page ------------------------------------------------------------------------------------------------


def upload(client, code, data, *, towns=False, name="边界.geojson"):
    url = reverse("regions:boundary_towns_upload" if towns else "regions:boundary_upload", args=[code])
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/geo+json")},
                       follow=True)


def test_the_office_page_uploads_and_shows_the_outlines(world, login):
    client = login(world.office_a)
    page = client.get(reverse("regions:boundary", args=["990102"]))
    assert page.status_code == 200 and "尚未上传本区划边界" in page.content.decode()
    response = upload(client, "990102", dump(polygon()))
    assert "甲区的边界已保存" in response.content.decode()
    response = upload(client, "990102", towns_file(), towns=True)
    assert "已保存 2 个下级区划的边界" in response.content.decode()
    assert Boundary.objects.count() == 3


def test_a_refused_file_on_the_page_shows_the_chinese_error_and_changes_nothing(world, login):
    client = login(world.office_a)
    upload(client, "990102", dump(polygon()))
    before = state()
    projected = dump(polygon([[38500000.0, 3800000.0], [38510000.0, 3800000.0], [38510000.0, 3810000.0],
                              [38500000.0, 3800000.0]]))
    response = upload(client, "990102", projected)
    assert "请转换为 WGS-84 经纬度" in response.content.decode()
    assert state() == before


def test_an_upload_over_the_limit_is_refused_without_reading_it_all(world, login):
    client = login(world.office_a)
    response = upload(client, "990102", b"{" + b" " * (5 * 1024 * 1024 + 10) + b"}")
    assert "文件过大" in response.content.decode()
    assert not Boundary.objects.exists()


def test_the_leader_reads_the_page_without_forms_and_may_not_post(world, login):
    client = login(world.leader_a)
    page = client.get(reverse("regions:boundary", args=["990102"]))
    assert page.status_code == 200 and "boundary/upload" not in page.content.decode()
    assert upload(client, "990102", dump(polygon())).status_code == 404
    assert not Boundary.objects.exists()


@pytest.mark.parametrize(("who", "code"), [("office_b", "990102"), ("office_a", "990103"), ("office_a", "999999"),
                                           ("principal_a", "990102"), ("inspector_a", "990102")])
def test_out_of_scope_is_404(world, login, who, code):
    client = login(getattr(world, who))
    assert client.get(reverse("regions:boundary", args=[code])).status_code == 404
    assert upload(client, code, dump(polygon())).status_code == 404
    assert upload(client, code, towns_file(), towns=True).status_code == 404
    assert not Boundary.objects.exists()


def test_the_upload_is_post_only(world, login):
    client = login(world.office_a)
    assert client.get(reverse("regions:boundary_upload", args=["990102"])).status_code == 405


def test_the_region_tree_links_the_boundary_page_for_the_office(world, login):
    assert reverse("regions:boundary", args=["990102"]) in login(world.office_a).get(reverse("regions:tree")).content.decode()
    assert "boundary" not in login(world.principal_a).get(reverse("regions:tree")).content.decode()
