"""A 述职评议 of district A (tests/conftest.py world): four towns' governments report, five raters score."""

import datetime
from dataclasses import dataclass

import pytest

from dudao.frameworks.services import framework_freeze, framework_from_template
from dudao.regions.models import GovUnit, Region
from dudao.reviews.models import Rater, RaterKind, RatingSession
from dudao.reviews.services import rating as services


@dataclass
class RatingWorld:
    session: RatingSession
    units: list
    raters: list
    leaves: list


def frozen_framework(world, region=None):
    framework = framework_from_template(actor=world.office_a, region=region or world.county_a, template_code="shuzhi")
    return framework_freeze(actor=world.office_a, framework=framework)


def make_session(world, *, title="2026年度乡镇述职评议", combine="trimmed", region=None, framework=None):
    return services.session_create(actor=world.office_a, region=region or world.county_a, title=title, year=2026,
                                   held_on=datetime.date(2026, 12, 18),
                                   framework=framework or frozen_framework(world), combine=combine)


def all_scores(session, value) -> dict:
    return {leaf.code: str(value) for leaf in services.scorable_leaves(session)}


@pytest.fixture(name="rating")
def rating_fixture(world) -> RatingWorld:
    town = Region.objects.get(code="990102001")
    units = [world.unit_a] + [GovUnit.objects.create(code=f"UA1{i}", name=f"甲区第{i}镇人民政府", kind="town_gov",
                                                     region=town) for i in range(1, 4)]
    session = make_session(world)
    services.reporters_add(actor=world.office_a, session=session, units=units)
    raters = [services.rater_add(actor=world.office_a, session=session, name=f"评议人{i}",
                                 kind=RaterKind.DEPUTY if i % 2 else RaterKind.MEMBER,
                                 unit=world.unit_a if i == 1 else None) for i in range(1, 6)]
    return RatingWorld(session, units, raters, [leaf.code for leaf in services.scorable_leaves(session)])


def reporter_of(session, unit):
    return session.reporters.get(unit=unit)


def fresh(rater) -> Rater:
    return Rater.objects.get(pk=rater.pk)
