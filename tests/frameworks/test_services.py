"""Frameworks: templates, drafts, 定版 refused while weights are off, frozen versions unchangeable, new
versions, Excel / JSON round trips (all-or-nothing imports), pages and scope."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.tabular import write_template_workbook
from dudao.frameworks import builtin, services
from dudao.frameworks import io as fio
from dudao.frameworks.models import Framework
from dudao.frameworks.scoring import build_tree, weight_problems


@pytest.mark.parametrize("code", sorted(builtin.TEMPLATES))
def test_every_template_can_be_frozen(world, code):
    framework = services.framework_from_template(actor=world.office_a, region=world.county_a, template_code=code)
    assert services.framework_freeze(actor=world.office_a, framework=framework).is_frozen


def test_freezing_refuses_bad_weights_and_changes_nothing(world):
    f = services.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    definition = f.definition
    definition["nodes"][0]["children"][0]["weight"] = 50
    f = services.framework_save(actor=world.office_a, framework=f, name=f.name, definition=definition)
    with pytest.raises(ApplicationError, match="权重合计") as exc:
        services.framework_freeze(actor=world.office_a, framework=f)
    assert exc.value.errors
    f.refresh_from_db()
    assert not f.is_frozen


def test_frozen_versions_are_unchangeable_and_new_versions_copy(world):
    f = services.framework_from_template(actor=world.office_a, region=world.county_a, template_code="canteen")
    f = services.framework_freeze(actor=world.office_a, framework=f)
    with pytest.raises(ApplicationError, match="已定版"):
        services.framework_save(actor=world.office_a, framework=f, name="改名", definition=f.definition)
    draft = services.framework_new_version(actor=world.office_a, framework=f)
    assert draft.version == 2 and draft.family == f.family and draft.definition == f.definition
    with pytest.raises(ApplicationError, match="未定版的第 2 版"):
        services.framework_new_version(actor=world.office_a, framework=f)
    with pytest.raises(PermissionDenied):
        services.framework_from_template(actor=world.office_b, region=world.county_a, template_code="zone")


def test_excel_round_trip(world):
    f = services.framework_from_template(actor=world.office_a, region=world.county_a, template_code="town")
    data = fio.workbook_bytes(f.definition)
    copy = services.framework_import(actor=world.office_a, region=world.county_a, name="导入的督政指标", kind="duzheng",
                                     target="unit", data=data, filename="t.xlsx")
    original, again = build_tree(f.definition), build_tree(copy.definition)
    assert list(original.nodes) == list(again.nodes)
    for code, node in original.nodes.items():
        assert again.nodes[code].weight == pytest.approx(node.weight)
        assert again.nodes[code].veto == node.veto
        if node.is_leaf:
            assert again.nodes[code].rule == node.rule, code
    assert weight_problems(again) == []


def test_bad_workbook_names_every_problem_and_imports_nothing(world):
    rows = [["A1", "", "方向", 60, "", "", "", "", "", "", "", "", "", ""],
            ["A1.1", "A9", "党建", 100, "分值", 10, "", "", "", "", "", "", "", ""],
            ["A1.2", "A1", "德育", 100, "等级", "", "优=十", "", "", "", "", "", "", ""],
            ["A1.3", "A1", "巩固率", "很多", "数值", "", "", "≈", "", "", "", "", "", ""],
            ["A1", "", "重复", 40, "", "", "", "", "", "", "", "", "", ""]]
    data = write_template_workbook([fio.SPEC], {fio.SPEC.name: rows})
    with pytest.raises(ApplicationError) as exc:
        services.framework_import(actor=world.office_a, region=world.county_a, name="坏文件", kind="school",
                                  target="school", data=data, filename="bad.xlsx")
    messages = "；".join(f"{e.row}:{e.message}" for e in exc.value.errors)
    assert "3:上级编码 A9 不存在" in messages and "4:等级格式" in messages and "5:应为数字" in messages
    assert "6:编码 A1 重复" in messages and "不是可选值" in messages
    assert not Framework.objects.exists()


def test_json_import_checks_rules(world):
    good = json.dumps({"nodes": builtin.ZONE["nodes"]}, ensure_ascii=False).encode()
    f = services.framework_import(actor=world.office_a, region=world.county_a, name="挂牌", kind="zone",
                                  target="school", data=good, filename="z.json")
    assert len(build_tree(f.definition).leaves) == 8
    bad = json.dumps({"nodes": [{"code": "A", "weight": 100, "rule": {"kind": "levels", "levels": {"A": 1}}}]}).encode()
    with pytest.raises(ApplicationError, match="1 处错误"):
        services.framework_import(actor=world.office_a, region=world.county_a, name="x", kind="zone", target="school",
                                  data=bad, filename="x.json")
    with pytest.raises(ApplicationError, match="1 处错误"):
        services.framework_import(actor=world.office_a, region=world.county_a, name="x", kind="zone", target="school",
                                  data=b"{oops", filename="x.json")


def test_pages_exports_and_scope(world, login):
    client = login(world.office_a)
    client.post("/frameworks/from-template/", {"template": "kindergarten", "region": world.county_a.code})
    f = Framework.objects.get()
    page = client.get(f"/frameworks/{f.pk}/").content.decode()
    assert "幼儿园保育教育质量评估" in page and "一票否决" in page and "卫生保健" in page
    xlsx = client.get(f"/frameworks/{f.pk}/export.xlsx")
    upload = SimpleUploadedFile("k.xlsx", xlsx.content)
    done = client.post("/frameworks/import/", {"region": world.county_a.code, "name": "导入", "kind":
                                        "kindergarten", "target": "school", "file": upload})
    assert done.status_code == 302 and Framework.objects.count() == 2
    assert client.get(f"/frameworks/{f.pk}/export.json").json()["nodes"][0]["code"] == "A1"
    client.post(f"/frameworks/{f.pk}/freeze/")
    f.refresh_from_db()
    assert f.is_frozen
    assert login(world.leader_a).get(f"/frameworks/{f.pk}/").status_code == 200
    assert login(world.leader_a).post(f"/frameworks/{f.pk}/new-version/").status_code == 404
    other = login(world.office_b)
    assert other.get(f"/frameworks/{f.pk}/").status_code == 404
    assert other.get(f"/api/v1/frameworks/{f.pk}").status_code == 404
    assert other.get("/api/v1/frameworks").json()["items"] == []
    assert login(world.office_a).get("/api/v1/frameworks").json()["count"] == 2


def test_province_frameworks_reach_the_counties(world):
    province = world.county_a.parent.parent
    f = services.framework_from_template(actor=world.admin, region=province, template_code="school")
    assert Framework.objects.visible_to(world.office_a).filter(pk=f.pk).exists()
    assert Framework.objects.visible_to(world.office_b).filter(pk=f.pk).exists()
    assert not Framework.objects.visible_to(world.principal_a).filter(pk=f.pk).exists()


def test_bad_edit_is_refused(world):
    f = services.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    with pytest.raises(ApplicationError, match="重复"):
        services.framework_save(actor=world.office_a, framework=f, name="x", definition={"nodes": [
            {"code": "A", "weight": 50}, {"code": "A", "weight": 50}]})
    with pytest.raises(ApplicationError, match="合成方式"):
        services.framework_save(actor=world.office_a, framework=f, name="x", definition={
            "nodes": f.definition["nodes"], "settings": {"combine": "median"}})
    f.refresh_from_db()
    assert len(build_tree(f.definition).leaves) == 8


def test_tree_editor_from_the_page(world, login):
    f = services.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    client = login(world.office_a)
    url = f"/frameworks/{f.pk}/"
    assert "+下级" in client.get(url).content.decode()
    assert f'action="{url}nodes/update/?edit=A1.1"' in client.get(url + "?edit=A1.1").content.decode()
    bad = client.post(url + "nodes/add/", {"parent": "A1", "code": "A1.1", "name": "重复", "weight": 5,
                            "kind": "points", "max_points": 10}, follow=True)
    assert "A1.1 已存在" in bad.content.decode()
    bad = client.post(url + "nodes/add/", {"parent": "A1", "code": "A1.9", "name": "坏等级", "weight": 5,
                            "kind": "levels", "levels": "优=很好"}, follow=True)
    assert "等级格式" in bad.content.decode()
    client.post(url + "nodes/add/", {"parent": "A1", "code": "A1.9", "name": "控辍保学", "weight": 0,
                      "kind": "numeric", "op": ">=", "threshold": 95, "unit": "%", "veto": "on"})
    client.post(url + "nodes/update/", {"code": "A1.1", "name": "校务管理与公开", "weight": 12.5,
                      "kind": "yesno"})
    client.post(url + "nodes/up/", {"code": "A1.9"})
    client.post(url + "nodes/remove/", {"code": "A1.2"})
    client.post(url + "settings/", {"levels": "良好=75;优秀=90;合格=60", "lowest_level": "不合格",
                      "combine": "trimmed", "spread": 0.25})
    f.refresh_from_db()
    tree = build_tree(f.definition)
    children = tree.nodes["A1"].children
    assert children[-2:] == ["A1.9", "A1.8"] and "A1.2" not in tree.nodes
    assert tree.nodes["A1.9"].rule == {"kind": "numeric", "op": ">=", "threshold": 95, "unit": "%"}
    assert tree.nodes["A1.9"].veto and tree.nodes["A1.1"].rule == {"kind": "yesno"}
    assert tree.nodes["A1.1"].name == "校务管理与公开"
    assert tree.settings["levels"] == [[90, "优秀"], [75, "良好"], [60, "合格"]] and tree.settings["combine"] == "trimmed"
    assert "权重合计" in client.get(url).content.decode()  # 12.5 + 5×12.5 + 12.5 + 0 ≠ 100: shown, refuses 定版
