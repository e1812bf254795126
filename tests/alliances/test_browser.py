import pytest

from tests.browser import browser_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_logs_in_and_sees_the_chinese_dashboard(oe, live_server, chromium_path):
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, "ocean-equipment-sec")
        assert page.url.endswith("/a/ocean-equipment/")
        assert page.locator("[data-testid=dashboard-title]").inner_text() == "联盟概览"
        assert "海洋装备产业技术创新战略联盟" in page.locator("[data-testid=alliance-name]").inner_text()
        assert "秘书处工作人员" in page.content()
        assert page.locator("nav.side a", has_text="人员与角色").count() == 1


def test_switching_to_english(oe, live_server, chromium_path):
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, "ocean-equipment-council-1")
        with page.expect_navigation():
            page.select_option("[data-testid=language-switch]", "en")
        assert page.locator("[data-testid=dashboard-title]").inner_text() == "Alliance overview"
        assert "Ocean Equipment" in page.locator("[data-testid=alliance-name]").inner_text()
        # A councillor's navigation has no people administration.
        assert page.locator("nav.side a", has_text="People and roles").count() == 0


def test_a_person_in_two_alliances_switches_between_them(oe, bm, live_server, chromium_path):
    from alliances import services
    from alliances.models import Role

    services.role_grant(actor=bm.user("sg"), alliance=bm.alliance, user=oe.user("auditor"), role=Role.STAFF)
    with browser_page(chromium_path) as page:
        log_in(page, live_server.url, "ocean-equipment-auditor")
        with page.expect_navigation():
            page.click("a.tile:has-text('生物医药产业技术创新战略联盟')")
        assert page.url.endswith("/a/biomed/")
        switcher = page.locator("[data-testid=alliance-switcher]")
        switcher.select_option(label="海洋装备产业技术创新战略联盟")
        page.wait_for_url("**/a/ocean-equipment/")
        assert page.locator("[data-testid=dashboard-title]").inner_text() == "联盟概览"
