"""The demo's 工作要点: last year's and this year's plans of 示范区, published, this year's with six sections and forty
tasks, some linked to the demo's objects, some late; a second load adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.demo.planning import load_plans
from dudao.planning.models import Plan, TaskLink
from dudao.planning.selectors.plans import plan_tree
from tests.demo_snapshot import restore


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("plans-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_plans(demo, db):
    today = timezone.localdate()
    this = Plan.objects.get(region__name="示范区", year=today.year)
    last = Plan.objects.get(region__name="示范区", year=today.year - 1)
    assert this.status == last.status == "published"
    assert this.number == f"示范区督〔{today.year}〕1号"
    assert this.sections.count() == 6 and this.tasks.count() == 40
    kinds = set(TaskLink.objects.filter(task__plan=this).values_list("kind", flat=True))
    assert kinds == {"inspections.inspection", "surveys.round", "monitoring.campaign", "quality.round"}
    tree = plan_tree(this, today)
    assert tree.completion["done"] >= 15 and tree.completion["late"] >= 1
    assert all(r.target is not None for s in tree.sections for t in s.tasks for r in t.links)
    old = plan_tree(last, today).completion
    assert old["done"] + old["dropped"] == 40 and old["percent"] == 100


def test_loading_twice_adds_nothing(demo, db):
    before = Plan.objects.count()
    load_plans(office_user=get_user_model().objects.get(username="demo_office"), county=Plan.objects.first().region)
    assert Plan.objects.count() == before
