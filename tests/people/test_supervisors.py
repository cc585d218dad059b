"""学校督导管理员 (issue 24): appointment with an account and the school role, the per-school cap, 离任 revoking the
role, scope of the pages, the school page section and training files of supervisors and experts."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import owns, scope_for
from dudao.core.services import policy_set
from dudao.dashboard.selectors.todos import todo_list
from dudao.people.models import Expert, SchoolSupervisor, Training
from dudao.people.services import supervisor_end, supervisor_save, training_add
from tests.conftest import PASSWORD

User = get_user_model()
DAY = datetime.date(2025, 9, 1)


def _appoint(actor, school, name="李管理", **extra):
    fields = {"name": name, "phone": "13900001111", "position": "副校长", "appointed_on": DAY, "note": ""}
    fields.update(extra)
    return supervisor_save(actor=actor, school=school, **fields)


def _fresh(user):
    return User.objects.get(pk=user.pk)  # a new scope (scope_for caches on the user object)


def test_policy_default_is_two(world):
    assert policy_value("people.school_supervisors_max", world.county_a.code) == 2


def test_new_account_gets_the_school_role_and_the_school_todos(world):
    school = world.schools_a[0]
    sup = _appoint(world.office_a, school, username="sup_li", password=PASSWORD)
    user = _fresh(sup.user)
    assert sup.role_granted and user.first_name == "李管理"
    assert RoleAssignment.objects.filter(user=user, role=Role.SCHOOL, school=school).count() == 1
    assert owns(user, school_id=school.pk) and scope_for(user).school_ids == frozenset({school.pk})
    assert user.check_password(PASSWORD)
    # the same to-do sources as the principal of that school
    # the school's to-do sources reach the account as they reach the principal (same school scope)
    mine = {r.todo.identity for r in todo_list(user).rows}
    assert mine == {r.todo.identity for r in todo_list(_fresh(world.principal_a)).rows}
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"supervisor.create", "role.assign", "user.create"} <= actions


def test_third_supervisor_refused_in_chinese(world):
    school = world.schools_a[1]
    _appoint(world.office_a, school, "甲")
    _appoint(world.office_a, school, "乙")
    with pytest.raises(ApplicationError, match="最多设 2 名"):
        _appoint(world.office_a, school, "丙")
    assert SchoolSupervisor.objects.filter(school=school).count() == 2
    # the cap is policy data: a region may allow one only
    policy_set(actor=world.admin, key="people.school_supervisors_max", value=1, region_code=world.county_a.code)
    with pytest.raises(ApplicationError, match="最多设 1 名"):
        _appoint(world.office_a, world.schools_a[2], "丁") and _appoint(world.office_a, world.schools_a[2], "戊")


def test_after_leaving_a_new_one_may_come(world):
    school = world.schools_a[1]
    first = _appoint(world.office_a, school, "甲")
    _appoint(world.office_a, school, "乙")
    supervisor_end(actor=world.office_a, supervisor=first, date=timezone.localdate(), reason="调离")
    assert _appoint(world.office_a, school, "丙").is_active


def test_leaving_revokes_the_role_it_gave_only(world):
    school = world.schools_a[0]
    sup = _appoint(world.office_a, school, username="sup_wang", password=PASSWORD)
    # the principal's own account linked as supervisor: its school role predates the record and stays
    principal = _appoint(world.principal_a, school, "校长本人", username="principal_a")
    assert not principal.role_granted
    supervisor_end(actor=world.principal_a, supervisor=sup, date=timezone.localdate(), reason="退休")
    supervisor_end(actor=world.office_a, supervisor=principal, date=timezone.localdate(), reason="不再兼任")
    assert not RoleAssignment.objects.filter(user=sup.user, role=Role.SCHOOL).exists()
    assert not owns(_fresh(sup.user), school_id=school.pk)
    assert RoleAssignment.objects.filter(user=world.principal_a, role=Role.SCHOOL, school=school).exists()
    assert AuditLog.objects.filter(action="role.revoke").count() == 1
    # the record and its training file stay; a second 离任 is refused
    sup.refresh_from_db()
    assert not sup.is_active and sup.end_reason == "退休"
    with pytest.raises(ApplicationError, match="已于"):
        supervisor_end(actor=world.office_a, supervisor=sup, date=timezone.localdate(), reason="再次")


@pytest.mark.parametrize(("username", "password", "message"), [
    ("office_a", "", "已有其他角色"),  # an office account would gain nothing but must not be used
    ("inspector_a", "", "已有其他角色"),
    ("admin", "", "系统管理员"),
    ("nobody", "", "不存在"),
    ("principal_a", "x", "不要填写密码"),
    ("new_one", "123", "账号不符合要求"),
    ("bad name!", "Test-pass-2026", "账号不符合要求"),
    ("", "Test-pass-2026", "请同时填写登录账号"),
])
def test_hostile_accounts_refused_and_nothing_written(world, username, password, message):
    before_users, before_roles = User.objects.count(), RoleAssignment.objects.count()
    with pytest.raises(ApplicationError, match=message):
        _appoint(world.office_a, world.schools_a[0], username=username, password=password)
    assert SchoolSupervisor.objects.count() == 0
    assert (User.objects.count(), RoleAssignment.objects.count()) == (before_users, before_roles)


def test_one_account_one_record(world):
    sup = _appoint(world.office_a, world.schools_a[0], username="sup_zh", password=PASSWORD)
    with pytest.raises(ApplicationError, match="已关联学校督导管理员记录"):
        _appoint(world.office_a, world.schools_a[0], "二号", username="sup_zh")
    with pytest.raises(ApplicationError, match="不能改为其他账号"):
        supervisor_save(actor=world.office_a, supervisor=sup, username="principal_a")


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "  "}, "请填写姓名"),
    ({"phone": ""}, "请填写联系电话"),
    ({"appointed_on": datetime.date(2999, 1, 1)}, "不能晚于今天"),
    ({"name": "\x00\x00"}, "请填写姓名"),
    ({"user_id": 1}, "不能修改字段"),
])
def test_bad_fields_refused(world, fields, message):
    with pytest.raises(ApplicationError, match=message):
        _appoint(world.office_a, world.schools_a[0], **fields)


def test_who_may_manage(world):
    with pytest.raises(PermissionDenied):
        _appoint(world.office_b, world.schools_a[0])
    with pytest.raises(PermissionDenied):  # a principal, for another school
        _appoint(world.principal_a, world.schools_a[1])
    with pytest.raises(PermissionDenied):  # an inspector sees the school but does not own it
        _appoint(world.inspector_a, world.schools_a[0])
    sup = _appoint(world.principal_a, world.schools_a[0])
    with pytest.raises(PermissionDenied):
        supervisor_end(actor=world.office_b, supervisor=sup, date=timezone.localdate(), reason="x")
    with pytest.raises(ApplicationError, match="离任原因"):
        supervisor_end(actor=world.office_a, supervisor=sup, date=timezone.localdate(), reason=" ")
    with pytest.raises(ApplicationError, match="早于任命日期"):
        supervisor_end(actor=world.office_a, supervisor=sup, date=DAY - datetime.timedelta(days=1), reason="x")


def test_pages_are_scoped(world, login):
    own = _appoint(world.office_a, world.schools_a[0], "本校甲")
    other = _appoint(world.office_a, world.schools_a[1], "他校乙")
    _appoint(world.office_b, world.schools_b[0], "乙县丙")
    client = login(world.principal_a)
    page = client.get(reverse("people:supervisor_list")).content.decode()
    assert "本校甲" in page and "他校乙" not in page and "乙县丙" not in page
    assert client.get(reverse("people:supervisor_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("people:supervisor_edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("people:supervisor_detail", args=[own.pk])).status_code == 200
    office = login(world.office_a).get(reverse("people:supervisor_list")).content.decode()
    assert "本校甲" in office and "他校乙" in office and "乙县丙" not in office
    export = login(world.office_a).get(reverse("people:supervisor_list") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(world.expert).get(reverse("people:supervisor_list")).status_code == 404


def test_form_appoints_and_school_page_lists(world, login):
    client = login(world.principal_a)
    school = world.schools_a[0]
    response = client.post(reverse("people:supervisor_new"), {
        "school": school.pk, "name": "王老师", "phone": "13800000000", "position": "教务主任",
        "appointed_on": "2025-09-01", "username": "wang_sup", "password": PASSWORD})
    sup = SchoolSupervisor.objects.get(name="王老师")
    assert response.status_code == 302 and sup.user.username == "wang_sup"
    # a school user cannot appoint at another school by editing the form
    bad = client.post(reverse("people:supervisor_new"), {
        "school": world.schools_a[1].pk, "name": "x", "phone": "1", "appointed_on": "2025-09-01"})
    assert bad.status_code == 200 and SchoolSupervisor.objects.count() == 1
    page = client.get(reverse("dashboard:school_detail", args=[school.pk])).content.decode()
    assert "学校督导管理员" in page and "王老师" in page
    empty = login(world.office_a).get(reverse("dashboard:school_detail", args=[world.schools_a[1].pk])).content.decode()
    assert "本校尚未设学校督导管理员" in empty


def test_end_by_post_only(world, login):
    sup = _appoint(world.office_a, world.schools_a[0])
    url = reverse("people:supervisor_end", args=[sup.pk])
    assert login(world.office_a).get(url).status_code == 405
    login(world.office_a).post(url, {"date": timezone.localdate().isoformat(), "reason": "调离"})
    sup.refresh_from_db()
    assert not sup.is_active


def test_training_files_of_supervisors_and_experts(world, login):
    sup = _appoint(world.office_a, world.schools_a[0])
    expert = Expert.objects.create(name="赵专家", phone="1", id_key="ZJ1", categories="finance", region=world.county_a)
    training_add(actor=world.office_a, supervisor=sup, date=DAY, title="学校督导管理员培训", hours=8)
    response = login(world.office_a).post(reverse("people:expert_training_add", args=[expert.pk]), {
        "date": DAY.isoformat(), "title": "督导专家培训", "organizer": "市督导室", "hours": "12", "credits": "1"})
    assert response.status_code == 302
    assert Training.objects.get(expert=expert).hours == 12
    with pytest.raises(ApplicationError, match="只能属于一名"):
        training_add(actor=world.office_a, supervisor=sup, expert=expert, date=DAY, title="x", hours=1)
    with pytest.raises(ApplicationError, match="同名培训记录"):
        training_add(actor=world.office_a, supervisor=sup, date=DAY, title="学校督导管理员培训", hours=8)
    with pytest.raises(ApplicationError, match="学时应大于 0"):
        training_add(actor=world.office_a, supervisor=sup, date=DAY, title="y", hours="NaN")
    with pytest.raises(PermissionDenied):  # a school may not write its own training file
        training_add(actor=world.principal_a, supervisor=sup, date=DAY, title="z", hours=1)
    with pytest.raises(PermissionDenied):
        training_add(actor=world.office_b, expert=expert, date=DAY, title="z", hours=1)
    page = login(world.principal_a).get(reverse("people:supervisor_detail", args=[sup.pk])).content.decode()
    assert "学校督导管理员培训" in page and "要求不少于 40" in page and "登记培训</button>" not in page
    page = login(world.office_a).get(reverse("people:expert_detail", args=[expert.pk])).content.decode()
    assert "督导专家培训" in page and "登记培训</button>" in page
    assert login(world.office_b).get(reverse("people:expert_detail", args=[expert.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_cap_holds_under_concurrency(world):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the row lock is tested on PostgreSQL")
    school = world.schools_a[0]
    errors = []

    def appoint(n):
        try:
            _appoint(world.office_a, school, f"并发{n}")
        except ApplicationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert SchoolSupervisor.objects.filter(school=school, is_active=True).count() == 2 and len(errors) == 2


def test_a_school_cannot_draw_an_unassigned_account_into_its_school(world):
    """Security review (issue 24): an account with no role belongs to no school yet. A school user may link only an
    account that already holds its school role, or create a new one; the office may link the role-less account."""
    loose = User.objects.create_user(username="loose_account", password=PASSWORD, first_name="别人")
    before = RoleAssignment.objects.count()
    with pytest.raises(ApplicationError, match="不是本校的账号"):
        _appoint(world.principal_a, world.schools_a[0], username="loose_account")
    assert RoleAssignment.objects.count() == before and SchoolSupervisor.objects.count() == 0
    sup = _appoint(world.office_a, world.schools_a[0], username="loose_account")
    assert sup.user == loose and RoleAssignment.objects.filter(user=loose, role=Role.SCHOOL).count() == 1
