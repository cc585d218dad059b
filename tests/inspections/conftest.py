"""Shared fixtures for the inspection tests: a frozen 挂牌督导 framework in a project, an expert account, and
helpers that prepare targets and move the workflow."""

import datetime

import pytest

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.frameworks import services as frameworks
from dudao.inspections import services
from tests.conftest import PASSWORD

# The 挂牌督导 template: one area, 8 check points A1.1…A1.8 graded A/B/C/D (A=10, B=8, C=6, D=0).
LEAVES = [f"A1.{i}" for i in range(1, 9)]


@pytest.fixture
def expert_user(world):
    user = user_create(actor=world.admin, username="expert_x", full_name="王专家", password=PASSWORD)
    role_assign(actor=world.admin, user=user, role=Role.EXPERT)
    return user


@pytest.fixture
def project(world):
    framework = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    framework = frameworks.framework_freeze(actor=world.office_a, framework=framework)
    return services.inspection_create(actor=world.office_a, county=world.county_a, name="甲区2026年专项督导",
                                      kind="special", framework=framework, year=2026,
                                      starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31))


def go(world, project, *stages, note=""):
    for stage in stages:
        project = services.inspection_advance(actor=world.office_a, inspection=project, to=stage, note=note)
    return project


def ready(world, project, expert_user):
    """Targets 甲区第一、第二小学 with the inspector as leader and the expert scoring, 文号 set."""
    targets = services.targets_add(actor=world.office_a, inspection=project, schools=world.schools_a[:2])
    for target in targets:
        services.team_assign(actor=world.office_a, target=target, user=world.inspector_a, role="leader")
        services.team_assign(actor=world.office_a, target=target, user=expert_user, role="expert")
    services.notice_number_set(actor=world.office_a, inspection=project, number="甲督〔2026〕7号")
    return targets
