"""The balanced-lines editor in a real browser: live totals, an added line, record, approval by another."""

import os

import pytest
from django_scopes import scope

from finance import services
from finance.models import JournalEntry
from tests.browser import browser_page, log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_entry_editor_totals_and_maker_checker(chromium_path, live_server, oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    base = f"{live_server.url}/a/{oe.alliance.slug}/finance"
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, oe.user("sec").username)
        page.goto(f"{base}/entries/new/")
        page.fill("#id_date", "2026-02-10")
        page.fill("#id_description", "浏览器录入")
        page.select_option("#id_lines-0-account", "1002")
        page.select_option("#id_lines-0-fund", str(fund.pk))
        page.fill("#id_lines-0-debit", "120.50")
        page.select_option("#id_lines-1-account", "4901.02")
        page.select_option("#id_lines-1-fund", str(fund.pk))
        page.fill("#id_lines-1-credit", "100.00")
        assert page.text_content("[data-testid=debit-total]") == "120.50"
        assert page.text_content("[data-testid=balance-state]") == "借贷不平衡"
        rows = page.locator("tr.line").count()
        page.click("#add-line")
        assert page.locator("tr.line").count() == rows + 1
        page.select_option(f"#id_lines-{rows}-account", "4901.02")
        page.select_option(f"#id_lines-{rows}-fund", str(fund.pk))
        page.fill(f"#id_lines-{rows}-credit", "20.50")
        assert page.text_content("[data-testid=credit-total]") == "120.50"
        assert page.text_content("[data-testid=balance-state]") == "借贷平衡"
        page.click("[data-testid=entry-submit]")
        page.wait_for_load_state()
        assert page.text_content("[data-testid=entry-status]") == "待审核"
        assert page.locator("[data-testid=approve]").count() == 0
    with scope(alliance=oe.alliance):
        entry = JournalEntry.objects.get()
        assert entry.lines.count() == 3
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, oe.user("sg").username)
        page.goto(f"{base}/entries/{entry.pk}/")
        page.click("[data-testid=approve]")
        page.wait_for_load_state()
        assert page.text_content("[data-testid=entry-status]") == "已过账"
