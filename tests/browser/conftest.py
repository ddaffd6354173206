"""Playwright (sync API) driving Debian's chromium against pytest-django's live_server.

Never `playwright install`: the browser is the Debian package (`make browser-deps`). Without
/usr/bin/chromium the browser tests skip with the reason, except in CI (CI=true), where a
missing browser is a failure.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts.chromium import CHROMIUM, launch

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "laptop": {"viewport": {"width": 1366, "height": 900}},
    "mobile": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

# Collects what a reader's browser would complain about. Init scripts are injected by the
# DevTools protocol, so the page's own CSP does not block this listener.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : ""));
});
"""


def _unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run; `make browser-deps` installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found: install Debian's chromium (`make browser-deps`, as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (`make venv`)")

    # Playwright's sync API keeps an asyncio loop running in this thread; Django would take
    # every ORM call made from the test body for an async context without this.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed requests seen by one page."""

    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)

    def watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed_requests.append(f"{request.url}: {request.failure}"))
        page.on("response", self._on_response)

    def _on_response(self, response):
        if response.status >= 400:
            self.failed_requests.append(f"{response.url}: HTTP {response.status}")

    def _on_console(self, message):
        if message.type != "error":
            return
        source = message.location.get("url", "")
        self.console_errors.append(f"{message.text} ({source})" if source else message.text)

    def report(self, page):
        violations = page.evaluate("window.__cspViolations || []")
        lines = [f"console error: {text}" for text in self.console_errors]
        lines += [f"uncaught exception: {text}" for text in self.page_errors]
        lines += [f"failed request: {text}" for text in self.failed_requests]
        lines += [f"CSP violation: {text}" for text in violations]
        self.console_errors.clear()
        self.page_errors.clear()
        self.failed_requests.clear()
        return lines


@pytest.fixture
def open_page(browser):
    """open_page(viewport) -> (page, problems): a fresh browser context per call."""
    contexts = []

    def open_page(viewport="desktop"):
        context = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport])
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        return page, problems

    yield open_page
    for context in contexts:
        context.close()


def serious_accessibility_violations(page):
    """axe-core's violations of impact serious or critical, formatted for a failure message."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in {"serious", "critical"}:
            continue
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return lines


def save_screenshot(page, name):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
