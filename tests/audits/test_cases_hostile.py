"""Security review of 内审 (issue 24): forged ids in the case form. The auditee's account decides who reads the
issued report, so it must be an account of the case's county (or one with no role at all, a departed leader):
never another district's user or an administrator."""

import pytest
from django.urls import reverse

from dudao.audits.models import AuditCase
from dudao.audits.services import cases as services
from dudao.core.errors import ApplicationError
from dudao.core.models import Role
from tests.audits.cases_data import case_kwargs, make_case, person, plan

pytestmark = pytest.mark.django_db


def principal_b(world):
    return person(world, "principal_b", Role.SCHOOL, school=world.schools_b[0])


def test_auditee_account_of_another_district_is_refused_and_nothing_written(world):
    the_plan = plan(world)
    with pytest.raises(ApplicationError, match="不是本区（县）"):
        make_case(world, the_plan, auditee_user=principal_b(world))
    with pytest.raises(ApplicationError, match="不是本区（县）"):
        make_case(world, the_plan, auditee_user=world.admin)
    with pytest.raises(ApplicationError, match="不是本区（县）"):
        make_case(world, the_plan, auditee_user=world.office_b)
    assert not AuditCase.objects.exists()


def test_auditee_account_swapped_to_another_district_on_edit_is_refused(world):
    case = make_case(world)
    with pytest.raises(ApplicationError, match="不是本区（县）"):
        services.case_update(actor=world.office_a, case=case, **case_kwargs(world), auditee_user=principal_b(world))
    case.refresh_from_db()
    assert case.auditee_user_id is None


def test_own_district_accounts_and_roleless_accounts_are_accepted(world):
    roleless = person(world, "departed")
    case = make_case(world, auditee_user=roleless)
    assert case.auditee_user == roleless
    case2 = make_case(world, case.plan, auditee_user=world.principal_a)
    assert case2.auditee_user == world.principal_a


def test_forged_username_in_the_form_leaks_no_case_to_another_district(world, client):
    the_plan = plan(world)
    client.force_login(world.office_a)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in case_kwargs(world).items()}
    data["school"] = world.schools_a[0].pk
    data["fieldwork_from"] = data["fieldwork_to"] = ""
    data["auditee_username"] = principal_b(world).username
    response = client.post(reverse("audits:case_create", args=[the_plan.pk]), data)
    assert response.status_code == 400
    assert "不是本区（县）" in response.content.decode()
    assert not AuditCase.objects.exists()
    # an unknown name gets the same answer (no oracle of other districts' user names)
    data["auditee_username"] = "nobody-at-all"
    response = client.post(reverse("audits:case_create", args=[the_plan.pk]), data)
    assert "不是本区（县）" in response.content.decode()
    assert not AuditCase.objects.exists()
