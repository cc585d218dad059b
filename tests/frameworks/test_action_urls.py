"""One action, one URL for 指标体系: each write has its own POST-only view. A GET is refused (405); anyone but
the region's office gets 404 and nothing changes; a refusal shows the page again with the Chinese message."""

from dudao.frameworks import services
from dudao.frameworks.models import Framework
from dudao.frameworks.scoring import build_tree

FRAMEWORK_URLS = ["save/", "freeze/", "new-version/", "settings/", "nodes/add/", "nodes/update/", "nodes/up/",
                  "nodes/down/", "nodes/remove/"]


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_framework_actions_one_url_each(world, login):
    f = services.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    office = login(world.office_a)
    for url in ["/frameworks/from-template/", "/frameworks/import/"] + [f"/frameworks/{f.pk}/{u}" for u in FRAMEWORK_URLS]:
        assert office.get(url).status_code == 405, url
    before = f.definition
    for user in (world.leader_a, world.office_b, world.principal_a):
        client = login(user)
        for url in FRAMEWORK_URLS:
            assert client.post(f"/frameworks/{f.pk}/{url}", {"code": "A1.1", "name": "x"}).status_code == 404, url
    f.refresh_from_db()
    assert f.definition == before and not f.is_frozen
    office = login(world.office_a)
    bad = office.post(f"/frameworks/{f.pk}/save/", {"name": "x", "definition": '{"nodes": [{"code": "A", "weight": 50},'
                                                                               ' {"code": "A", "weight": 50}]}'})
    assert bad.status_code == 400 and "重复" in messages_of(bad)
    done = office.post(f"/frameworks/{f.pk}/nodes/down/", {"code": "A1.1"}, follow=True)
    assert "已更新。" in messages_of(done)
    f.refresh_from_db()
    assert build_tree(f.definition).nodes["A1"].children[:2] == ["A1.2", "A1.1"]
    bad = office.post(f"/frameworks/{f.pk}/settings/?edit=A1.1", {"levels": "", "lowest_level": ""})
    assert bad.status_code == 400 and 'id="editor"' in bad.content.decode()
    bad = office.post("/frameworks/from-template/", {"template": "kindergarten", "region": "000000"}, follow=True)
    assert "请选择所属区划。" in messages_of(bad) and Framework.objects.count() == 1
