"""UI review (issue 23): a page offers only the buttons and links its user can use — 办结 of a violation only once
its finding is rectified, the 填写督导纪实 link of an accepted request only to its 承办督学 (the office would get a 404
from the visit form), the menu's 上移/下移 not on the first/last topic — and the deciding department is told to
decide rather than to wait."""

import datetime

import pytest
from django.urls import reverse

from dudao.checks.services import requests as request_services
from dudao.rectification.models import Finding, FindingStatus
from tests.checks.requests_data import at, file_request, make_menu
from tests.checks.test_violations_pages import _case
from tests.checks.violations_data import cases

pytestmark = pytest.mark.django_db


def test_violation_close_is_offered_only_once_the_finding_is_rectified(world, client):
    c = cases(world)
    v = _case(world, c)
    client.force_login(c.bureau_user)
    page = client.get(reverse("checks:violation_detail", args=[v.pk])).content.decode()
    assert "保存处理决定" in page and "名义作出处理决定" in page and "等待" not in page
    v = _case(world, c, decided=True)
    client.force_login(world.office_a)
    page = client.get(reverse("checks:violation_detail", args=[v.pk])).content.decode()
    assert "整改完成，办结" not in page and 'id="close-waits"' in page
    Finding.objects.filter(pk=v.finding_id).update(status=FindingStatus.CLOSED)
    page = client.get(reverse("checks:violation_detail", args=[v.pk])).content.decode()
    assert "整改完成，办结" in page and 'id="close-waits"' not in page


def test_only_the_inspector_is_offered_to_write_the_visit(world, login):
    menu = make_menu(world)
    with at(2026, 12, 10, 9, 0):
        req = file_request(world, menu)
        request_services.request_accept(actor=world.office_a, request=req, outcome="visit",
                                        due_on=datetime.date(2026, 12, 20))
    office = login(world.office_a).get(f"/checks/requests/{req.pk}/").content.decode()
    assert "关联督导纪实" in office and "填写督导纪实" not in office
    inspector = login(world.inspector_a).get(f"/checks/requests/{req.pk}/").content.decode()
    assert "填写督导纪实" in inspector and "reason=special" in inspector


def test_the_menu_offers_no_move_past_the_ends(world, login):
    make_menu(world)
    page = login(world.office_a).get("/checks/requests/menu/").content.decode()
    assert page.count('aria-label="上移"') == page.count('aria-label="下移"') >= 1
    rows = page.count(">修改</a>")  # one edit link per topic row
    assert page.count('aria-label="上移"') == rows - 1
