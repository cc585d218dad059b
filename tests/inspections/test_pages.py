"""Inspection pages: the office builds a project in the page, an expert scores on the target page (a bad value
refuses the whole form and keeps what was typed), the principal self-assesses, results appear; scope."""

import datetime

import pytest

from dudao.inspections.models import Inspection, InspectionStage, Score, Target
from tests.inspections.conftest import LEAVES, go, ready


def test_office_builds_a_project_in_the_page(world, login):
    from dudao.frameworks import services as frameworks

    f = frameworks.framework_freeze(actor=world.office_a, framework=frameworks.framework_from_template(
        actor=world.office_a, region=world.county_a, template_code="shuangjian"))
    client = login(world.office_a)
    assert "建立督导项目" in client.get("/inspections/").content.decode()
    done = client.post("/inspections/", {"county": world.county_a.code, "name": "甲区“双减”专项督导", "kind": "special",
                                         "framework": f.pk, "year": 2026, "starts_on": "2026-11-01",
                                         "ends_on": "2026-12-31"})
    inspection = Inspection.objects.get()
    assert done.status_code == 302
    client.post(f"/inspections/{inspection.pk}/targets/", {"school_types": ["primary", "junior"],
                                                   "count": "2"})
    inspection.refresh_from_db()
    assert inspection.targets.count() == 2 and inspection.sample_seed
    target = inspection.targets.first()
    client.post(f"/inspections/{inspection.pk}/team/", {"target": target.pk,
                                                   "user": world.inspector_a.pk, "role": "leader"})
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "请选择督导对象和成员" not in page
    moved = client.post(f"/inspections/{inspection.pk}/advance/", {"to": "notified"}, follow=True)
    assert "文号" in moved.content.decode()  # refused: no 文号 yet, and a target has no leader
    inspection.refresh_from_db()
    assert inspection.stage == InspectionStage.PLANNED


def test_scoring_form_all_or_nothing_and_results(world, project, expert_user, login):
    targets = ready(world, project, expert_user)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    principal = login(world.principal_a)
    page = principal.get(f"/inspections/targets/{targets[0].pk}/").content.decode()
    assert "自评" in page and "A1.1" in page
    principal.post(f"/inspections/targets/{targets[0].pk}/scores/", {"v-A1.1": "A", "n-A1.1": "制度健全"})
    assert Score.objects.filter(is_self=True).count() == 1
    assert principal.get(f"/inspections/targets/{targets[1].pk}/").status_code == 404
    project = go(world, project, InspectionStage.REVIEW, InspectionStage.ONSITE)
    from django.test import Client

    expert = Client()
    expert.force_login(expert_user)
    bad = expert.post(f"/inspections/targets/{targets[0].pk}/scores/", {"v-A1.1": "B", "v-A1.2": "Z"})
    assert bad.status_code == 400 and "全部未保存" in bad.content.decode() and 'value="B" checked' in bad.content.decode()
    assert not Score.objects.filter(scorer=expert_user).exists()
    for target in targets:
        expert.post(f"/inspections/targets/{target.pk}/scores/", {f"v-{leaf}": "B" for leaf in LEAVES})
    leader = login(world.inspector_a)
    for target in targets:
        leader.post(f"/inspections/targets/{target.pk}/scores/", {f"v-{leaf}": "A" for leaf in LEAVES})
    go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    page = login(world.office_a).get(f"/inspections/{project.pk}/").content.decode()
    assert "90.0" in page and "优秀" in page
    mine = login(world.principal_a).get(f"/inspections/targets/{targets[0].pk}/").content.decode()
    assert "90.0" in mine and "自评差" in mine


@pytest.mark.parametrize("persona", ["office_b", "town_a", "expert"])
def test_outsiders_get_404(world, project, expert_user, login, persona):
    targets = ready(world, project, expert_user)
    client = login(getattr(world, persona))
    assert client.get(f"/inspections/{project.pk}/").status_code == 404
    assert client.get(f"/inspections/targets/{targets[0].pk}/").status_code == 404
    assert project.name not in client.get("/inspections/").content.decode()
    assert Target.objects.filter(inspection=project).count() == 2


def test_opinion_from_the_page_issue_downloads_history_and_followup(world, project, expert_user, login, run_tasks,
                                                                    django_capture_on_commit_callbacks, settings,
                                                                    tmp_path):
    import io
    import zipfile

    from django.utils import timezone
    from docx import Document

    from dudao.inspections import services
    from dudao.rectification.models import Finding

    targets = ready(world, project, expert_user)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    for target in targets:
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value="B")
            services.score_record(actor=world.inspector_a, target=target, leaf=leaf, value="A")
    project = go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    office = login(world.office_a)
    due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    for target in targets:
        office.post(f"/inspections/targets/{target.pk}/opinion/", {
            "evaluation": "办学规范。", "strengths": "课后服务丰富。",
            "p-text": ["校门口交通秩序需加强", ""], "p-req": ["协调交警错峰放学", ""], "p-due": [due, ""]})
    assert "校门口交通秩序需加强" in office.get(f"/inspections/targets/{targets[0].pk}/").content.decode()
    later = timezone.now() + datetime.timedelta(days=16)
    services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED, now=later)
    assert Finding.objects.filter(source="inspection").count() == 2
    principal = login(world.principal_a)
    docx = principal.get(f"/inspections/targets/{targets[0].pk}/opinion.docx")
    text = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert "校门口交通秩序需加强" in text
    assert principal.get(f"/inspections/targets/{targets[1].pk}/opinion.docx").status_code == 404
    from dudao.inspections.models import OpinionBatch

    settings.MEDIA_ROOT = tmp_path
    office = login(world.office_a)
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/inspections/{project.pk}/batch/")
    batch = OpinionBatch.objects.get()
    page = office.get(f"/inspections/batches/{batch.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "排队中" in page and "0/2" in page
    assert "后台工作进程没有运行" in page  # no worker has been seen: the office is told why it waits
    assert run_tasks() == 1  # the worker runs the queued batch task
    batch.refresh_from_db()
    assert batch.status == "done" and batch.done == batch.total == 2
    response = office.get(f"/inspections/batches/{batch.pk}/opinions.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2
    assert login(world.office_b).get(f"/inspections/batches/{batch.pk}/").status_code == 404
    assert login(world.principal_a).get(f"/inspections/batches/{batch.pk}/opinions.zip").status_code == 404
    school_page = login(world.office_a).get(f"/schools/{world.schools_a[0].pk}/").content.decode()
    assert "督导评估记录" in school_page and "90.0" in school_page
    followup = Inspection.objects.get(previous=project)
    follow_target = followup.targets.get(school=world.schools_a[0])
    page = login(world.office_a).get(f"/inspections/targets/{follow_target.pk}/").content.decode()
    assert "上次督导" in page and "校门口交通秩序需加强" in page


def test_api_sheet_and_batch_scores(world, project, expert_user, login):
    from django.test import Client

    targets = ready(world, project, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    client = Client()
    client.force_login(expert_user)
    sheet = client.get(f"/api/v1/inspections/targets/{targets[0].pk}/sheet").json()
    assert [leaf["code"] for leaf in sheet["leaves"]] == LEAVES and sheet["leaves"][0]["choices"] == ["A", "B", "C", "D"]
    url = f"/api/v1/inspections/targets/{targets[0].pk}/scores"
    bad = client.post(url, [{"leaf": "A1.1", "value": "A"}, {"leaf": "A1.2", "value": "F"}], content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["column"] == "A1.2"
    from dudao.inspections.models import Score

    assert not Score.objects.exists()
    ok = client.post(url, [{"leaf": leaf, "value": "B"} for leaf in LEAVES], content_type="application/json")
    assert ok.json() == {"saved": 8} and Score.objects.count() == 8
    detail = client.get(f"/api/v1/inspections/{project.pk}").json()
    assert len(detail["targets"]) == 2 and "score" not in detail["targets"][0]
    outsider = login(world.office_b)
    assert outsider.get(f"/api/v1/inspections/{project.pk}").status_code == 404
    assert outsider.post(url, [{"leaf": "A1.1", "value": "A"}], content_type="application/json").status_code == 404


def test_project_report_documents_and_publication(world, project, expert_user, login):
    import io

    from django.utils import timezone
    from docx import Document

    from dudao.inspections import opinions, services
    from dudao.rectification.models import Publication

    targets = ready(world, project, expert_user)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    for target, value in zip(targets, ("A", "C"), strict=True):
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value=value)
    project = go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    office = login(world.office_a)
    page = office.get(f"/inspections/{project.pk}/report/")
    assert page.status_code == 200 and "督导报告" in page.content.decode() and 'id="chart-ranked"' in page.content.decode()
    docx = Document(io.BytesIO(office.get(f"/inspections/{project.pk}/report.docx").content))
    cells = [c.text for t in docx.tables for r in t.rows for c in r.cells]
    assert "甲区第一小学" in cells and "100.0" in cells and "60.0" in cells
    assert len(docx.inline_shapes) == 1  # the chart image
    assert office.get(f"/inspections/{project.pk}/report.pdf").content[:4] == b"%PDF"
    refused = office.post(f"/inspections/{project.pk}/report/", follow=True)
    assert "出具后才能公开" in refused.content.decode() and not Publication.objects.exists()
    for target in targets:
        opinions.opinion_save(actor=world.office_a, target=target, evaluation="评价。", strengths="", problems=[])
    services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED,
                                now=timezone.now() + datetime.timedelta(days=16))
    office.post(f"/inspections/{project.pk}/report/")
    item = Publication.objects.get()
    assert "甲区第一小学：优秀" in item.body and "甲区第二小学：合格" in item.body
    assert login(world.principal_a).get(f"/inspections/{project.pk}/report/").status_code == 404


def test_report_chart_marks_failing_targets(world, project, expert_user, login):
    import json

    from dudao.inspections import services

    targets = ready(world, project, expert_user)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    for target, value in zip(targets, ("D", "A"), strict=True):
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value=value)
    project = go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    page = login(world.office_a).get(f"/inspections/{project.pk}/report/").content.decode()
    chart = json.loads(page.split('<script id="report-data" type="application/json">')[1].split("</script>")[0])
    assert [(r["score"], r["level"], r["fails"]) for r in chart["ranked"]] == [(100, "优秀", False), (0, "不合格", True)]


def test_appeal_blocks_issue_until_answered(world, project, expert_user, login):
    from django.utils import timezone

    from dudao.core.errors import ApplicationError
    from dudao.inspections import opinions, services

    targets = ready(world, project, expert_user)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    for target in targets:
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value="B")
    project = go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    for target in targets:
        opinions.opinion_save(actor=world.office_a, target=target, evaluation="评价。", strengths="", problems=[])
    principal = login(world.principal_a)
    principal.post(f"/inspections/targets/{targets[0].pk}/appeal/", {"text": "A1.3 已整改，附照片。"})
    with pytest.raises(ApplicationError, match="申辩期"):
        opinions.appeal_submit(actor=world.principal_a, target=targets[0], text="晚了",
                               now=timezone.now() + datetime.timedelta(days=30))
    later = timezone.now() + datetime.timedelta(days=16)
    with pytest.raises(ApplicationError, match="1 项申辩未答复"):
        services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED, now=later)
    appeal = targets[0].appeals.get()
    login(world.office_a).post(f"/inspections/targets/{targets[0].pk}/appeal/respond/", {
        "appeal": appeal.pk, "response": "经复核，维持原评价。"})
    services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED, now=later)
    assert "经复核，维持原评价" in login(world.principal_a).get(f"/inspections/targets/{targets[0].pk}/").content.decode()


def test_notice_document(world, project, expert_user, login):
    import io

    from docx import Document

    assert login(world.office_a).get(f"/inspections/{project.pk}/notice.docx").status_code == 404  # no 文号 yet
    ready(world, project, expert_user)
    docx = Document(io.BytesIO(login(world.principal_a).get(f"/inspections/{project.pk}/notice.docx").content))
    text = "\n".join(p.text for p in docx.paragraphs)
    cells = [c.text for t in docx.tables for r in t.rows for c in r.cells]
    assert "甲督〔2026〕7号" in text and "甲区2026年专项督导" in text and "甲区第一小学" in cells


def test_self_assessment_materials_and_review(world, project, expert_user, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    targets = ready(world, project, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    principal = login(world.principal_a)
    pdf = SimpleUploadedFile("自评报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    principal.post(f"/inspections/targets/{targets[0].pk}/materials/", {"report": "我校对照指标逐项自评……",
                                                             "files": [pdf]})
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    bad = principal.post(f"/inspections/targets/{targets[0].pk}/materials/", {"files": [fake]}, follow=True)
    assert targets[0].materials.count() == 1 and "alert-danger" in bad.content.decode()
    go(world, project, InspectionStage.REVIEW)
    office = login(world.office_a)
    office.post(f"/inspections/targets/{targets[0].pk}/review/", {"note": "请补充课后服务的家长反馈材料。"})
    page = principal.get(f"/inspections/targets/{targets[0].pk}/").content.decode()
    assert "我校对照指标逐项自评" in page and "自评报告.pdf" in page and "请补充课后服务的家长反馈材料" in page


def test_unit_page_lists_its_duzheng_evaluations(world, login):
    from dudao.frameworks import services as frameworks
    from dudao.inspections import services

    f = frameworks.framework_freeze(actor=world.office_a, framework=frameworks.framework_from_template(
        actor=world.office_a, region=world.county_a, template_code="town"))
    duzheng = services.inspection_create(actor=world.office_a, county=world.county_a, name="甲区乡镇履职考核",
                                         kind="duzheng", framework=f, year=2026, starts_on=datetime.date(2026, 11, 1),
                                         ends_on=datetime.date(2027, 1, 31))
    with pytest.raises(Exception, match="政府单位"):
        services.targets_add(actor=world.office_a, inspection=duzheng, schools=world.schools_a[:1])
    office = login(world.office_a)
    assert "添加督导对象（政府单位）" in office.get(f"/inspections/{duzheng.pk}/").content.decode()
    office.post(f"/inspections/{duzheng.pk}/targets/", {"unit_kinds": ["town_gov"]})
    assert list(duzheng.targets.values_list("unit_id", flat=True)) == [world.unit_a.pk]  # B's town is not added
    page = login(world.town_a).get(f"/regions/units/{world.unit_a.pk}/").content.decode()
    assert "督政评价记录" in page and "甲区乡镇履职考核" in page


def test_page_titles_are_plain(world, project, expert_user, login):
    import re

    targets = ready(world, project, expert_user)
    for url in [f"/inspections/{project.pk}/", f"/inspections/targets/{targets[0].pk}/", "/inspections/"]:
        html = login(world.office_a).get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title and len(title) < 80, (url, title[:120])


def test_evidence_per_check_point(world, project, expert_user, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.inspections.models import LeafEvidence

    targets = ready(world, project, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    principal = login(world.principal_a)
    good = SimpleUploadedFile("制度汇编.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    fake = SimpleUploadedFile("照片.jpg", b"not an image at all", content_type="image/jpeg")
    bad = principal.post(f"/inspections/targets/{targets[0].pk}/scores/", {"v-A1.1": "A", "f-A1.1": [good], "f-A1.2": [fake]})
    assert bad.status_code == 400 and not LeafEvidence.objects.exists() and not Score.objects.exists()
    good.seek(0)
    principal.post(f"/inspections/targets/{targets[0].pk}/scores/", {"v-A1.1": "A", "f-A1.1": [good]})
    assert LeafEvidence.objects.get().leaf == "A1.1" and Score.objects.get().value == "A"
    assert "制度汇编.pdf" in principal.get(f"/inspections/targets/{targets[0].pk}/").content.decode()


def test_project_page_queries_do_not_grow_with_targets(world, project, expert_user, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dudao.inspections import services
    from dudao.schools.models import School

    ready(world, project, expert_user)
    client = login(world.office_a)
    url = f"/inspections/{project.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [School.objects.create(code=f"19901029{i:02d}", name=f"甲区新{i}小学", school_type="primary",
                                  region=world.schools_a[0].region, ownership="public", urban_rural="urban")
            for i in range(6)]
    for target in services.targets_add(actor=world.office_a, inspection=project, schools=more):
        services.team_assign(actor=world.office_a, target=target, user=expert_user, role="expert")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_equal_scores_share_a_place_in_the_ranking():
    from dudao.inspections.selectors import _place

    rows = [{"score": s} for s in (100.0, 99.96, 93.8, 93.8, 60.04, None)]
    _place(rows)
    # 99.96 shows as 100.0, so it ties with 100; the place after a tie skips (1, 1, 3, 3, 5); no score, no place.
    assert [r["rank"] for r in rows] == [1, 1, 3, 3, 5, None]
