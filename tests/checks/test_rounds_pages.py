"""专项检查 pages: the office's round list, round page, create/edit forms, workflow buttons, targets form, library
and templates; what the inspector, the principal and another district's office see; bounded queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dudao.checks.models import (
    CheckAnswer,
    ChecklistTemplate,
    CheckRound,
    CheckSubmission,
    CheckTarget,
    TargetStatus,
)
from dudao.checks.services import rounds as services
from dudao.schools.models import School
from tests.checks.rounds_fixtures import crew_fixture, make_round  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def opened(world, crew):
    check_round = make_round(world)
    services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a)
    services.round_open(actor=world.office_a, round=check_round)
    return check_round


def mark_done(check_round, target, crew, user, failed_items=()):
    submission = CheckSubmission.objects.create(target=target, inspector=crew.inspector, submitted_by=user,
                                                submitted_at=timezone.now(), failed_count=len(failed_items))
    for item in check_round.items.all():
        CheckAnswer.objects.create(submission=submission, item=item, value="no" if item in failed_items else "yes",
                                   failed=item in failed_items)
    CheckTarget.objects.filter(pk=target.pk).update(status=TargetStatus.DONE, done_at=timezone.now(),
                                                    failed_count=len(failed_items))


def test_office_round_page_shows_coverage_failures_and_unassigned(world, crew, opened, login):
    first = opened.items.order_by("order").first()
    mark_done(opened, opened.targets.get(school=world.schools_a[0]), crew, world.inspector_a, [first])
    client = login(world.office_a)
    html = client.get(f"/checks/{opened.pk}/").content.decode()
    assert "1 / 5" in html and "2 所没有检查督学" in html and "督学甲" in html
    assert "消防器材在有效期内" in html and "rounds-failed-chart" in html and "甲一街道" in html
    assert f"/checks/{opened.pk}/report.docx" in html and "结束检查" in html
    filtered = client.get(f"/checks/{opened.pk}/?inspector=none").content.decode()
    targets_table = filtered.split('id="outputs-panel"')[-1].split("</section>", 1)[-1]  # past the 领导摘要 panel
    assert "甲区中心幼儿园" in targets_table and "甲区第一小学" not in targets_table
    assert "甲区第二小学" in client.get(f"/checks/{opened.pk}/?status=pending&q=第二").content.decode()
    export = client.get(f"/checks/{opened.pk}/?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "学校标识码" and len(rows) == 6


def test_inspector_sees_own_targets_with_fill_links_pending_first(world, crew, opened, login):
    other_round = make_round(world, title="另一轮（督学不参加）")
    services.targets_add(actor=world.office_a, round=other_round, schools=world.schools_a[3:], inspector=crew.other)
    client = login(world.inspector_a)
    listing = client.get("/checks/").content.decode()
    assert "节前安全检查" in listing and "我待检查 3" in listing and "另一轮" not in listing
    html = client.get(f"/checks/{opened.pk}/").content.decode()
    assert "我负责检查的学校" in html
    assert f"/checks/{opened.pk}/targets/{opened.targets.get(school=world.schools_a[0]).pk}/fill/" in html
    assert "结束检查" not in html and "改派" not in html
    assert client.get(f"/checks/{other_round.pk}/").status_code == 404
    assert client.post(f"/checks/{opened.pk}/close/").status_code == 404


def test_principal_and_other_district_get_404_and_empty_lists(world, crew, opened, login):
    for user in (world.principal_a, world.office_b):
        client = login(user)
        assert client.get(f"/checks/{opened.pk}/").status_code == 404
        assert "还没有您可以查看的专项检查" in client.get("/checks/").content.decode()
        assert client.get(f"/checks/{opened.pk}/edit/").status_code == 404
        assert client.post(f"/checks/{opened.pk}/close/").status_code == 404
        target = opened.targets.first()
        assert client.post(f"/checks/{opened.pk}/targets/{target.pk}/remove/").status_code == 404
    assert CheckRound.objects.get(pk=opened.pk).status == "open" and opened.targets.count() == 5


def test_school_page_section_shows_the_schools_rounds(world, crew, opened, login):
    mark_done(opened, opened.targets.get(school=world.schools_a[0]), crew, world.inspector_a,
              [opened.items.order_by("order").first()])
    html = login(world.principal_a).get(f"/schools/{world.schools_a[0].pk}/").content.decode()
    assert "专项检查" in html and "节前安全检查" in html and "不合格 1 项" in html
    assert f'href="/checks/{opened.pk}/"' not in html  # the principal cannot open the round page
    office = login(world.office_a).get(f"/schools/{world.schools_a[1].pk}/").content.decode()
    assert f'href="/checks/{opened.pk}/"' in office and "尚未检查" in office


def editor_post(title="暑期检查", **rows) -> dict:
    data = {"region": "990102", "title": title, "kind": "summer_tutoring", "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=5)).isoformat(), "description": "", "item_rows": "4",
            "item-0-order": "2", "item-0-text": "未组织集体补课", "item-0-answer_kind": "yes_no",
            "item-0-finding_text": "组织集体补课", "item-0-veto": "1",
            "item-1-order": "1", "item-1-text": "培训结束时间", "item-1-answer_kind": "yes_no",
            "item-1-finding_text": "培训结束晚于 20:30",
            "item-2-order": "3", "item-2-text": "要删掉的项", "item-2-finding_text": "x", "item-2-delete": "1"}
    data.update(rows)
    return data


def test_create_round_with_items_editor_orders_deletes_and_keeps_input_on_error(world, crew, login):
    client = login(world.office_a)
    assert "检查清单" in client.get("/checks/new/?sample=summer_tutoring").content.decode()
    bad = client.post("/checks/new/", editor_post(**{"ends_on": (TODAY - datetime.timedelta(days=9)).isoformat(),
                                                      "item-1-text": "我输入的内容<仍在>"}))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "结束日期不能早于开始日期" in html and "我输入的内容&lt;仍在&gt;" in html and "暑期检查" in html
    missing = client.post("/checks/new/", editor_post(**{"item-0-finding_text": ""}))
    assert missing.status_code == 400 and "没有填写不合格时登记的问题" in missing.content.decode()
    assert not CheckRound.objects.exists()
    ok = client.post("/checks/new/", editor_post())
    check_round = CheckRound.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/checks/{check_round.pk}/targets/"
    assert [i.text for i in check_round.items.order_by("order")] == ["培训结束时间", "未组织集体补课"]
    assert client.post("/checks/new/", editor_post(region="990103")).status_code == 400  # not their region
    assert login(world.office_b).get(f"/checks/{check_round.pk}/targets/").status_code == 404


def test_targets_form_refuses_a_bad_list_keeping_it_and_adds_a_good_one(world, crew, login):
    check_round = make_round(world)
    client = login(world.office_a)
    bad = client.post(f"/checks/{check_round.pk}/targets/", {"rule": "list", "codes": "1990102001\n1990103001"})
    assert bad.status_code == 400
    assert "1990103001" in bad.content.decode() and "全部未添加" in bad.content.decode()
    assert "1990102001\n1990103001" in bad.content.decode()
    assert not check_round.targets.exists()
    assert client.post(f"/checks/{check_round.pk}/targets/", {"rule": "sample", "size": "x"}).status_code == 400
    assert client.post(f"/checks/{check_round.pk}/targets/",
                       {"rule": "type", "types": ["primary"], "inspector": str(crew.foreign.pk)}).status_code == 400
    ok = client.post(f"/checks/{check_round.pk}/targets/", {"rule": "type", "types": ["primary", "junior"]})
    assert ok.status_code == 302 and check_round.targets.count() == 3


def test_workflow_buttons_reassign_remove(world, crew, login):
    check_round = make_round(world)
    client = login(world.office_a)
    assert "消防器材在有效期内" in client.get(f"/checks/{check_round.pk}/edit/").content.decode()
    bad = client.post(f"/checks/{check_round.pk}/edit/", editor_post(title=""))
    assert bad.status_code == 400 and "培训结束时间" in bad.content.decode()
    assert client.post(f"/checks/{check_round.pk}/edit/", editor_post(title="改好的名称")).status_code == 302
    check_round.refresh_from_db()
    assert check_round.title == "改好的名称" and check_round.items.count() == 2
    client.post(f"/checks/{check_round.pk}/open/")
    assert CheckRound.objects.get(pk=check_round.pk).status == "draft"  # no targets: refused with a message
    services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a)
    client.post(f"/checks/{check_round.pk}/open/")
    assert CheckRound.objects.get(pk=check_round.pk).status == "open"
    refused = client.get(f"/checks/{check_round.pk}/edit/", follow=True)  # back to the round page, saying why
    assert "不能再修改" in refused.content.decode() and refused.redirect_chain[-1][0] == f"/checks/{check_round.pk}/"
    client.post(f"/checks/{check_round.pk}/edit/", {"title": "改名", "kind": "exam", "item_rows": "0"})
    assert CheckRound.objects.get(pk=check_round.pk).title == "改好的名称"
    target = check_round.targets.get(school=world.schools_a[4])
    client.post(f"/checks/{check_round.pk}/targets/{target.pk}/reassign/", {"inspector": str(crew.other.pk)})
    assert CheckTarget.objects.get(pk=target.pk).inspector == crew.other
    client.post(f"/checks/{check_round.pk}/targets/{target.pk}/reassign/", {"inspector": str(crew.foreign.pk)})
    assert CheckTarget.objects.get(pk=target.pk).inspector == crew.other
    client.post(f"/checks/{check_round.pk}/targets/{target.pk}/remove/")
    assert not CheckTarget.objects.filter(pk=target.pk).exists()
    client.post(f"/checks/{check_round.pk}/close/")
    client.post(f"/checks/{check_round.pk}/reopen/", {"note": ""})
    assert CheckRound.objects.get(pk=check_round.pk).status == "closed"
    client.post(f"/checks/{check_round.pk}/reopen/", {"note": "补查"})
    assert CheckRound.objects.get(pk=check_round.pk).status == "open"
    assert client.get(f"/checks/{check_round.pk}/close/").status_code == 405


def test_library_copy_and_template_edit(world, login):
    client = login(world.office_a)
    html = client.get("/checks/library/").content.decode()
    assert "不是官方文本" in html and "校外培训机构检查" in html and "化解大班额检查" in html
    response = client.post("/checks/library/copy/", {"code": "canteen", "region": "990102"})
    template = ChecklistTemplate.objects.get()
    assert response["Location"] == f"/checks/library/{template.pk}/"
    page = client.get(f"/checks/library/{template.pk}/").content.decode()
    assert "食品经营许可证" in page
    bad = client.post(f"/checks/library/{template.pk}/", {"title": "", "kind": "canteen", "item_rows": "1",
                                                          "item-0-text": "留样", "item-0-finding_text": "未留样"})
    assert bad.status_code == 400 and "请填写检查名称" in bad.content.decode() and "未留样" in bad.content.decode()
    client.post(f"/checks/library/{template.pk}/", {"title": "食堂", "kind": "canteen", "item_rows": "1",
                                                    "item-0-text": "留样", "item-0-finding_text": "未留样"})
    template.refresh_from_db()
    assert template.title == "食堂" and len(template.items) == 1
    assert login(world.office_b).get(f"/checks/library/{template.pk}/").status_code == 404
    assert login(world.inspector_a).get("/checks/library/").status_code == 404
    form = login(world.office_a).get(f"/checks/new/?template={template.pk}").content.decode()
    assert "留样" in form


def count(client, path) -> int:
    client.get(path)  # warm-up: the navigation's 待办 count is computed on a cache miss
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_round_page_and_list_run_bounded_queries(world, crew, opened, login):
    items = list(opened.items.order_by("order"))
    mark_done(opened, opened.targets.get(school=world.schools_a[0]), crew, world.inspector_a, items[:1])
    for user in (world.office_a, world.inspector_a):
        client = login(user)
        small_page, small_list = count(client, f"/checks/{opened.pk}/"), count(client, "/checks/")
        towns = ["990102001", "990102002"]
        extra = [School.objects.create(code=f"19901029{k:02d}", name=f"加测学校{k}", school_type="primary",
                                       ownership="public", urban_rural="urban", region_id=towns[k % 2])
                 for k in range(30)] if user == world.office_a else []
        if extra:
            services.targets_add(actor=world.office_a, round=opened, schools=extra)
            for target in opened.targets.filter(school__in=extra[:10]):
                mark_done(opened, target, crew, world.inspector_a, items[:2])
            for k in range(10):
                make_round(world, title=f"加测轮次{k}")
        assert count(client, f"/checks/{opened.pk}/") == small_page
        assert count(client, "/checks/") == small_list
        assert count(client, f"/checks/{opened.pk}/?export=xlsx") <= small_page
