"""Personas (DESIGN.md §7): district A's office, inspector, principal, town government and leader;
district B's office user who must see nothing of A; an administrator; an expert with no objects yet."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.regions.models import GovUnit, Region
from dudao.schools.models import School
from tests.demo_snapshot import demo_snapshot  # noqa: F401 -- the fixture, for every test module

User = get_user_model()
PASSWORD = "Test-pass-2026"


@dataclass
class World:
    admin: object
    office_a: object
    inspector_a: object
    principal_a: object
    town_a: object
    leader_a: object
    expert: object
    office_b: object
    county_a: Region
    county_b: Region
    schools_a: list
    schools_b: list
    unit_a: GovUnit
    unit_b: GovUnit


def _region(code, name, level, parent=None):
    return Region.objects.create(code=code, name=name, level=level, parent=parent)


def _school(code, name, town, school_type="primary", **extra):
    defaults = dict(ownership="public", urban_rural="urban", students_primary=300, classes_primary=8)
    if school_type != "primary":
        defaults.update(students_primary=0, classes_primary=0)
    defaults.update(extra)
    return School.objects.create(code=code, name=name, school_type=school_type, region=town, **defaults)


@pytest.fixture
def world(db) -> World:
    province = _region("990000", "示范省", "province")
    city = _region("990100", "示范市", "city", province)
    county_a = _region("990102", "甲区", "county", city)
    county_b = _region("990103", "乙县", "county", city)
    town_a1 = _region("990102001", "甲一街道", "town", county_a)
    town_a2 = _region("990102002", "甲二镇", "town", county_a)
    town_b = _region("990103001", "乙一镇", "town", county_b)
    unit_a = GovUnit.objects.create(code="UA01", name="甲二镇人民政府", kind="town_gov", region=town_a2)
    unit_b = GovUnit.objects.create(code="UB01", name="乙一镇人民政府", kind="town_gov", region=town_b)
    schools_a = [
        _school("1990102001", "甲区第一小学", town_a1),
        _school("1990102002", "甲区第二小学", town_a1),
        _school("1990102003", "甲区九年一贯制学校", town_a2, "nine_year", students_primary=400, students_junior=300),
        _school("1990102004", "甲区中心幼儿园", town_a2, "kindergarten", students_preschool=200, is_puhui=True),
        _school("1990102005", "甲区第一中学", town_a1, "junior", students_junior=800),
    ]
    schools_b = [_school("1990103001", "乙县第一小学", town_b), _school("1990103002", "乙县实验中学", town_b, "junior")]
    admin = User.objects.create_superuser("admin", password=PASSWORD)

    def person(username, role, **target):
        user = user_create(actor=admin, username=username, full_name=username, password=PASSWORD)
        for school in target.pop("schools", []):
            role_assign(actor=admin, user=user, role=role, school=school)
        if target or role == Role.EXPERT:
            role_assign(actor=admin, user=user, role=role, **target)
        return user

    return World(
        admin=admin,
        office_a=person("office_a", Role.OFFICE, region=county_a),
        inspector_a=person("inspector_a", Role.INSPECTOR, schools=schools_a[:3]),
        principal_a=person("principal_a", Role.SCHOOL, school=schools_a[0]),
        town_a=person("town_a", Role.UNIT, unit=unit_a),
        leader_a=person("leader_a", Role.LEADER, region=county_a),
        expert=person("expert", Role.EXPERT),
        office_b=person("office_b", Role.OFFICE, region=county_b),
        county_a=county_a, county_b=county_b, schools_a=schools_a, schools_b=schools_b, unit_a=unit_a, unit_b=unit_b,
    )


@pytest.fixture
def login(client):
    """login(user) → a test client with that user's session."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def run_tasks(db):
    """Run every queued background task in this process, as `manage.py db_worker --batch` would (the tests use
    the database backend, like production); returns how many ran."""
    from unittest import mock

    from django_tasks_db.management.commands.db_worker import Worker

    def run() -> int:
        worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                        max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
        # The worker closes connections between tasks; inside the test's transaction that would end it.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
            worker.run()
        return worker._run_tasks

    return run
@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """The per-process "local" cache (public survey links, the ledger's 类别 list) starts empty in every test:
    ids are reused after a rollback, so a key made of ids could otherwise match another test's entry."""
    from django.core.cache import caches

    caches["local"].clear()
    yield
