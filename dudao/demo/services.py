"""Loading the demo district through the same services and import an office uses."""

import random
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create, user_set_password
from dudao.demo import generator
from dudao.demo.audits import load_audits
from dudao.demo.checks import load_checks
from dudao.demo.dashboard import load_dashboard
from dudao.demo.inspections import load_inspections
from dudao.demo.monitoring import load_monitoring
from dudao.demo.people_supervisors import load_school_supervisors
from dudao.demo.planning import load_planning
from dudao.demo.quality import load_quality
from dudao.demo.rectification import load_rectification
from dudao.demo.research import load_research
from dudao.demo.reviews import load_reviews
from dudao.demo.supervision import load_supervision
from dudao.demo.surveys import load_surveys
from dudao.demo.workforce import load_workforce
from dudao.regions.models import GovUnit, Region
from dudao.schools.imports import registry_import
from dudao.schools.models import EducationGroup, ManagementCentre, School
from dudao.schools.services import centre_create, group_save
from dudao.schools.templates_xlsx import write_registry_workbook
from dudao.zones.models import Assignment

User = get_user_model()

# username, full name, role; targets are filled in by demo_load.
DEMO_ACCOUNTS = [
    ("demo_admin", "系统管理员", Role.ADMIN),
    ("demo_office", "督导室 周主任", Role.OFFICE),
    ("demo_inspector", "李明", Role.INSPECTOR),  # the registered name of the demo's first 督学 (督学名录)
    ("demo_school", "校长 王校长", Role.SCHOOL),
    ("demo_unit", "南湖镇政府 张科长", Role.UNIT),
    ("demo_bureau", "区教育局 赵科长", Role.UNIT),
    ("demo_expert", "评估专家 陈教授", Role.EXPERT),
    ("demo_leader", "分管领导 刘局长", Role.LEADER),
    ("demo_training", "培训机构 孙校长", Role.SCHOOL),  # a training institution's user (年检, issue 23)
    ("demo_supervisor", "吴晓燕", Role.SCHOOL),  # 学校督导管理员 of demo_school's school (role given on appointment)
]


def _password(username: str) -> str:
    """A fresh random password that the site's password rules accept for this account: now and then a random
    one looks too much like the user name ("Dd-OeRMLha_hEr8" for demo_leader), and the load failed."""
    account = User(username=username)
    while True:
        candidate = "Dd-" + secrets.token_urlsafe(9)
        try:
            password_validation.validate_password(candidate, account)
        except ValidationError:
            continue
        return candidate


@transaction.atomic
def demo_load(*, seed: int = 2026) -> dict[str, str]:
    """Load (or refresh) 示范区 and reset the demo accounts' passwords; returns username → password."""
    rng = random.Random(seed)
    area = generator.demo_area()
    passwords = {username: _password(username) for username, _name, _role in DEMO_ACCOUNTS}
    admin = User.objects.filter(username="demo_admin").first()
    if admin is None:
        # The first administrator, as Django's createsuperuser would make it.
        admin = User.objects.create_superuser("demo_admin", password=passwords["demo_admin"], first_name="系统管理员")
    else:
        user_set_password(actor=admin, user=admin, password=passwords["demo_admin"])

    first = write_registry_workbook({
        "行政区划": generator.region_rows([area]),
        "政府单位": generator.unit_rows(area, rng),
    }, with_notes=False)
    registry_import(actor=admin, data=first, filename="示范区_区划与单位.xlsx")

    county = Region.objects.get(code=area.county_code)
    centre_code = f"C{area.county_code}01"
    if not ManagementCentre.objects.filter(code=centre_code).exists():
        centre_create(actor=admin, code=centre_code, name=f"{area.county_name}东部教管中心", region=county,
                      director=generator.person(rng), phone=generator.phone(rng))
    schools, campuses = generator.school_rows(
        area, rng, competent_unit=generator.education_authority_code(area), centre_code=centre_code, centre_towns=3)
    second = write_registry_workbook({"学校": schools, "校区": campuses}, with_notes=False)
    registry_import(actor=admin, data=second, filename="示范区_学校与校区.xlsx")

    in_county = School.objects.filter(region__code__startswith=area.county_code)
    primaries = list(in_county.filter(school_type="primary", ownership="public").order_by("code"))
    juniors = list(in_county.filter(school_type="junior").order_by("code"))
    group_save(actor=admin, code=f"G{area.county_code}01", name=f"{area.county_name}实验小学教育集团", kind="group",
               region=county, lead_school=primaries[0], members=primaries[:5])
    group_save(actor=admin, code=f"G{area.county_code}02", name=f"{area.county_name}城区初中学区", kind="district",
               region=county, lead_school=juniors[0], members=juniors[:4])

    targets = {
        "demo_office": {"region": county}, "demo_leader": {"region": county},
        "demo_unit": {"unit": GovUnit.objects.filter(region__name="南湖镇").first()},
        "demo_bureau": {"unit": GovUnit.objects.get(code=generator.education_authority_code(area))},
    }
    for username, full_name, role in DEMO_ACCOUNTS:
        if username == "demo_admin":
            if not admin.role_assignments.filter(role=Role.ADMIN).exists():
                role_assign(actor=admin, user=admin, role=Role.ADMIN)
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=admin, username=username, full_name=full_name, password=passwords[username])
        else:
            user_set_password(actor=admin, user=user, password=passwords[username])
        if user.role_assignments.exists():
            continue
        if role not in (Role.INSPECTOR, Role.SCHOOL):  # both follow the 挂牌 assignments made below
            role_assign(actor=admin, user=user, role=role, **targets.get(username, {}))
    inspector_user = User.objects.get(username="demo_inspector")
    load_supervision(admin=admin, rng=rng, county=county, inspector_user=inspector_user)
    school_user = User.objects.get(username="demo_school")
    if not school_user.role_assignments.exists():
        # The principal's school is the demo inspector's first one, so the two personas meet on the same visits.
        first = Assignment.objects.current().filter(inspector__user=inspector_user).order_by("school__code").first()
        role_assign(actor=admin, user=school_user, role=Role.SCHOOL, school=first.school)
    load_school_supervisors(office_user=User.objects.get(username="demo_office"), county=county)  # issue 24 (people)
    load_rectification(admin=admin, rng=rng, county=county, office_user=User.objects.get(username="demo_office"),
                       inspector_user=inspector_user, school_user=school_user)
    load_monitoring(admin=admin, rng=rng)
    load_surveys(office_user=User.objects.get(username="demo_office"), county=county, rng=rng)
    load_inspections(office_user=User.objects.get(username="demo_office"), inspector_user=inspector_user,
                     expert_user=User.objects.get(username="demo_expert"), school_user=school_user,
                     unit_user=User.objects.get(username="demo_unit"), county=county, rng=rng)
    load_quality(office_user=User.objects.get(username="demo_office"), county=county, school_user=school_user)
    # before planning and reviews: their year summary, archive and 公报 of last year count the checks' records
    # (last year's 年检 and its findings)
    load_checks(admin=admin, office_user=User.objects.get(username="demo_office"), county=county)
    # issue 24: before planning (its 行事历, year summary and archive read training events, calls and 内审)
    load_workforce(admin=admin, office_user=User.objects.get(username="demo_office"), county=county)
    load_research(admin=admin, office_user=User.objects.get(username="demo_office"), county=county)
    load_audits(admin=admin, office_user=User.objects.get(username="demo_office"), county=county)
    load_planning(admin=admin, office_user=User.objects.get(username="demo_office"), county=county)
    load_reviews(admin=admin, office_user=User.objects.get(username="demo_office"), county=county)
    load_dashboard(admin=admin, county=county)
    return passwords


def demo_counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(), "units": GovUnit.objects.count(), "schools": School.objects.count(),
        "groups": EducationGroup.objects.count(),
    }
