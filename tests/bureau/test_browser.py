import pytest

from alliances.models import Alliance
from tests.browser import browser_page, log_in
from tests.bureau.conftest import draft, fresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_general_submits_and_the_bureau_approves_in_the_browser(oe, bm, bureau_user, live_server, chromium_path):
    submission = draft(oe)
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, "ocean-equipment-sg")
        page.goto(f"{live_server.url}/a/ocean-equipment/submissions/{submission.pk}/")
        with page.expect_navigation():
            page.click("[data-testid=submit]")
        assert page.locator("[data-testid=status]").inner_text() == "已报送待审"

    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, "bureau")
        page.goto(f"{live_server.url}/bureau/")
        row = page.locator("[data-testid=row-ocean-equipment]")
        assert "申请认定中" in row.inner_text()
        with page.expect_navigation():
            row.locator("a", has_text="1").click()
        with page.expect_navigation():
            page.locator("[data-testid=inbox] a").first.click()
        page.select_option("#id_decision", "approved")
        page.fill("#id_necessity_opinion", "具备组建必要性。")
        page.fill("#id_organisation_opinion", "组织形式符合要求。")
        with page.expect_navigation():
            page.click("[data-testid=decide-form] button[type=submit]")
        assert page.locator("[data-testid=status]").inner_text() == "已批准"
        assert "具备组建必要性。" in page.locator("[data-testid=decision]").inner_text()
    assert fresh(oe, submission).status == "approved"
    assert Alliance.objects.get(pk=oe.alliance.pk).status == Alliance.Status.RECOGNISED
