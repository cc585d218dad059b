"""The demo's targets part (dudao/demo/reviews/targets.py): the 强校工程 project of four schools, the group and
project as inspection targets, and last year's 教管中心 annual assessment ranked with levels by quota."""

import pytest
from django.utils import timezone

from dudao.inspections import annual
from dudao.inspections.models import Inspection, InspectionStage
from dudao.schools.models import Project
from tests.demo_snapshot import restore


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_project_the_targets_and_the_annual_assessment(demo, db, client):
    project = Project.objects.get(name="示范区强校工程（城乡结对）")
    roles = sorted(project.members.values_list("role", flat=True))
    assert roles == ["trusted", "trusted", "trusted", "trustee"] and project.contact.username == "demo_school"
    kinds = sorted(t.kind for t in Inspection.objects.get(name__contains="集团化办学").targets.all())
    assert kinds == ["group", "project"]
    year = timezone.localdate().year - 1
    assessment = Inspection.objects.get(name=f"示范区{year}年度教管中心和直属学校综合目标考核")
    assert assessment.kind == "annual" and assessment.stage == InspectionStage.FEEDBACK
    targets = list(assessment.targets.all())
    assert any(t.kind == "centre" for t in targets) and len(targets) >= 8
    ranking = annual.annual_ranking(assessment)
    assert not ranking["errors"] and all(r["current"] == r["proposed"] for r in ranking["rows"])
    n = sum(1 for t in targets if t.score is not None)
    levels = [t.level for t in targets]
    assert levels.count("优秀") <= int(0.3 * n) and levels.count("良好") <= int(0.4 * n)
    assert {"优秀", "良好", "合格"} <= set(levels)
    client.login(username="demo_office", password=demo["demo_office"])
    assert client.get(f"/inspections/{assessment.pk}/ranking/").status_code == 200
    assert client.get(f"/reviews/projects/{project.pk}/").status_code == 200
