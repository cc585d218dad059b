"""Security review of issue 21: every reviews URL (and the reviews, result-uses and projects API) with an id, filled
with the demo's objects, requested by users who must see nothing of them: another county's office, a unit user of a
unit with no part in them, an expert. GET and POST must answer 403/404 (405 for a GET of a POST-only action) and
write nothing (no audit record)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver

from dudao.core.models import AuditLog, Role
from dudao.core.services import role_assign, user_create
from dudao.regions.models import GovUnit, Region
from tests.core.test_every_page import _choices, _fill, _samplers, _walk, demo  # noqa: F401 -- demo: the fixture

User = get_user_model()

ALLOWED = {403, 404, 405}
# Pages an id does not scope: the public rating sheet answers its key to anyone (the key is the secret).
PUBLIC = {"reviews:rate_sheet", "reviews:rate_save", "reviews:rate_submit"}


def _outsiders():
    admin = User.objects.get(username="demo_admin")
    county = Region.objects.filter(level="county").order_by("code").first()
    other = Region.objects.create(code="999901", name="外县", level="county", parent=county.parent)
    town = Region.objects.create(code="999901001", name="外县一镇", level="town", parent=other)
    foreign_unit = GovUnit.objects.create(code="XW01", name="外县教育局", kind="bureau", region=town)
    # a unit of the demo's own county that has no assignment, reporter entry or use anywhere
    idle_unit = GovUnit.objects.create(code="XW02", name="示范区闲置单位", kind="bureau",
                                       region=Region.objects.filter(code__startswith=county.code, level="town").first()
                                       or county)
    users = {}
    for username, role, target in (("sweep_office_b", Role.OFFICE, {"region": other}),
                                   ("sweep_leader_b", Role.LEADER, {"region": other}),
                                   ("sweep_unit_b", Role.UNIT, {"unit": foreign_unit}),
                                   ("sweep_unit_idle", Role.UNIT, {"unit": idle_unit}),
                                   ("sweep_expert", Role.EXPERT, {})):
        user = user_create(actor=admin, username=username, full_name=username, password="Sweep-pass-2026")
        role_assign(actor=admin, user=user, role=role, **target)
        users[username] = user
    return users


def _targets():
    out = []
    for route, name, regex in _walk(get_resolver().url_patterns):
        api = route.startswith("api/v1/") and any(w in route for w in ("reviews", "result-uses", "projects"))
        if not (name.startswith("reviews:") or api) or not regex.groupindex or name in PUBLIC:
            continue
        out.append((route, name, regex))
    return out


@pytest.mark.django_db
def test_outsiders_get_404_and_change_nothing_on_every_reviews_url(demo, db):  # noqa: F811
    users = _outsiders()
    office = User.objects.get(username="demo_office")
    samplers = _samplers(demo)
    problems = []
    seen = 0
    for route, name, regex in _targets():
        choices = _choices(samplers, route, list(regex.groupindex), office)
        if isinstance(choices, str):
            continue
        for kwargs in choices:
            path = "/" + _fill(route, kwargs)
            for username, user in users.items():
                client = Client(raise_request_exception=False)
                client.force_login(user)
                before = AuditLog.objects.count()
                for method in ("get", "post"):
                    response = getattr(client, method)(path, {} if method == "get" else {
                        "reason": "x", "to": "closed", "statement": "越权提交"})
                    seen += 1
                    if response.status_code not in ALLOWED:
                        problems.append(f"{username} {method.upper()} {path} ({name}): {response.status_code}")
                if AuditLog.objects.count() != before:
                    problems.append(f"{username} {path} ({name}): wrote an audit record")
    assert seen > 100
    assert not problems, "\n".join(problems)
