"""Playwright driving Debian's Chromium (/usr/bin/chromium); never a downloaded browser.

Locally the browser tests skip when Chromium is missing; in CI (CI=true) that is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls here are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Runs in every page before its own scripts (Playwright injects it past the page's CSP): a blocked script, style
# or handler is reported as a console error that the `browser` fixture collects.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: /usr/bin/chromium is missing (apt-get install chromium).")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


class WatchedBrowser:
    """The session's Chromium, but every page it opens reports Content-Security-Policy violations (the event
    and Chromium's own "Refused to ..." console errors) into `violations`."""

    def __init__(self, browser):
        self._browser, self.violations, self._contexts = browser, [], []

    def _watch(self, context):
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", self._console)
        self._contexts.append(context)
        return context

    def _console(self, message):
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            self.violations.append(f"{message.location.get('url', '')}: {text}")

    def new_context(self, **kwargs):
        return self._watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        context = self.new_context(**kwargs)
        page = context.new_page()
        page.on("close", lambda _page: context.close())
        return page

    def close_contexts(self):
        for context in self._contexts:
            try:
                context.close()
            except Exception:  # already closed with its page
                pass


@pytest.fixture
def browser(chromium):
    """Every browser test runs under the site's CSP and fails if the page reports a violation."""
    watched = WatchedBrowser(chromium)
    yield watched
    watched.close_contexts()
    assert watched.violations == [], "Content-Security-Policy violations:\n" + "\n".join(watched.violations)


@pytest.fixture
def shot():
    """shot(page, name): save a full-page screenshot under tests/browser/artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot


def sign_in(page, base: str, username: str, password: str) -> None:
    """Log in through the login page and wait for the home page."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def follow(page, selector: str) -> None:
    """Click a link or a submit button and wait until the page it leads to has loaded.

    Playwright's click returns as soon as the click is dispatched; reading the page right after a navigating
    click can catch the old document, or none at all (documentElement is null while the new one commits)."""
    with page.expect_event("load"):
        page.click(selector)
