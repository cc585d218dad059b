"""Login throttling by network: IPv6 addresses count per /64 (policy `auth.ipv6_prefix`), an IPv4-mapped IPv6
address is its IPv4 address, a network the user logged in from lately (`auth.known_address_days`) is exempt
from the account-wide lock, and each attempt is recorded before the password is checked, so parallel
requests get no extra guesses."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dudao.core.models import AuditLog, LoginAddress, LoginFailure, Notification
from dudao.core.services import LOGIN_REFUSED, login_attempt, login_network, policy_set
from tests.conftest import PASSWORD

A, B = "203.0.113.10", "198.51.100.20"
NET = "2001:db8:1:2::"  # one /64, as one IPv6 subscriber gets it


def _try(client, password, username="office_a", ip=A):
    return client.post(reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("ip, net", [
    ("203.0.113.10", "203.0.113.10"),
    ("::ffff:203.0.113.10", "203.0.113.10"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::1", "::/64"),
    (None, ""),
    ("", ""),
    ("not-an-address", ""),
])
def test_addresses_are_counted_by_network(db, ip, net):
    assert login_network(ip) == net


def test_the_ipv6_prefix_is_a_policy_and_stays_sane(world):
    policy_set(actor=world.admin, key="auth.ipv6_prefix", value=48)
    assert login_network("2001:db8:1:2::1") == "2001:db8:1::/48"
    policy_set(actor=world.admin, key="auth.ipv6_prefix", value=128)
    assert login_network("2001:db8:1:2::1") == "2001:db8:1:2::1/128"
    policy_set(actor=world.admin, key="auth.ipv6_prefix", value=0)  # a typo must not make one network of all
    assert login_network("2001:db8:1:2::1") == "2001:db8::/32"
    policy_set(actor=world.admin, key="auth.ipv6_prefix", value=999)
    assert login_network("2001:db8:1:2::1") == "2001:db8:1:2::1/128"
    assert login_network("203.0.113.10") == "203.0.113.10"  # IPv4 stays per address


def test_ten_addresses_of_one_ipv6_network_cannot_lock_the_account(world, client):
    # The reported attack: 6 wrong passwords for admin from each of 10 addresses in one /64.
    for host in range(1, 11):
        for _ in range(6):
            _try(client, "wrong", username="admin", ip=f"{NET}{host:x}")
    assert LoginFailure.objects.filter(username="admin").count() == 5  # the /64 is one address: pair lock
    assert set(LoginFailure.objects.values_list("net", flat=True)) == {"2001:db8:1:2::/64"}
    assert not AuditLog.objects.filter(action="user.locked").exists() and not Notification.objects.exists()
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302
    client.logout()
    assert _try(client, PASSWORD, username="admin", ip=f"{NET}beef").status_code == 429  # the /64 is locked


def test_spraying_from_one_ipv6_network_gets_one_allowance(world, client):
    for i in range(20):  # a fresh /128 and a fresh username every time
        assert _try(client, "wrong", username=f"guess{i}", ip=f"{NET}{i + 1:x}").status_code in (400, 429)
    assert LoginFailure.objects.count() == 20
    assert _try(client, PASSWORD, username="office_b", ip="2001:db8:1:2:1:2:3:4").status_code == 429
    assert _try(client, PASSWORD, username="office_b", ip="2001:db8:1:3::1").status_code == 302  # next /64
    assert AuditLog.objects.get(action="login.address_blocked").object_repr == "2001:db8:1:2::/64"


def test_an_ipv4_mapped_address_is_the_ipv4_address(world, client):
    for ip in (A, f"::ffff:{A}", A, f"::ffff:{A}"):
        assert _try(client, "wrong", ip=ip).status_code == 400
    assert _try(client, "wrong", ip=f"::ffff:{A}").status_code == 429
    assert _try(client, PASSWORD, ip=A).status_code == 429
    assert set(LoginFailure.objects.values_list("net", flat=True)) == {A}


def test_distinct_ipv6_networks_still_lock_the_account(world, client):
    policy_set(actor=world.admin, key="auth.account_attempts", value=10)
    for n in range(5):
        for _ in range(2):
            _try(client, "wrong", username="admin", ip=f"2001:db8:{n + 1}::1")
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 429
    assert AuditLog.objects.get(action="user.locked").after == {"failures": 10, "addresses": 5}


def _lock_admin_from_five_addresses(client):
    for n in range(5):
        for _ in range(2):
            _try(client, "wrong", username="admin", ip=f"192.0.2.{n + 1}")


def test_the_account_lock_spares_the_networks_the_user_logs_in_from(world, client):
    policy_set(actor=world.admin, key="auth.account_attempts", value=10)
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302
    assert _try(client, PASSWORD, username="admin", ip=f"{NET}1").status_code == 302
    client.logout()
    assert set(LoginAddress.objects.filter(user=world.admin).values_list("net", flat=True)) == {
        B, "2001:db8:1:2::/64"}
    _lock_admin_from_five_addresses(client)
    assert AuditLog.objects.filter(action="user.locked").count() == 1
    assert _try(client, PASSWORD, username="admin", ip="198.51.100.77").status_code == 429
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302
    client.logout()
    assert _try(client, PASSWORD, username="admin", ip=f"{NET}ffff").status_code == 302  # same /64
    client.logout()
    # Another user's known address is no exemption for admin.
    assert _try(client, PASSWORD, username="office_b", ip="198.51.100.88").status_code == 302
    client.logout()
    assert _try(client, PASSWORD, username="admin", ip="198.51.100.88").status_code == 429
    # The pair lock still applies at a known address.
    for _ in range(5):
        _try(client, "wrong", username="admin", ip=B)
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 429


def test_a_known_network_is_forgotten_after_the_configured_days(world, client):
    policy_set(actor=world.admin, key="auth.account_attempts", value=10)
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302
    client.logout()
    _lock_admin_from_five_addresses(client)
    LoginAddress.objects.update(last_at=timezone.now() - datetime.timedelta(days=29))
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302
    client.logout()
    LoginAddress.objects.update(last_at=timezone.now() - datetime.timedelta(days=31))
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 429
    policy_set(actor=world.admin, key="auth.known_address_days", value=60)
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302


def test_a_failed_login_from_a_network_does_not_make_it_known(world, client):
    _try(client, "wrong", username="admin", ip=B)
    assert not LoginAddress.objects.exists()


def _request(ip=A):
    return RequestFactory().post("/login/", REMOTE_ADDR=ip)


def test_the_attempt_is_recorded_before_the_password_is_checked(world, monkeypatch):
    seen = []

    def authenticate(request, username, password):
        seen.append(list(LoginFailure.objects.filter(cleared=False).values_list("username", "net")))
        return world.office_a if password == PASSWORD else None

    monkeypatch.setattr("django.contrib.auth.authenticate", authenticate)
    assert login_attempt(request=_request(), username="office_a", password="wrong").error
    assert login_attempt(request=_request(), username="office_a", password=PASSWORD).user == world.office_a
    assert seen == [[("office_a", A)], [("office_a", A), ("office_a", A)]]
    # The right password removes its own row and clears the earlier failure from that address.
    assert not LoginFailure.objects.filter(cleared=False).exists()
    assert LoginFailure.objects.filter(cleared=True).count() == 1


def test_a_refused_attempt_never_reaches_the_password_check(world, monkeypatch):
    calls = []
    monkeypatch.setattr("django.contrib.auth.authenticate", lambda request, **kw: calls.append(kw) or None)
    results = [login_attempt(request=_request(), username="office_a", password="wrong") for _ in range(8)]
    assert len(calls) == 5
    assert [r.refused for r in results] == [False] * 4 + [True] * 4
    assert results[-1].error == LOGIN_REFUSED
    assert LoginFailure.objects.count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_username, limit", [(True, 5), (False, 20)])
def test_parallel_attempts_get_no_extra_guesses(monkeypatch, same_username, limit):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL in CI")
    threads_count = 10 if same_username else 30
    checked, lock = [], threading.Lock()
    barrier = threading.Barrier(threads_count)

    def authenticate(request, username, password):
        with lock:
            checked.append(username)
        time.sleep(0.2)  # the password hash: the window the race needs
        return None

    monkeypatch.setattr("django.contrib.auth.authenticate", authenticate)
    results = []

    def attempt(i):
        try:
            barrier.wait()
            username = "office_a" if same_username else f"guess{i}"
            results.append(login_attempt(request=_request(f"{NET}{i + 1:x}"), username=username, password="x"))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == threads_count
    assert len(checked) <= limit  # without the row first, every one of them reached the password check
    assert LoginFailure.objects.count() == len(checked)  # refused attempts left no row behind
