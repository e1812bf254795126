"""Playwright helpers for browser tests: Debian's Chromium, headless, no browser download."""

import os
from contextlib import contextmanager

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@contextmanager
def browser_page(chromium_path, locale="zh-CN"):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale=locale)
            yield context.new_page()
        finally:
            browser.close()


def log_in(page, base_url: str, username: str, password: str = "demo-pass-2026"):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
