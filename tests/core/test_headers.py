"""Content-Security-Policy on every HTML page, templates that need no inline script, the favicon."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted([*ROOT.glob("dudao/*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")])


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_carry_a_strict_policy(client, world, login):
    for response in (client.get("/login/"), login(world.office_a).get("/"), client.get("/public/results/")):
        assert response.status_code == 200
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'; a nonce only when used
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:", "blob:"]


def test_templates_have_no_inline_script_or_event_handler():
    assert len(TEMPLATES) > 50
    offenders = []
    for path in TEMPLATES:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        offenders += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.relative_to(ROOT)}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


def test_htmx_runs_without_eval():
    base = (ROOT / "templates/base.html").read_text()
    assert '"allowEval": false' in base and '"includeIndicatorStyles": false' in base


@pytest.mark.django_db
def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    assert (ROOT / "static/favicon.svg").read_text().startswith("<svg")
    assert 'rel="icon"' in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_the_api_docs_need_no_inline_script_or_cdn(world, login):
    page = login(world.admin).get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn.jsdelivr" not in html and "/static/ninja/swagger-ui-init.js" in html
    assert all("src=" in tag or "application/json" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_an_inline_script_runs_only_with_the_requests_nonce(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.template import engines

    def view(request):
        html = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}">1</script>').render(
            {"CSP_NONCE": request.csp_nonce}, request)
        return HttpResponse(html)

    responses = [CSPMiddleware(view)(rf.get("/")) for _ in range(2)]
    nonces = [re.search(r'nonce="([^"]+)"', r.content.decode()).group(1) for r in responses]
    assert nonces[0] != nonces[1]
    for response, nonce in zip(responses, nonces, strict=True):
        assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
