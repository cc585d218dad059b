"""自评报告: the draft from the accepted statements in indicator order; an edited text never overwritten without
confirmation; a concurrent edit refused; the word check on the page; the .docx (sandboxed: template tags and XML in
the text stay text), marked when over the limit; scope."""

import io

import pytest
import time_machine
from docx import Document

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.reviews.selectors.outputs import text_version
from dudao.reviews.services import outputs as services
from tests.reviews.outputs_fixtures import make_review, outputs_media, review_with_evidence  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_the_draft_follows_the_indicators_with_accepted_statements_only(world):
    review = review_with_evidence(world)
    services.report_draft(actor=world.office_a, review=review)
    review.refresh_from_db()
    text = review.report_text
    lines = [line for line in text.splitlines() if line]
    assert lines[0] == "甲区示范市2026年对甲区人民政府履行教育职责评价自评报告"
    heads = [line for line in lines if line[:2] in ("1 ", "1.", "2 ", "2.")]
    assert [h.split(" ")[0] for h in heads] == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    assert "自评得分：28 / 30；已采纳佐证材料 3 份。" in text
    assert "自评得分：25.5 / 30；已采纳佐证材料 1 份。" in text
    assert "（甲二镇人民政府）甲二镇按时足额拨付教育经费。" in text and "（甲区财政局）教师培训经费占公用经费 5%。" in text
    assert "旧版" not in text  # the returned version is not in


def test_an_edited_text_is_not_overwritten_without_confirmation(world):
    review = review_with_evidence(world)
    services.report_save(actor=world.office_a, review=review, text="一、已改好的正文", base=text_version(""))
    with pytest.raises(ApplicationError, match="覆盖现有正文"):
        services.report_draft(actor=world.office_a, review=review)
    review.refresh_from_db()
    assert review.report_text == "一、已改好的正文"
    services.report_draft(actor=world.office_a, review=review, overwrite=True)
    review.refresh_from_db()
    assert review.report_text.startswith("甲区")


def test_a_save_over_someone_elses_save_is_refused(world):
    review = make_review(world)
    services.report_save(actor=world.office_a, review=review, text="第一稿", base=text_version(""))
    with pytest.raises(ApplicationError, match="已被他人修改"):
        services.report_save(actor=world.office_a, review=review, text="我的稿", base=text_version(""))
    services.report_save(actor=world.office_a, review=review, text="第二稿", base=text_version("第一稿"))
    with pytest.raises(ApplicationError, match="过长"):
        services.report_save(actor=world.office_a, review=review, text="字" * (services.REPORT_MAX + 1))
    for actor in (world.office_b, world.leader_a, world.town_a):
        with pytest.raises(PermissionDenied):
            services.report_save(actor=actor, review=review, text="x")


def test_the_page_shows_the_count_and_the_longest_sections_over_the_limit(world, login):
    review = make_review(world, word_limit=20)
    review.report_text = "一、甲\n" + "字" * 30 + "\n二、乙\n" + "字" * 5
    review.save()
    page = login(world.office_a).get(f"/reviews/{review.pk}/report/").content.decode()
    assert "超出 21 字" in page and "一、甲（第 1 行起，33 字）" in page
    assert login(world.leader_a).get(f"/reviews/{review.pk}/report/").status_code == 200
    for user in (world.office_b, world.town_a, world.principal_a):
        assert login(user).get(f"/reviews/{review.pk}/report/").status_code == 404


@pytest.mark.parametrize("clock", ["2026-06-01 00:30", "2026-06-01 23:30"])
def test_the_docx_keeps_hostile_text_as_text_and_marks_an_over_limit_download(world, login, clock):
    review = make_review(world, word_limit=10)
    review.report_text = ("一、{{ 7*7 }} {% for x in range(3) %}x{% endfor %}\n"
                          "<w:p>&amp; ]]> {{ ''.__class__ }}\n" + "字" * 20)
    review.save()
    with time_machine.travel(f"{clock} +0800", tick=False):
        response = login(world.office_a).get(f"/reviews/{review.pk}/report/docx/")
    assert response.status_code == 200
    assert "%E8%B6%85%E5%87%BA%E5%AD%97%E6%95%B0" in response["Content-Disposition"]  # 超出字数 in the file name
    text = docx_text(response.content)
    assert "{{ 7*7 }}" in text and "49" not in text and "{% for x in range(3) %}" in text
    assert "<w:p>&amp; ]]>" in text and "{{ ''.__class__ }}" in text
    assert "超出字数上限 10 字" in text and "2026年6月1日" in text


def test_a_report_within_the_limit_downloads_unmarked(world, login):
    review = make_review(world, word_limit=5000)
    services.report_save(actor=world.office_a, review=review, text="一、基本情况\n很好。")
    response = login(world.leader_a).get(f"/reviews/{review.pk}/report/docx/")
    assert response.status_code == 200 and "%E8%B6%85" not in response["Content-Disposition"]
    assert "超出" not in docx_text(response.content)


def test_the_views_are_one_action_each_and_post_only(world, login):
    review = review_with_evidence(world)
    client = login(world.office_a)
    assert client.get(f"/reviews/{review.pk}/report/draft/").status_code == 405
    assert client.post(f"/reviews/{review.pk}/report/draft/").status_code == 302
    response = client.post(f"/reviews/{review.pk}/report/save/", {"text": "新正文", "base": "过期的"}, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert login(world.office_b).post(f"/reviews/{review.pk}/report/save/", {"text": "x"}).status_code == 404
