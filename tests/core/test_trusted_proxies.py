"""client_ip(): X-Forwarded-For is believed only from TRUSTED_PROXIES, read from the right; every per-address
limit and the audit log go through it. Request ids: a client's X-Request-ID is kept only as a canonical UUID."""

import pathlib
import re
import uuid

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from dudao.core.middleware import client_ip, request_id_from
from dudao.core.models import AuditLog
from dudao.zones.models import Complaint

rf = RequestFactory()


def ip_of(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of("203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("203.0.113.5", "1.2.3.4") == "203.0.113.5"
    assert ip_of("203.0.113.5", "10.0.0.1") == "203.0.113.5"


def test_from_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", "203.0.113.7") == "203.0.113.7"
    # the client wrote "1.2.3.4, 5.6.7.8"; nginx appended the address it saw
    assert ip_of("10.0.0.1", "1.2.3.4, 5.6.7.8, 203.0.113.7") == "203.0.113.7"
    assert ip_of("10.0.0.1", "") == "10.0.0.1"
    assert ip_of("10.0.0.1") == "10.0.0.1"


def test_a_chain_of_two_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.168.1.5"]
    # load balancer 192.168.1.5 -> nginx 10.0.0.2 -> app; the client forged 6.6.6.6 in front
    assert ip_of("10.0.0.2", "6.6.6.6, 203.0.113.9, 192.168.1.5") == "203.0.113.9"
    # a request from inside (every hop is ours): the left-most hop started it
    assert ip_of("10.0.0.2", "10.0.0.7, 192.168.1.5") == "10.0.0.7"
    # trust is not transitive: a hop outside the list ends the walk
    assert ip_of("10.0.0.2", "192.168.1.5, 198.51.100.1") == "198.51.100.1"


@pytest.mark.parametrize("header", [
    "203.0.113.7, garbage", "203.0.113.7, <script>", "999.1.1.1", "203.0.113.7, ", "1.2.3.4 5.6.7.8",
    "x" * 10_000, "203.0.113.7, " + "9" * 70, "unknown", "203.0.113.7,,;",
])
def test_malformed_values_fall_back_to_the_peer(settings, header):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", header) in {"10.0.0.1", "203.0.113.7"}
    assert ip_of("10.0.0.1", header) == ("203.0.113.7" if header == "203.0.113.7, " else "10.0.0.1")


def test_garbage_left_of_the_client_does_not_matter(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", "<script>alert(1)</script>, 203.0.113.7") == "203.0.113.7"


def test_ipv6(settings):
    settings.TRUSTED_PROXIES = ["::1", "fd00::/8"]
    assert ip_of("::1", "2001:db8::7") == "2001:db8::7"
    assert ip_of("fd00::2", "2001:db8::7, fd12::1") == "2001:db8::7"
    assert ip_of("::1", "[2001:db8::7]:443") == "2001:db8::7"
    assert ip_of("::1", "2001:DB8:0:0::7") == "2001:db8::7"  # one spelling per client
    assert ip_of("::1", "::ffff:203.0.113.7") == "203.0.113.7"
    assert ip_of("::1", "fe80::1%eth0") == "fe80::1"
    assert ip_of("2001:db8::9", "2001:db8::7") == "2001:db8::9"  # untrusted v6 peer: header ignored
    assert ip_of("::1", "2001:db8::zz") == "::1"
    settings.TRUSTED_PROXIES = ["10.0.0.1"]  # an IPv4 list never matches an IPv6 peer
    assert ip_of("::ffff:10.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert ip_of("::1", "203.0.113.7") == "::1"


def test_ports_on_ipv4_entries_and_an_unusable_peer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("10.0.0.1", "203.0.113.7:51234") == "203.0.113.7"
    assert ip_of("", "203.0.113.7") is None
    assert ip_of("unix:/run/gunicorn.sock", "203.0.113.7") is None


def test_nothing_else_reads_the_peer_address_or_the_header():
    """Every per-address limit, the login throttle and the audit log must go through client_ip()."""
    root = pathlib.Path(__file__).resolve().parents[2] / "dudao"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "middleware.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For", text, re.IGNORECASE):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_the_audit_log_records_the_client_behind_the_proxy(world, client, settings, login):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    response = client.post("/api/v1/auth/token", {"username": "office_a", "password": "wrong"},
                           content_type="application/json", REMOTE_ADDR="10.0.0.1",
                           HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.7")
    assert response.status_code == 401
    assert AuditLog.objects.get(action="login.failed").ip == "203.0.113.7"


def test_public_complaints_are_limited_per_client_not_per_proxy(world, client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    cache.clear()
    url = f"/public/plaque/{world.schools_a[0].code}/"

    def post(source, n):
        return client.post(url, {"kind": "suggestion", "content": f"建议增加课后体育活动第{n}条。"},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=source)

    try:
        for n in range(5):  # zones.public_complaints_per_hour = 5
            assert post("203.0.113.7", n).status_code == 200
        assert "提交过于频繁" in post("203.0.113.7", 6).content.decode()
        # a spoofed left part does not give a new allowance ...
        assert "提交过于频繁" in post("1.2.3.4, 203.0.113.7", 7).content.decode()
        # ... and another parent behind the same proxy is not affected
        response = post("198.51.100.8", 8)
        assert response.status_code == 200 and "受理编号" in response.content.decode()
        assert set(Complaint.objects.values_list("submit_ip", flat=True)) == {"203.0.113.7", "198.51.100.8"}
    finally:
        cache.clear()


def test_request_id_keeps_a_uuid_in_canonical_form():
    value = "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
    assert request_id_from(value) == value.lower()
    assert request_id_from("{" + value + "}") == value.lower()
    assert request_id_from("urn:uuid:" + value) == value.lower()


@pytest.mark.parametrize("value", ["req-123", "<script>alert(1)</script>", "x" * 10_240, "", None,
                                   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" + " " * 20 + "<b>",
                                   "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\r\nSet-Cookie: a=b"])
def test_request_id_replaces_anything_else(value):
    generated = request_id_from(value)
    assert str(uuid.UUID(generated)) == generated and generated != value


@pytest.mark.parametrize("header", ["x" * 10_240, '<script>alert("id")</script>', "' OR 1=1 --"])
def test_a_hostile_request_id_never_reaches_the_log_or_the_response(world, client, header):
    response = client.post("/api/v1/auth/token", {"username": "office_a", "password": "wrong"},
                           content_type="application/json", HTTP_X_REQUEST_ID=header)
    assert response.status_code == 401
    record = AuditLog.objects.get(action="login.failed")
    assert str(uuid.UUID(record.request_id)) == record.request_id == response["X-Request-ID"]
