import pytest

from alliances.models import Alliance
from tests.browser import browser_page, log_in
from bureau import demo
from tests.bureau.conftest import draft, fresh, package, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_general_submits_and_the_bureau_approves_in_the_browser(oe, bm, bureau_user, live_server, chromium_path):
    package(oe)  # 第八条、第九条 met; no offices set up: one officer decides
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
            row.locator("a", has_text="2").click()  # the fund rules filed before (第八条（五）) and the application
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


def _decide_stage(page, url, user, outcome, opinion):
    log_in(page, url, user)
    page.goto(f"{url}/bureau/")
    with page.expect_navigation():
        page.click("[data-testid=reviews-link]")
    with page.expect_navigation():
        page.locator("[data-testid=reviews] a").first.click()
    page.select_option("[data-testid=decide-form] select[name=outcome]", outcome)
    page.fill("[data-testid=decide-form] textarea[name=opinion]", opinion)
    with page.expect_navigation():
        page.click("[data-testid=decide-form] button[type=submit]")


def test_the_staged_review_in_the_browser_business_office_passes_general_office_returns(oe, live_server, chromium_path):
    demo.offices()
    submission = submitted(oe)
    with browser_page(chromium_path) as page:  # the wrong office cannot decide the first stage
        _decide_stage(page, live_server.url, "bureau-general", "passed", "越权意见")
        assert "高新技术处" in page.locator("[data-testid=review-error]").inner_text()
        assert page.locator("[data-testid=stage]").inner_text() == "业务处室审核"
    with browser_page(chromium_path) as page:
        _decide_stage(page, live_server.url, "bureau-hitech", "passed", "具备组建必要性。")
        assert page.locator("[data-testid=stage]").inner_text() == "综合处室复核"
    with browser_page(chromium_path) as page:
        _decide_stage(page, live_server.url, "bureau-general", "returned", "请补充秘书处专职人员情况。")
    assert fresh(oe, submission).status == "returned"
    with browser_page(chromium_path) as page:  # the alliance sees the stage and every opinion addressed to it
        log_in(page, live_server.url, "ocean-equipment-sg")
        page.goto(f"{live_server.url}/a/ocean-equipment/submissions/{submission.pk}/")
        review = page.locator("[data-testid=review]").inner_text()
        assert "具备组建必要性。" in review and "请补充秘书处专职人员情况。" in review
        assert page.locator("[data-testid=review-stage]").inner_text() == "综合处室复核"
