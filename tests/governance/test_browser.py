"""A councillor logs in through the login form, votes, changes the vote, and sees the sealed result after close."""

import pytest
from django.core.management import call_command

from tests.browser import browser_page, log_in

from .helpers import councillors, end_window, open_motion, vote


@pytest.mark.django_db(transaction=True)
def test_councillor_votes_changes_vote_and_sees_sealed_result(chromium_path, live_server, oe):
    motion = open_motion(oe, kind="budget", title="浏览器测试议案")
    vote(oe, motion, councillors(oe)[:2], "for")
    user = oe.user("council-3")
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    with browser_page(chromium_path, locale="zh-CN") as page:
        log_in(page, live_server.url, user.username)
        page.goto(f"{base}/motions/")
        page.click("text=浏览器测试议案")
        page.check("[data-testid=vote-form] input[value=against]")
        page.click("[data-testid=vote-form] button[type=submit]")
        assert "反对" in page.inner_text("[data-testid=my-choice]")
        page.check("[data-testid=vote-form] input[value=for]")
        page.click("[data-testid=vote-form] button[type=submit]")
        assert "赞成" in page.inner_text("[data-testid=my-choice]")
        end_window(oe, motion)
        call_command("close_motions")
        page.goto(f"{base}/motions/{motion.pk}/")
        assert page.inner_text("[data-testid=result]") == "通过"
        sealed = page.inner_text("[data-testid=sealed-result]")
        assert "赞成 3" in sealed and user.display_name in sealed
        assert page.locator("[data-testid=vote-form]").count() == 0  # no voting after close
        page.click("[data-testid=resolution-link]")
        assert "理事会决议" in page.inner_text("[data-testid=resolution]")


PHONE = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale, threshold", [("zh-CN", "全体理事过半数同意"), ("en-US", "more than half of all councillors")])
def test_a_councillor_votes_on_a_phone(chromium_path, live_server, oe, locale, threshold):
    """At 390×844 each choice (label and radio) is a touch target of at least 44 px, the threshold is
    in words, and a councillor who comes back finds their current choice selected."""
    motion = open_motion(oe, kind="budget", title="手机表决议案")
    user = oe.user("council-3")
    with browser_page(chromium_path, locale=locale, viewport=PHONE) as page:
        log_in(page, live_server.url, user.username)
        page.goto(f"{live_server.url}/a/{oe.alliance.slug}/motions/{motion.pk}/")
        assert page.inner_text("[data-testid=threshold]") == threshold
        assert "absolute_majority_seats" not in page.inner_text("body")
        choices = page.locator("[data-testid=vote-form] label")
        assert choices.count() == 3
        for i in range(3):
            box = choices.nth(i).bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
        assert page.locator("[data-testid=vote-form] input:checked").count() == 0
        choices.nth(1).click()  # a tap on the label's text selects its radio
        page.click("[data-testid=vote-form] button[type=submit]")
        page.goto(f"{live_server.url}/a/{oe.alliance.slug}/motions/{motion.pk}/")
        assert page.locator("[data-testid=vote-form] input:checked").get_attribute("value") == "against"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
