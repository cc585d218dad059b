"""The demo's committee: 示范区人民政府教育督导委员会 with its 工作规程, 15 members (13 departments, 区教育委员会 主任单位, and two towns; 区委组织部
and 区委宣传部 made with stable codes), 3–5 duties each linked to check points of its 督政 frameworks (one check point
left uncovered), the demo accounts' views of it. Loading again adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dudao.demo.reviews import committee as demo_committee
from dudao.regions.models import GovUnit, Region
from dudao.reviews.models import Committee, CommitteeMember, MemberDuty
from dudao.reviews.selectors import committee as selectors
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("committee-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_committee(demo, db):
    committee = Committee.objects.get(region_id="990102")
    assert committee.name == "示范区人民政府教育督导委员会" and "第一章　总则" in committee.rules
    members = list(committee.members.select_related("unit"))
    assert len(members) == 15 and members[0].unit.name == "示范区教育委员会" and members[0].role == "chair"
    assert {m.unit.code for m in members} >= {"U990102C01", "U990102C02", "U990102D04"}
    assert GovUnit.objects.get(code="U990102C01").name == "示范区委组织部"
    for member in members:
        assert 3 <= member.duties.count() <= 5
    framework = selectors.pick_framework(committee)
    result = selectors.committee_coverage(committee, framework)
    assert len(result.rows) == 19 and [p.code for p in result.uncovered] == ["A5B1.3"]
    town_duties = MemberDuty.objects.filter(member__unit__name__endswith="南湖镇人民政府")
    assert town_duties.exclude(framework=None).exists() and all(d.framework.template_code == "town"
                                                                for d in town_duties if d.framework)


def test_the_demo_accounts_see_it(demo, db):
    office, bureau, unit = (Client() for _ in range(3))
    office.force_login(User.objects.get(username="demo_office"))
    bureau.force_login(User.objects.get(username="demo_bureau"))
    unit.force_login(User.objects.get(username="demo_unit"))
    page = office.get("/reviews/committee/").content.decode()
    assert "示范区委组织部" in page and "年第一次全体会议" in page  # the planning demo's committee meeting
    assert "统筹全区教育事业发展规划" in bureau.get("/reviews/committee/mine/").content.decode()
    assert "落实义务教育控辍保学" in unit.get("/reviews/committee/mine/").content.decode()


def test_loading_again_adds_nothing(demo, db):
    before = (Committee.objects.count(), CommitteeMember.objects.count(), MemberDuty.objects.count(),
              GovUnit.objects.count())
    demo_committee.load(admin=User.objects.get(username="demo_admin"), office_user=User.objects.get(
        username="demo_office"), county=Region.objects.get(code="990102"))
    assert (Committee.objects.count(), CommitteeMember.objects.count(), MemberDuty.objects.count(),
            GovUnit.objects.count()) == before
