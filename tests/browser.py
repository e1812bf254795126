"""Playwright helpers for browser tests: Debian's Chromium, headless, no browser download."""

import os
import re
from contextlib import contextmanager

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@contextmanager
def browser_page(chromium_path, locale="zh-CN", viewport=None):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale=locale, **({"viewport": viewport} if viewport else {}))
            yield context.new_page()
        finally:
            browser.close()


def log_in(page, base_url: str, username: str, password: str = "demo-pass-2026"):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


# Chromium logs the HTTP status of a page it loads; these are the refusals a test expects to see.
STATUS_LINE = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


class Console:
    """Collects console errors and uncaught exceptions; CSP violations are console errors."""

    def __init__(self, page):
        self.problems: list[str] = []
        self.expected: set[int] = set()
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def _message(self, message):
        if message.type not in ("error", "warning"):
            return
        status = STATUS_LINE.search(message.text)
        if status and int(status.group(1)) in self.expected:
            return
        self.problems.append(f"{message.type}: {message.text}")

    def assert_clean(self):
        assert self.problems == []


def watch(page, *expected_statuses) -> Console:
    console = Console(page)
    console.expected.update(expected_statuses)
    return console


def rows(page, testid) -> list[str]:
    return [row.inner_text() for row in page.locator(f"[data-testid={testid}] tbody tr").all()]
