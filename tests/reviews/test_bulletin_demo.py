"""The demo's 公报: last year's published (figures from the demo data, some typed over, one manual line, dated in
spring, on the public page and feed), this year's draft; a second load adds nothing; computed values equal the
year figures the 年度工作总结 reads."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from dudao.demo.reviews import bulletin as demo_bulletin
from dudao.planning.services.summary import collect_figures
from dudao.rectification.selectors import public_publications
from dudao.regions.models import Region
from dudao.reviews.bulletin_text import number_text
from dudao.reviews.models import Bulletin, BulletinField, BulletinStatus
from dudao.reviews.services.bulletin import field_name
from tests.demo_snapshot import restore

COUNTY = "990102"


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_last_year_published_and_this_year_draft(demo, db):
    year = timezone.localdate().year
    last = Bulletin.objects.get(region_id=COUNTY, year=year - 1)
    assert last.status == BulletinStatus.PUBLISHED and last.number.endswith(f"〔{year - 1}〕1号")
    assert timezone.localtime(last.published_at).date() <= min(datetime.date(year, 3, 20), timezone.localdate())
    assert "{{" not in last.published_body and "六、下一步工作" in last.published_body
    edited = BulletinField.objects.filter(bulletin=last, edited=True)
    assert {"在校生数", "整改率"} <= set(edited.values_list("key", flat=True))
    assert BulletinField.objects.filter(bulletin=last, manual=True, key="教育经费投入", value="18.6").exists()
    item = public_publications(kind="communique").get(pk=last.publication_id)
    assert item.published_at == last.published_at
    current = Bulletin.objects.get(region_id=COUNTY, year=year)
    assert current.status == BulletinStatus.DRAFT and current.fields.count() > 30


def test_computed_values_are_the_year_figures(demo, db):
    last = Bulletin.objects.get(region_id=COUNTY, year=timezone.localdate().year - 1)
    figures = collect_figures(COUNTY, datetime.date(last.year, 1, 1), datetime.date(last.year, 12, 31))
    lines = {f.key: f for f in last.fields.all()}
    assert figures
    for figure in figures:
        line = lines[field_name(figure["key"])]
        assert line.computed == number_text(figure["value"]), figure["key"]
        assert line.source.startswith(figure["source"][:40]), figure["key"]
    assert int(lines["发现问题数"].computed) > 0 and int(lines["学校数"].computed) > 0


def test_loading_again_adds_nothing(demo, db):
    office = get_user_model().objects.get(username="demo_office")
    before = (Bulletin.objects.count(), BulletinField.objects.count(), public_publications().count())
    demo_bulletin.load(admin=None, office_user=office, county=Region.objects.get(code=COUNTY))
    assert (Bulletin.objects.count(), BulletinField.objects.count(), public_publications().count()) == before
