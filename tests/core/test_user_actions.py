"""The account page's actions, one URL each: what works, what is refused (with nothing changed), who gets 404."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dudao.core.models import Role, RoleAssignment
from dudao.core.services import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(world):
    return user_create(actor=world.admin, username="newcomer", full_name="新来的", password="Xk9#lonGpass2026")


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_administrator_assigns_and_revokes_a_role(world, login, account):
    admin = login(world.admin)
    response = admin.post(f"/users/{account.pk}/roles/", {"role": Role.OFFICE, "region": world.county_a.code})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=account)
    assert assignment.role == Role.OFFICE and assignment.region_id == world.county_a.code
    assert admin.post(f"/users/{account.pk}/roles/{assignment.pk}/revoke/").status_code == 302
    assert not RoleAssignment.objects.filter(user=account).exists()


def test_an_invalid_assignment_is_shown_again_and_changes_nothing(world, login, account):
    admin = login(world.admin)
    response = admin.post(f"/users/{account.pk}/roles/", {"role": "emperor"})
    assert response.status_code == 400 and "角色" in response.content.decode()
    unknown = admin.post(f"/users/{account.pk}/roles/", {"role": Role.SCHOOL, "school": "0000000000"})
    assert unknown.status_code == 404 and not RoleAssignment.objects.filter(user=account).exists()


def test_another_accounts_assignment_cannot_be_revoked_through_this_one(world, login, account):
    other = RoleAssignment.objects.filter(user=world.office_a).first()
    response = login(world.admin).post(f"/users/{account.pk}/roles/{other.pk}/revoke/")
    assert response.status_code == 404 and RoleAssignment.objects.filter(pk=other.pk).exists()


def test_deactivate_activate_unlock_and_password(world, login, account):
    admin = login(world.admin)
    admin.post(f"/users/{account.pk}/deactivate/")
    account.refresh_from_db()
    assert not account.is_active
    admin.post(f"/users/{account.pk}/activate/")
    account.refresh_from_db()
    assert account.is_active
    assert admin.post(f"/users/{account.pk}/unlock/").status_code == 302
    short = admin.post(f"/users/{account.pk}/password/", {"password": "1"}, follow=True)
    assert "密码" in _messages(short)
    assert Client().login(username="newcomer", password="Xk9#lonGpass2026")  # the refused password changed nothing


def test_the_administrator_cannot_deactivate_themself(world, login):
    response = login(world.admin).post(f"/users/{world.admin.pk}/deactivate/", follow=True)
    assert "不能停用自己的账号" in _messages(response)
    assert get_user_model().objects.get(pk=world.admin.pk).is_active


def test_others_get_404_and_a_get_is_refused(world, login, account):
    for path in ["roles/", "activate/", "deactivate/", "unlock/", "password/"]:
        assert login(world.office_a).post(f"/users/{account.pk}/{path}", {"role": Role.OFFICE}).status_code == 404
        assert login(world.admin).get(f"/users/{account.pk}/{path}").status_code == 405
    account.refresh_from_db()
    assert account.is_active and not RoleAssignment.objects.filter(user=account).exists()
