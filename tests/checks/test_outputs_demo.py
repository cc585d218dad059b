"""The outputs demo step: summary saved and 通报 published for the finished 节前安全稳定 round, once; nothing when the
round is missing, still a draft or has no answers."""

from dudao.checks.models import CheckRound, RoundStatus
from dudao.demo.checks import outputs as demo
from dudao.rectification.models import Publication, PublicationKind
from tests.checks.outputs_data import finished_round, make_round


def load(world):
    demo.load(admin=world.admin, office_user=world.office_a, county=world.county_a)


def test_publishes_once_for_the_finished_round(world):
    done = finished_round(world)
    load(world)
    load(world)
    done.refresh_from_db()
    assert done.summary.startswith("覆盖：检查对象 5 所") and done.bulletin.kind == PublicationKind.BULLETIN
    assert done.bulletin.title == "关于2026年岁末年初节前安全稳定专项检查情况的通报"
    assert Publication.objects.count() == 1


def test_does_nothing_without_a_round_or_answers(world):
    load(world)
    empty = make_round(world)
    load(world)
    CheckRound.objects.filter(pk=empty.pk).update(status=RoundStatus.DRAFT)
    load(world)
    assert not Publication.objects.exists() and CheckRound.objects.get(pk=empty.pk).summary == ""
