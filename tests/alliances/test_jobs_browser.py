"""A job's progress in the browser (issue #19 point 7): the page polls the job's status with a static
script (the content security policy holds) and offers the file when the worker is done."""

import pytest

from alliances import jobs
from tests.browser import browser_page, log_in, watch
from tests.conftest import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def halting_kind():
    """A kind of job whose builder stops half way until the browser has shown it (the builder runs in
    the test's thread, as the page does)."""
    shown = {}

    def build(job, progress):
        from playwright.sync_api import expect

        progress(50, "正在处理第二部分")
        page = shown["page"]
        expect(page.locator("[data-testid=job-percent]")).to_have_text("50%", timeout=15_000)
        expect(page.locator("[data-testid=job-message]")).to_have_text("正在处理第二部分")
        expect(page.locator("[data-testid=job-status]")).to_have_text("进行中")
        shown["half"] = page.locator("[data-testid=job-progress]").get_attribute("value")
        return "halves.csv", "a,b\n".encode()

    jobs.register("tests.halting", "测试导出", build)
    yield shown
    jobs.unregister("tests.halting")


def test_the_progress_page_follows_the_worker_and_offers_the_file(oe, live_server, chromium_path, settings,
                                                                 halting_kind):
    settings.JOBS_SYNC_LIMIT = 0
    with browser_page(chromium_path) as page:
        console = watch(page)
        log_in(page, live_server.url, "ocean-equipment-sec")
        page.goto(f"{live_server.url}/a/ocean-equipment/finance/auditor-export/")
        assert "/a/ocean-equipment/jobs/" in page.url
        assert page.locator("h1").inner_text() == "审计导出（ZIP）"
        assert page.locator("[data-testid=job-status]").inner_text() == "排队中"
        assert page.locator("[data-testid=job-file]").is_hidden()
        run_worker()
        page.locator("[data-testid=job-file]").wait_for(state="visible", timeout=15_000)
        assert page.locator("[data-testid=job-status]").inner_text() == "已完成"
        assert page.locator("[data-testid=job-percent]").inner_text() == "100%"
        with page.expect_download() as download:
            page.click("[data-testid=job-file]")
        assert download.value.suggested_filename.startswith("ledger-ocean-equipment-")

        job = jobs.job_start(actor=oe.user("sec"), alliance=oe.alliance, kind="tests.halting")
        page.goto(f"{live_server.url}/a/ocean-equipment/jobs/{job.pk}/")
        halting_kind["page"] = page
        run_worker()  # the builder waits until the page shows 50 %
        assert halting_kind["half"] == "50"
        page.locator("[data-testid=job-file]").wait_for(state="visible", timeout=15_000)
        assert page.locator("[data-testid=job-percent]").inner_text() == "100%"
        console.assert_clean()
