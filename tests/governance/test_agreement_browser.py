"""The secretariat drafts an agreement amendment in the browser and puts it to the council; the
council adopts it; the next motion is decided by the threshold the amended agreement sets."""

import pytest
from django_scopes import scope

from governance import services
from governance.agreement import demo as agreement_demo
from governance.models import Motion
from tests.browser import browser_page, log_in

from .helpers import councillors, open_motion, vote


@pytest.mark.django_db(transaction=True)
def test_amendment_drafted_voted_and_applied_to_the_next_motion(chromium_path, live_server, oe):
    with scope(alliance=oe.alliance):
        agreement_demo.sign_founding(oe)
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    with browser_page(chromium_path, locale="zh-CN") as page:
        log_in(page, live_server.url, oe.user("sec").username)
        page.goto(f"{base}/agreement/")
        assert "第1版" in page.inner_text("[data-testid=agreement-in-force]")
        page.click("[data-testid=agreement-draft]")
        page.select_option("[data-testid=rule-other]", "two_thirds_seats")
        page.fill("textarea[name=note]", "其他事项改为三分之二多数")
        page.click("[data-testid=agreement-draft-save]")
        assert "全体理事三分之二以上同意" in page.inner_text("[data-testid=diff-row]")
        page.click("[data-testid=version-propose]")
        page.click("[data-testid=version-motion]")
        assert "全体理事一致同意" in page.inner_text("[data-testid=threshold]")  # 附件2 §10
        with scope(alliance=oe.alliance):
            motion = Motion.objects.get(kind="agreement_amendment", status="open")
        vote(oe, motion, councillors(oe), "for")
        services.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
        page.goto(f"{base}/agreement/")
        assert "第2版" in page.inner_text("[data-testid=agreement-in-force]")
        following = open_motion(oe, kind="other", title="修订后的下一项议案")
        page.goto(f"{base}/motions/{following.pk}/")
        assert page.inner_text("[data-testid=threshold]") == "全体理事三分之二以上同意"
