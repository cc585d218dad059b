"""检查通报 (draft from the results, publish through 结果公开, refusals) and the leader summary (computed when empty,
saved by the office, refusals keep what was typed), and the round-page panel."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dudao.checks.models import CheckRound, RoundStatus
from dudao.checks.selectors import outputs as selectors
from dudao.checks.services.outputs import bulletin_publish, summary_save
from dudao.checks.views.outputs import outputs_panel
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.rectification.followup import publication_withdraw
from dudao.rectification.models import Publication, PublicationKind
from tests.checks.outputs_data import finished_round, make_round


@pytest.fixture
def done(world):
    return finished_round(world)


def draft_url(r):
    return reverse("checks:bulletin_draft", args=[r.pk])


def publish_url(r):
    return reverse("checks:bulletin_publish", args=[r.pk])


def summary_url(r):
    return reverse("checks:summary_save", args=[r.pk])


# ---- the 通报 ------------------------------------------------------------------------------------------------------

def test_draft_names_the_schools_and_counts(world, done):
    title, body = selectors.bulletin_draft(done)
    assert title == "关于2026年岁末年初节前安全稳定专项检查情况的通报"
    assert "甲区人民政府教育督导室组织开展了2026年岁末年初节前安全稳定专项检查" in body
    assert "甲区第一小学（1 项）、甲区第二小学（2 项）" in body
    assert "消防通道堆放杂物（1 所：甲区第一小学）" in body
    assert "现场整改到位 1 个，转入整改通知流程 2 个，其中仍待整改 2 个" in body
    assert "甲区第三" not in body and "甲区九年一贯制学校" not in body  # passed: not named


def test_draft_page_shows_the_editable_draft(world, login, done):
    response = login(world.office_a).get(draft_url(done))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="body"' in html and "甲区第二小学（2 项）" in html and "发布通报" in html
    assert reverse("checks:report", args=[done.pk, "docx"]) in html


def test_leader_sees_the_page_without_the_form(world, login, done):
    html = login(world.leader_a).get(draft_url(done)).content.decode()
    assert "领导摘要" in html and 'name="body"' not in html and 'name="summary"' not in html


@pytest.mark.parametrize("who", ["office_b", "principal_a", "inspector_a", "town_a"])
def test_draft_page_out_of_scope_is_404(world, login, done, who):
    assert login(getattr(world, who)).get(draft_url(done)).status_code == 404


def test_publish_then_publishing_again_is_refused(world, login, done):
    client = login(world.office_a)
    response = client.post(publish_url(done), {"title": "关于节前检查的通报", "body": "正文一。"})
    assert response.status_code == 302
    done.refresh_from_db()
    publication = done.bulletin
    assert publication.kind == PublicationKind.BULLETIN and publication.region_code == world.county_a.code
    assert publication.title == "关于节前检查的通报" and publication.body == "正文一。"
    assert AuditLog.objects.filter(action="checks.bulletin_publish", object_id=str(done.pk)).count() == 1
    again = client.post(publish_url(done), {"title": "第二次", "body": "正文二。"})
    assert again.status_code == 400 and "已发布" in again.content.decode()
    assert Publication.objects.count() == 1
    # the page shows the published text, no form
    html = client.get(draft_url(done)).content.decode()
    assert "已发布的通报" in html and "正文一。" in html and 'name="body"' not in html


def test_withdrawn_bulletin_can_be_published_anew(world, done):
    bulletin_publish(actor=world.office_a, round=done, title="通报", body="正文。")
    done.refresh_from_db()
    publication_withdraw(actor=world.office_a, item=done.bulletin, reason="数据有误")
    done.refresh_from_db()
    assert selectors.outputs_state(done) == {"published": None, "withdrawn": True}
    bulletin_publish(actor=world.office_a, round=done, title="通报（更正）", body="正文。")
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_a_draft_round_is_refused(world, login):
    draft = make_round(world, status=RoundStatus.DRAFT)
    response = login(world.office_a).post(publish_url(draft), {"title": "标题", "body": "正文"})
    assert response.status_code == 400 and "草稿" in response.content.decode()
    assert not Publication.objects.exists()


def test_empty_text_is_refused_and_what_was_typed_is_kept(world, login, done):
    response = login(world.office_a).post(publish_url(done), {"title": "我写的标题<script>", "body": "  "})
    html = response.content.decode()
    assert response.status_code == 400 and "标题和正文都不能为空" in html
    assert 'value="我写的标题&lt;script&gt;"' in html
    assert not Publication.objects.exists() and CheckRound.objects.get(pk=done.pk).bulletin is None


def test_nul_and_oversize_text(world, done):
    with pytest.raises(ApplicationError, match="不能超过"):
        bulletin_publish(actor=world.office_a, round=done, title="标题", body="很" * 20001)
    done = bulletin_publish(actor=world.office_a, round=done, title="标\x00题", body="正\x00文")
    assert done.bulletin.title == "标题" and done.bulletin.body == "正文"


@pytest.mark.parametrize("who", ["office_b", "leader_a", "inspector_a", "principal_a"])
def test_only_the_office_of_the_region_publishes(world, login, done, who):
    response = login(getattr(world, who)).post(publish_url(done), {"title": "标题", "body": "正文"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        bulletin_publish(actor=getattr(world, who), round=done, title="标题", body="正文")
    assert not Publication.objects.exists()


def test_get_on_publish_is_405(world, login, done):
    assert login(world.office_a).get(publish_url(done)).status_code == 405


# ---- the leader summary -------------------------------------------------------------------------------------------

def test_computed_summary_has_three_to_five_lines(world, done):
    lines = selectors.computed_summary(done).splitlines()
    assert 3 <= len(lines) <= 5
    assert lines[0] == "覆盖：检查对象 5 所，已检查 3 所（完成率 60.0%）。"
    assert lines[1].startswith("问题最多的检查项：消防通道畅通，无杂物堆放（1 所）")
    assert lines[2] == "一票否决：1 所学校一票否决项不合格（甲区第一小学）。"
    assert lines[3] == "问题处理：不合格项 3 个，现场整改到位 1 个，转入整改通知 2 个，目前仍待整改 2 个。"


def test_summary_of_a_round_with_no_answers(world):
    empty = make_round(world)
    assert selectors.computed_summary(empty) == "覆盖：检查对象 5 所，已检查 0 所（完成率 0.0%）。\n尚无检查记录。"


def test_office_saves_the_summary_and_empty_restores_the_computed_one(world, login, done):
    client = login(world.office_a)
    response = client.post(summary_url(done), {"summary": "节前检查总体良好。\n一所学校消防通道问题已当场整改。"})
    assert response.status_code == 302
    done.refresh_from_db()
    assert done.summary == "节前检查总体良好。\n一所学校消防通道问题已当场整改。"
    panel = outputs_panel(_request(world.leader_a), done)
    assert panel["outputs_summary"] == done.summary and not panel["outputs_summary_computed"]
    client.post(summary_url(done), {"summary": "   "})
    done.refresh_from_db()
    assert done.summary == ""
    panel = outputs_panel(_request(world.leader_a), done)
    assert panel["outputs_summary_computed"] and panel["outputs_summary"].startswith("覆盖：")
    assert AuditLog.objects.filter(action="checks.summary_save").count() == 2


def test_summary_strips_nul(world, done):
    assert summary_save(actor=world.office_a, round=done, text="摘\x00要").summary == "摘要"


def test_next_only_goes_back_to_the_round_page(world, login, done):
    client = login(world.office_a)
    back = reverse("checks:round_detail", args=[done.pk])
    assert client.post(summary_url(done), {"summary": "a", "next": back})["Location"] == back
    assert client.post(summary_url(done), {"summary": "a", "next": "https://evil.example/"})["Location"] == draft_url(done)


def test_too_long_summary_is_refused_and_kept(world, login, done):
    text = "长" * 2001
    response = login(world.office_a).post(summary_url(done), {"summary": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "领导摘要不能超过 2000 字" in html and text in html
    done.refresh_from_db()
    assert done.summary == ""


@pytest.mark.parametrize("who", ["leader_a", "office_b", "inspector_a"])
def test_summary_save_is_office_only(world, login, done, who):
    assert login(getattr(world, who)).post(summary_url(done), {"summary": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        summary_save(actor=getattr(world, who), round=done, text="x")


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_panel_is_empty_for_people_outside_the_office_and_leaders(world, done):
    assert outputs_panel(_request(world.inspector_a), done) == {}
    assert outputs_panel(_request(world.office_b), done) == {}
    panel = outputs_panel(_request(world.office_a), done)
    assert panel["outputs_can_edit"] and panel["outputs_refusal"] == ""
    assert not outputs_panel(_request(world.leader_a), done)["outputs_can_edit"]
