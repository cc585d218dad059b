"""述职评议 pages: the public rating sheet behind a key (reissue, closed session, recusal, rate limits, no other
rater's scores), scope (another county, unit users), XSS in names and formula injection in the export."""

import io
import zipfile

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dudao.core.models import Policy
from dudao.reviews.models import Rating
from dudao.reviews.services import rating as services
from tests.reviews.rating_fixtures import all_scores, fresh, rating_fixture, reporter_of  # noqa: F401 -- fixture


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _sheet(key):
    return reverse("reviews:rate_sheet", args=[key])


def _save(client, key, reporter, scores):
    data = {"reporter": reporter.pk} | {f"s_{k}": v for k, v in scores.items()}
    return client.post(reverse("reviews:rate_save", args=[key]), data, HTTP_X_REQUESTED_WITH="fetch")


def test_sheet_saves_and_reissue_invalidates_old_link(world, rating):
    services.session_open(actor=world.office_a, session=rating.session)
    public = Client()
    rater = rating.raters[1]
    page = public.get(_sheet(rater.key))
    assert page.status_code == 200 and "提交全部评分" in page.content.decode()
    reporter = reporter_of(rating.session, rating.units[1])
    response = _save(public, rater.key, reporter, all_scores(rating.session, 7))
    assert response.status_code == 200 and response.json()["ok"] and "已保存" in response.json()["message"]
    old = rater.key
    services.rater_reissue(actor=world.office_a, rater=rater)
    assert public.get(_sheet(old)).status_code == 404
    assert _save(public, old, reporter, all_scores(rating.session, 1)).status_code == 404
    assert public.get(_sheet(fresh(rater).key)).status_code == 200
    assert Rating.objects.get(rater=rater).scores[rating.leaves[0]] == "7"


def test_recused_unit_not_shown_and_post_refused(world, rating):
    services.session_open(actor=world.office_a, session=rating.session)
    rater = rating.raters[0]  # of unit_a
    html = Client().get(_sheet(rater.key)).content.decode()
    assert f'id="r{reporter_of(rating.session, world.unit_a).pk}"' not in html
    assert "按回避规定不评议本单位" in html
    response = _save(Client(), rater.key, reporter_of(rating.session, world.unit_a), all_scores(rating.session, 9))
    assert response.status_code == 400 and response.json()["message"] == "不能评议本单位。"
    assert not Rating.objects.exists()


def test_closed_session_sheet_is_read_only_and_refuses(world, rating):
    rater = rating.raters[1]
    html = Client().get(_sheet(rater.key)).content.decode()
    assert "尚未开始" in html and "提交全部评分" not in html
    response = _save(Client(), rater.key, reporter_of(rating.session, rating.units[1]), all_scores(rating.session, 9))
    assert response.status_code == 400 and "不在评议期间" in response.json()["message"]


def test_sheet_never_shows_other_raters_scores(world, rating):
    services.session_open(actor=world.office_a, session=rating.session)
    reporter = reporter_of(rating.session, rating.units[1])
    services.rating_save(rater=rating.raters[2], reporter=reporter, scores={rating.leaves[0]: "3"})
    html = Client().get(_sheet(rating.raters[1].key)).content.decode()
    assert " checked" not in html  # rater 2 saved nothing: rater 3's 3 points show nowhere
    assert "平均" not in html.replace("评分自动保存", "")


def test_bad_key_guessing_is_limited(world, rating):
    Policy.objects.create(key="reviews.rating_bad_keys_per_hour", region_code="", value=3)
    services.session_open(actor=world.office_a, session=rating.session)
    public = Client(REMOTE_ADDR="198.51.100.9")
    for i in range(3):
        assert public.get(_sheet(f"guess-{i:020d}")).status_code == 404
    assert public.get(_sheet("x" * 32)).status_code == 429
    assert public.get(_sheet(rating.raters[1].key)).status_code == 429  # the address is paused for the hour
    assert Client(REMOTE_ADDR="198.51.100.10").get(_sheet(rating.raters[1].key)).status_code == 200


def test_request_rate_limit(world, rating):
    Policy.objects.create(key="reviews.rating_requests_per_hour", region_code="", value=2)
    services.session_open(actor=world.office_a, session=rating.session)
    public = Client(REMOTE_ADDR="198.51.100.11")
    assert public.get(_sheet(rating.raters[1].key)).status_code == 200
    assert public.get(_sheet(rating.raters[1].key)).status_code == 200
    assert public.get(_sheet(rating.raters[1].key)).status_code == 429


def test_post_needs_csrf(world, rating):
    services.session_open(actor=world.office_a, session=rating.session)
    client = Client(enforce_csrf_checks=True)
    response = _save(client, rating.raters[1].key, reporter_of(rating.session, rating.units[1]),
                     all_scores(rating.session, 5))
    assert response.status_code == 403


def test_scope_other_county_and_units(world, rating, login):
    session = rating.session
    client = login(world.office_b)
    for name in ("session_detail", "session_results", "session_links", "session_findings"):
        assert client.get(reverse(f"reviews:{name}", args=[session.pk])).status_code == 404
    assert client.post(reverse("reviews:session_open", args=[session.pk])).status_code == 404
    client = login(world.town_a)
    assert client.get(reverse("reviews:session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("reviews:session_list")).status_code == 302
    mine = client.get(reverse("reviews:session_mine")).content.decode()
    assert world.unit_a.name in mine and rating.units[1].name not in mine
    other = reporter_of(session, rating.units[1])
    assert client.post(reverse("reviews:reporter_report", args=[other.pk])).status_code == 404
    assert login(world.leader_a).get(reverse("reviews:session_detail", args=[session.pk])).status_code == 200
    assert login(world.leader_a).get(reverse("reviews:session_links", args=[session.pk])).status_code == 404


def test_xss_in_names_is_escaped(world, rating, login):
    evil = '<script>alert(1)</script>'
    rater = services.rater_add(actor=world.office_a, session=rating.session, name=evil, kind="other")
    client = login(world.office_a)
    for url in (reverse("reviews:session_detail", args=[rating.session.pk]),
                reverse("reviews:session_links", args=[rating.session.pk])):
        html = client.get(url).content.decode()
        assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    services.session_open(actor=world.office_a, session=rating.session)
    html = Client().get(_sheet(rater.key)).content.decode()
    assert evil not in html


def test_export_writes_no_formulas(world, rating, login):
    rating.units[1].name = '=HYPERLINK("http://evil.example","点我")'
    rating.units[1].save()
    services.session_open(actor=world.office_a, session=rating.session)
    for rater in rating.raters:
        for reporter in rating.session.reporters.all():
            if reporter.unit_id != rater.unit_id:
                services.rating_save(rater=rater, reporter=reporter, scores=all_scores(rating.session, 8))
        services.rating_submit(rater=fresh(rater))
    services.session_close(actor=world.office_a, session=rating.session)
    client = login(world.office_a)
    response = client.get(reverse("reviews:session_results", args=[rating.session.pk]) + "?export=xlsx")
    sheet = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    listing = client.get(reverse("reviews:session_list") + "?export=xlsx")
    assert listing.status_code == 200
    page = client.get(reverse("reviews:session_results", args=[rating.session.pk])).content.decode()
    assert "评议人1" not in page and "评议人2" not in page  # never a rater next to scores
    document = client.get(reverse("reviews:session_document", args=[rating.session.pk]))
    assert document.status_code == 200 and document.content[:2] == b"PK"


def test_office_pages_render(world, rating, login):
    client = login(world.office_a)
    assert client.get(reverse("reviews:session_list")).status_code == 200
    assert client.get(reverse("reviews:session_list") + "?year=2026&status=draft&q=乡镇").status_code == 200
    assert client.get(reverse("reviews:session_create")).status_code == 200
    assert client.get(reverse("reviews:session_edit", args=[rating.session.pk])).status_code == 200
    links = client.get(reverse("reviews:session_links", args=[rating.session.pk])).content.decode()
    assert "<svg" in links and rating.raters[1].key in links
    response = client.post(reverse("reviews:session_open", args=[rating.session.pk]))
    assert response.status_code == 302
    assert client.get(reverse("reviews:session_open", args=[rating.session.pk])).status_code == 405


def test_result_document_keeps_template_syntax_in_names_as_text(world, rating, login):
    import docx

    rating.units[2].name = "{{ 7*7 }}{% if true %}镇{% endif %}"
    rating.units[2].save()
    services.session_open(actor=world.office_a, session=rating.session)
    for rater in rating.raters:
        for reporter in rating.session.reporters.all():
            if reporter.unit_id != rater.unit_id:
                services.rating_save(rater=rater, reporter=reporter, scores=all_scores(rating.session, 6))
        services.rating_submit(rater=fresh(rater))
    services.session_close(actor=world.office_a, session=rating.session)
    response = login(world.office_a).get(reverse("reviews:session_document", args=[rating.session.pk]))
    document = docx.Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "{{ 7*7 }}{% if true %}镇{% endif %}" in cells and "49" not in cells
