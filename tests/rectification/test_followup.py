"""回头看 (a repeatable random sample; failures reopen) and 结果公开 (explicit publishing, public page, Atom feed)."""

import datetime
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.rectification import followup
from dudao.rectification.models import Finding, Publication, RecheckItem
from dudao.rectification.services import finding_raise
from tests.rectification.conftest import on_the_day

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _on_today():
    with on_the_day(TODAY):
        yield


@pytest.fixture
def closed(world):
    now = timezone.now()
    items = []
    for k in range(12):
        f = finding_raise(actor=world.office_a, source="manual", school=world.schools_a[k % 3], description=f"问题{k}")
        Finding.objects.filter(pk=f.pk).update(status="closed", closed_at=now - datetime.timedelta(days=k))
        items.append(f)
    return items


def test_the_sample_is_repeatable_from_its_seed(world, closed):
    first = followup.recheck_draw(actor=world.office_a, region_code=world.county_a.code, size=5, seed=42,
                                  closed_from=TODAY - datetime.timedelta(days=30), closed_to=TODAY)
    again = followup.recheck_draw(actor=world.office_a, region_code=world.county_a.code, size=5, seed=42,
                                  closed_from=TODAY - datetime.timedelta(days=30), closed_to=TODAY)
    picked = sorted(first.items.values_list("finding_id", flat=True))
    assert picked == sorted(again.items.values_list("finding_id", flat=True)) and len(picked) == 5
    assert first.population == 12 and first.population_digest == again.population_digest
    ids = followup.population_ids(region_code=world.county_a.code, closed_from=first.closed_from, closed_to=first.closed_to)
    assert followup.draw(ids, 5, 42) == picked  # anyone can redraw it
    other = followup.recheck_draw(actor=world.office_a, region_code=world.county_a.code, size=5,
                                  closed_from=TODAY - datetime.timedelta(days=30), closed_to=TODAY)
    assert other.seed is not None and AuditLog.objects.filter(action="recheck.draw").count() == 3


def test_a_failed_recheck_reopens_the_finding(world, closed, login):
    round_ = followup.recheck_draw(actor=world.office_a, region_code=world.county_a.code, size=2, seed=7,
                                   closed_from=TODAY - datetime.timedelta(days=30), closed_to=TODAY)
    bad, good = round_.items.all()
    with pytest.raises(ApplicationError, match="写明"):
        followup.recheck_record(actor=world.office_a, item=bad, passed=False)
    followup.recheck_record(actor=world.office_a, item=good, passed=True)
    client = login(world.office_a)
    client.post(f"/rectification/rechecks/{round_.pk}/items/{bad.pk}/", {"passed": "0", "note": "留样柜已停用。"})
    finding = Finding.objects.get(pk=bad.finding_id)
    assert finding.status == "open" and finding.closed_at is None and finding.due_date > TODAY
    assert Finding.objects.get(pk=good.finding_id).status == "closed"
    timeline = client.get(f"/rectification/findings/{finding.pk}/").content.decode()
    assert "抽中回头看" in timeline and "复查未通过" in timeline and "留样柜已停用" in timeline
    with pytest.raises(ApplicationError, match="已记录"):
        followup.recheck_record(actor=world.office_a, item=RecheckItem.objects.get(pk=bad.pk), passed=True)


def test_bad_draws_are_refused(world, closed):
    with pytest.raises(ApplicationError, match="没有已整改办结的问题"):
        followup.recheck_draw(actor=world.office_a, region_code=world.county_a.code, size=5,
                              closed_from=TODAY - datetime.timedelta(days=400), closed_to=TODAY - datetime.timedelta(days=300))
    with pytest.raises(PermissionDenied):
        followup.recheck_draw(actor=world.office_b, region_code=world.county_a.code, size=5,
                              closed_from=TODAY - datetime.timedelta(days=30), closed_to=TODAY)
    with pytest.raises(ApplicationError, match="1 到 500"):
        followup.recheck_draw(actor=world.office_a, region_code=world.county_a.code, size=0,
                              closed_from=TODAY - datetime.timedelta(days=30), closed_to=TODAY)


def test_publishing_reaches_the_public_page_and_feed(world, ledger, client, login):
    office = login(world.office_a)
    draft = office.get("/rectification/publications/?draft=rectification").content.decode()
    assert "整改率" in draft
    office.post("/rectification/publications/", {"kind": "rectification", "region": world.county_a.code,
                                                 "title": "甲区督导问题整改情况", "body": "问题 2 个，已整改 0 个。"})
    item = Publication.objects.get()
    assert AuditLog.objects.filter(action="publication.publish", object_id=str(item.pk)).exists()
    client.logout()
    assert "甲区督导问题整改情况" in client.get("/public/results/").content.decode()
    assert "问题 2 个" in client.get(f"/public/results/{item.pk}/").content.decode()
    feed = client.get("/public/results/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml") and "甲区督导问题整改情况" in feed.content.decode()
    summary = ElementTree.fromstring(feed.content).find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    assert summary.get("type") == "text" and summary.text == "问题 2 个，已整改 0 个。"
    followup.publication_withdraw(actor=world.office_a, item=item, reason="数据有误，更正后重新发布。")
    assert "甲区督导问题整改情况" not in client.get("/public/results/").content.decode()
    assert client.get(f"/public/results/{item.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        followup.publication_publish(actor=world.principal_a, kind="bulletin", region_code=world.county_a.code,
                                     title="x", body="y")


def test_the_feed_sends_office_text_as_plain_text(world, client):
    followup.publication_publish(actor=world.office_a, kind="bulletin", region_code=world.county_a.code,
                                 title="通报", body='<img src=x onerror="alert(1)"><b>整改</b>到位 & 按期')
    root = ElementTree.fromstring(client.get("/public/results/feed.atom").content)
    summary = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    assert summary.get("type") == "text"
    assert summary.text == "整改到位 & 按期"
