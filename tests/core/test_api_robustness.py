"""API robustness: page numbers of any size, malformed multipart bodies, one error shape declared for every
operation, and the schema and docs behind login. Operations are read from the OpenAPI document, so an endpoint
added later is covered without editing these tests."""

import json
import re

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from dudao.api import api
from dudao.core.models import ApiToken, AuditLog
from dudao.core.services import token_issue
from dudao.monitoring.models import StatsImport
from dudao.zones.models import Visit

HUGE = "99999999999999999999"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def bearer(user) -> dict:
    key, _token = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def openapi() -> dict:
    return api.get_openapi_schema()


def operations():
    for path, methods in openapi()["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def paginated_paths() -> list[str]:
    return sorted(path for path, method, op in operations()
                  if method == "GET" and any(p["name"] == "page" for p in op.get("parameters", [])))


def multipart_operations() -> list[tuple[str, str]]:
    return sorted((path, method) for path, method, op in operations()
                  if "multipart/form-data" in op.get("requestBody", {}).get("content", {}))


def assert_error(response, status: int, field: str | None = None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "errors"} and CHINESE.search(body["detail"]), body
    if field:
        assert field in [e["field"] for e in body["errors"]], body


def test_every_list_is_paginated_by_the_bounded_paginator():
    assert {"/api/v1/schools", "/api/v1/regions", "/api/v1/units", "/api/v1/inspectors", "/api/v1/zones",
            "/api/v1/assignments", "/api/v1/visits"} <= set(paginated_paths())


@pytest.mark.parametrize("path", paginated_paths())
@pytest.mark.parametrize("page", [HUGE, "9" * 40, str(2**63), str(2**31)])
def test_a_page_past_the_last_is_empty(world, client, path, page):
    headers = bearer(world.admin)
    first = client.get(path, **headers).json()
    response = client.get(f"{path}?page={page}", **headers)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body.pop("count_capped", False) is first.get("count_capped", False)  # the ledger's capped count
    assert body == {"items": [], "count": first["count"]}
    big_pages = client.get(f"{path}?page={page}&page_size={page}", **headers)
    assert big_pages.status_code == 200 and big_pages.json()["items"] == []


@pytest.mark.parametrize("path", paginated_paths())
@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "", "1e3", "9" * 5000])
def test_a_page_that_is_not_a_positive_integer_is_422_in_chinese(world, client, path, page):
    assert_error(client.get(f"{path}?page={page}", **bearer(world.office_a)), 422, "query.page")


def test_the_last_page_still_has_its_rows(world, client):
    headers = bearer(world.admin)
    assert client.get("/api/v1/schools?page_size=5&page=2", **headers).json() == {
        "items": client.get("/api/v1/schools?page_size=5&page=2", **headers).json()["items"], "count": 7}
    assert len(client.get("/api/v1/schools?page_size=5&page=2", **headers).json()["items"]) == 2
    assert client.get("/api/v1/schools?page_size=5&page=3", **headers).json()["items"] == []


def _no_argument_pages(resolver=None, prefix=""):
    """Every HTML URL pattern without arguments (the list pages among them take ?page=)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("api/"):
                yield from _no_argument_pages(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + route.lstrip("^").rstrip("$")


def test_html_lists_take_any_page_number(world, login):
    client = login(world.admin)
    pages = [p for p in _no_argument_pages() if not p.endswith((".xlsx", ".docx", ".pdf", ".xml"))]
    assert "/schools/" in pages and len(pages) > 20
    for path in pages:
        for page in (HUGE, "-1", "0", "abc", "9" * 5000):
            response = client.get(path, {"page": page, "size": page})
            assert response.status_code < 500, (path, page, response.status_code)


MALFORMED = [
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{}\r\n--x--\r\n"),
    ("multipart/form-data; boundary=", b"--x\r\n"),
    ("multipart/form-data; boundary=\"\"", b"--x\r\n"),
    ("multipart/form-data; boundary=" + "b" * 300, b"--b\r\n"),
    ("multipart/form-data; boundary=\x00", b"--\x00\r\n"),
]


@pytest.mark.parametrize("path,method", multipart_operations())
@pytest.mark.parametrize("content_type,body", MALFORMED)
def test_a_malformed_multipart_body_is_400_in_chinese(world, client, path, method, content_type, body):
    visits, imports, audits = Visit.objects.count(), StatsImport.objects.count(), AuditLog.objects.count()
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    response = client.generic(method, concrete, body, content_type=content_type, **bearer(world.admin))
    assert_error(response, 400)
    assert "multipart" in response.json()["detail"]
    assert (Visit.objects.count(), StatsImport.objects.count()) == (visits, imports)
    assert AuditLog.objects.count() == audits + 1  # the token issued for this request, nothing else


@pytest.mark.parametrize("path,method", multipart_operations())
def test_wrong_boundary_and_truncated_bodies_change_nothing(world, client, path, method):
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    part = b"--real\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\nPK\x03\x04"
    for content_type, body in [("multipart/form-data; boundary=other", part + b"\r\n--real--\r\n"),
                               ("multipart/form-data; boundary=real", part),
                               ("multipart/form-data; boundary=real", part[:20])]:
        response = client.generic(method, concrete, body, content_type=content_type, **bearer(world.admin))
        assert response.status_code in (400, 422), response.content[:300]
        assert CHINESE.search(response.json()["detail"])
    assert Visit.objects.count() == 0 and StatsImport.objects.count() == 0


HTML_UPLOADS = ["/schools/import/", "/people/import/", "/monitoring/import/", "/frameworks/"]


@pytest.mark.parametrize("path", HTML_UPLOADS)
@pytest.mark.parametrize("content_type,body", MALFORMED[:2])
def test_html_upload_pages_refuse_malformed_multipart_with_400_in_chinese(world, login, path, content_type, body):
    client = login(world.admin)
    audits = AuditLog.objects.count()
    response = client.generic("POST", path, body, content_type=content_type)
    assert response.status_code == 400
    text = response.content.decode()
    assert "上传内容格式错误" in text and "<html" in text.lower()
    assert AuditLog.objects.count() == audits


def test_every_html_form_refuses_malformed_multipart_before_the_view_runs(world):
    """With CSRF enforced (as in a browser), the CSRF check reads the body first: one 400 for every page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    for path in _no_argument_pages():
        response = client.generic("POST", path, b"garbage", content_type="multipart/form-data")
        assert response.status_code == 400 and "上传内容格式错误" in response.content.decode(), path


def test_unknown_api_paths_are_json_404(world, client):
    for path in ["/api/v1/no-such-thing", "/api/v1/zones/-1", "/api/v1/visits/abc"]:
        assert_error(client.get(path, **bearer(world.admin)), 404)


def test_errors_are_one_chinese_shape(world, client):
    assert_error(client.get("/api/v1/schools"), 401)
    assert client.get("/api/v1/schools")["WWW-Authenticate"].startswith("Bearer")
    assert_error(client.get("/api/v1/schools", HTTP_AUTHORIZATION="Bearer forged"), 401)
    assert_error(client.get("/api/v1/schools/0000000000", **bearer(world.admin)), 404)
    assert_error(client.get("/api/v1/monitoring/balanced?county=990102&year=abc", **bearer(world.admin)),
                 422, "query.year")
    assert_error(client.get("/api/v1/monitoring/balanced", **bearer(world.admin)), 422, "query.county")
    assert_error(client.post("/api/v1/auth/token", "{not json", content_type="application/json"), 400)
    assert_error(client.post("/api/v1/auth/token", {"username": 1}, content_type="application/json"), 422,
                 "body.payload.password")
    assert_error(client.post("/api/v1/inspections/targets/1/scores", [], content_type="application/json",
                             **bearer(world.admin)), 404)


def test_every_operation_declares_its_error_responses():
    schema = openapi()
    error_out = schema["components"]["schemas"]["ErrorOut"]
    assert set(error_out["required"]) == {"detail"} and "errors" in error_out["properties"]
    for path, method, operation in operations():
        responses = {int(code): value for code, value in operation["responses"].items()}
        errors = {code for code in responses if code >= 400}
        assert 400 in errors, (method, path)
        if operation.get("security"):
            assert 401 in errors, (method, path)
        if operation.get("parameters") or "requestBody" in operation:
            assert 422 in errors, (method, path)
        if "{" in path:
            assert 404 in errors, (method, path)
        for code in errors:
            ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorOut", (method, path, code)
    token = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"401", "429"} <= {str(code) for code in token}


def test_the_docs_page_needs_a_session(world, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get("/api/v1/docs", **bearer(world.admin)).status_code == 302
    client.force_login(world.principal_a)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger" in page.content.lower()
    # the vendored Swagger UI, no third-party script or style (not a search for "cdn": a random nonce can hold it)
    assets = re.findall(rb'(?:src|href)="([^"]+)"', page.content)
    assert assets and all(a.startswith(b"/static/") for a in assets), assets


def test_the_schema_needs_a_token_or_a_session(world, client):
    anonymous = client.get("/api/v1/openapi.json")
    assert_error(anonymous, 401)
    assert_error(client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer forged"), 401)
    headers = bearer(world.principal_a)
    ApiToken.objects.update(revoked=True)
    assert_error(client.get("/api/v1/openapi.json", **headers), 401)
    with_token = client.get("/api/v1/openapi.json", **bearer(world.principal_a))
    assert with_token.status_code == 200 and "/api/v1/schools" in with_token.json()["paths"]
    # The schemathesis test reads the same document in-process (no token exists at collection time).
    assert with_token.json() == json.loads(json.dumps(openapi()))
    client.force_login(world.office_a)
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/units?kind=a%00b", "/api/v1/schools?q=%00", "/api/v1/schools/%00",
                                  "/api/v1/visits?region=x&status=%00", "/api/v1/regions?%00=1"])
def test_nul_characters_in_api_requests_are_400(world, client, path):
    assert_error(client.get(path, **bearer(world.admin)), 400)
    assert "空字符" in client.get(path, **bearer(world.admin)).json()["detail"]


def test_nul_characters_in_bodies_are_400_and_change_nothing(world, client):
    audits = AuditLog.objects.count()
    response = client.post("/api/v1/auth/token", {"username": "admin\u0000", "password": "x"},
                           content_type="application/json")
    assert_error(response, 400)
    raw = client.post("/api/v1/auth/token", '{"username": "a\\u0000", "password": "x"}',
                      content_type="application/json")
    assert_error(raw, 400)
    form = client.post("/api/v1/visits", {"data": "{\x00}"}, **bearer(world.admin))
    assert_error(form, 400)
    assert AuditLog.objects.count() == audits + 1  # the token issued for the last request
    assert Visit.objects.count() == 0


def test_nul_characters_on_pages_are_400_in_chinese(world, login):
    client = login(world.admin)
    for path in ["/schools/?q=%00", "/people/inspectors/?q=a%00", "/audit/?action=%00"]:
        response = client.get(path)
        assert response.status_code == 400 and "空字符" in response.content.decode(), path
    response = client.post("/password/", {"old_password": "x\x00", "new_password1": "y"})
    assert response.status_code == 400 and "空字符" in response.content.decode()


@pytest.mark.parametrize("path,method", multipart_operations())
def test_malformed_multipart_is_400_with_debug_on_too(world, client, settings, path, method):
    """The demo runs with DEBUG on, where ninja answers an unhandled exception with a 500 traceback."""
    settings.DEBUG = True
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    response = client.generic(method, concrete, b"x", content_type="multipart/form-data", **bearer(world.admin))
    assert_error(response, 400)


def _get_operations_with_integers() -> list[str]:
    """Every GET with its path parameters and integer query parameters set to HUGE, required text to 'x'."""
    urls = []
    for path, method, operation in operations():
        if method != "GET":
            continue
        query = []
        for param in operation.get("parameters", []):
            schema = param.get("schema", {})
            types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if param["in"] == "query" and "integer" in types:
                query.append(f"{param['name']}={HUGE}")
            elif param["in"] == "query" and param.get("required"):
                query.append(f"{param['name']}=x")
        urls.append(re.sub(r"\{[^}]+\}", HUGE, path) + ("?" + "&".join(query) if query else ""))
    return urls


@pytest.mark.parametrize("url", _get_operations_with_integers())
def test_huge_integers_anywhere_are_never_a_server_error(world, client, url):
    response = client.get(url, **bearer(world.admin))
    assert response.status_code in (200, 404), (url, response.status_code)
    if response.status_code == 404:
        assert_error(response, 404)


def test_a_capped_list_refuses_pages_too_deep_to_read(world, login):
    """Past the count cap a list is served 200,000 rows deep; deeper pages are refused in Chinese, not scanned."""
    from dudao.core.listing import CAPPED_MAX_OFFSET, CappedApiPagination

    paginator = CappedApiPagination(count_cap=0)
    too_deep = CappedApiPagination.Input(page=CAPPED_MAX_OFFSET // 50 + 1, page_size=50)
    from dudao.core.errors import ApplicationError
    from dudao.regions.models import Region

    with pytest.raises(ApplicationError, match="请缩小筛选范围"):
        paginator.paginate_queryset(Region.objects.order_by("code"), too_deep, request=None)
    last = CappedApiPagination.Input(page=CAPPED_MAX_OFFSET // 50, page_size=50)
    assert paginator.paginate_queryset(Region.objects.order_by("code"), last, request=None)["count_capped"]
