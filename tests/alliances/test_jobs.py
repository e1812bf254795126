"""Long jobs (issue #19 point 6): a large export is a job run by the task worker, with progress; the
API answers 202 with the job's URL; only the alliance's readers of that kind see it; a failure is
recorded once and never retried."""

import io
import zipfile

import pytest
from django.test import Client
from django_scopes import scope
from django_tasks_db.models import DBTaskResult

from alliances import jobs, services
from alliances.models import Job
from tests.conftest import api_as, run_worker

EXPORT = "/api/v1/alliances/ocean-equipment/ledger/auditor-export/"


@pytest.fixture
def large(settings):
    """Every export counts as large: it goes through the worker."""
    settings.JOBS_SYNC_LIMIT = 0


@pytest.fixture
def broken_kind():
    """A kind of job whose builder fails on its data, after reporting some progress."""
    def build(job, progress):
        progress(40, "half way")
        raise ValueError("column 7 is not a date")

    jobs.register("tests.broken", "broken export", build, roles=None)
    yield "tests.broken"
    jobs.unregister("tests.broken")


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def job_of(ctx, pk) -> Job:
    with scope(alliance=ctx.alliance):
        return Job.objects.get(pk=pk)


def test_a_small_ledger_is_exported_in_the_request(oe):
    response = api_as(oe.user("auditor")).get(EXPORT)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with scope(alliance=oe.alliance):
        assert not Job.objects.exists()


def test_a_large_export_answers_202_then_the_worker_builds_the_file(oe, large, deliver):
    auditor = oe.user("auditor")
    with deliver():
        response = api_as(auditor).get(EXPORT)
        assert response.status_code == 202
        url = response.json()["job"]
        assert response["Location"] == url and url.startswith("http://testserver/api/v1/alliances/ocean-equipment/jobs/")
        queued = api_as(auditor).get(url).json()
        assert (queued["status"], queued["progress"], queued["file"]) == ("queued", 0, None)
        assert queued["kind"] == "审计导出（ZIP）" and queued["status_label"] == "排队中"
    done = api_as(auditor).get(url).json()
    assert (done["status"], done["progress"], done["error"]) == ("done", 100, "")
    assert done["file"].endswith("/file/") and done["finished_at"]
    token = services.api_token_issue(actor=auditor).key
    download = Client().get(done["file"], HTTP_AUTHORIZATION=f"Token {token}")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {"journal.csv", "trial_balance.csv", "verification.json", "chain.jsonl"} <= set(archive.namelist())
    assert 'filename="ledger-ocean-equipment-' in download["Content-Disposition"]


def test_the_page_redirects_to_a_progress_page_that_offers_the_file(oe, large, deliver):
    client = page_client(oe.user("sec"))
    with deliver():
        response = client.get("/a/ocean-equipment/finance/auditor-export/")
        assert response.status_code == 302
        page = response["Location"]
        assert client.get(response["Location"]).status_code == 200
        again = client.get("/a/ocean-equipment/finance/auditor-export/")  # a reload: the same job
        assert again["Location"] == page
    html = client.get(page).content.decode()
    assert 'data-job-status-url="' in html and "jobs.js" in html and "<script>" not in html
    status = client.get(page + "status/").json()
    assert status["status"] == "done" and status["file"] == page + "file/"
    assert 'data-testid="job-file" href="%sfile/"' % page in client.get(page).content.decode()


def test_a_job_is_seen_only_by_the_readers_of_its_kind_in_its_alliance(oe, bm, large, deliver):
    with deliver():
        url = api_as(oe.user("sec")).get(EXPORT).json()["job"]
    path = url.removeprefix("http://testserver")
    page = path.replace("/api/v1/alliances/", "/a/")
    assert api_as(oe.user("auditor")).get(path).status_code == 200  # a ledger reader, not the requester
    assert api_as(oe.user("rep-1")).get(path).status_code == 404  # no ledger in a representative's roles
    assert api_as(bm.user("sg")).get(path).status_code == 404  # another alliance
    other_alliance = path.replace("/ocean-equipment/", "/biomed/")
    assert api_as(bm.user("sg")).get(other_alliance).status_code == 404  # its own alliance, not its job
    for suffix in ("", "status/", "file/"):
        assert page_client(oe.user("rep-1")).get(page + suffix).status_code == 404
        assert page_client(bm.user("sg")).get(page + suffix).status_code == 404
    assert page_client(oe.user("auditor")).get(page + "file/").status_code == 200


def test_a_failing_job_is_marked_failed_with_its_error_once_and_shown_to_the_secretariat(oe, broken_kind, deliver):
    sec = oe.user("sec")
    with deliver():
        job = jobs.job_start(actor=sec, alliance=oe.alliance, kind=broken_kind, params={"file": "a.csv"})
    job = job_of(oe, job.pk)
    assert job.status == Job.Status.FAILED and job.error == "ValueError: column 7 is not a date"
    assert job.progress == 40 and job.finished_at and not job.result
    # Nothing is waiting to run it again, and a worker pass leaves it failed.
    assert not DBTaskResult.objects.ready().exists()
    run_worker()
    assert job_of(oe, job.pk).status == Job.Status.FAILED
    listing = page_client(sec).get("/a/ocean-equipment/jobs/").content.decode()
    assert "ValueError: column 7 is not a date" in listing and "失败" in listing and "broken export" in listing
    status = page_client(sec).get(f"/a/ocean-equipment/jobs/{job.pk}/status/").json()
    assert (status["status"], status["file"]) == ("failed", None)
    assert page_client(sec).get(f"/a/ocean-equipment/jobs/{job.pk}/file/").status_code == 404


def test_the_job_list_is_the_secretariats(oe):
    assert page_client(oe.user("sec")).get("/a/ocean-equipment/jobs/").status_code == 200
    assert page_client(oe.user("auditor")).get("/a/ocean-equipment/jobs/").status_code == 403


def test_progress_is_written_while_the_builder_runs(oe, deliver):
    seen = []

    def build(job, progress):
        for percent in (10, 55, 120):
            progress(percent, f"step {percent}")
            seen.append(Job.objects.filter(pk=job.pk).values_list("status", "progress", "message").get())
        return "out.csv", b"a,b\n"

    jobs.register("tests.steps", "steps", build)
    try:
        with deliver():
            job = jobs.job_start(actor=oe.user("sec"), alliance=oe.alliance, kind="tests.steps")
    finally:
        jobs.unregister("tests.steps")
    assert seen == [("running", 10, "step 10"), ("running", 55, "step 55"), ("running", 99, "step 120")]
    done = job_of(oe, job.pk)
    assert (done.status, done.progress, done.result_name) == ("done", 100, "out.csv")
    assert done.result.read() == b"a,b\n"


def test_a_lost_job_is_failed_by_the_sweep_and_asking_again_starts_a_new_one(oe, settings):
    sec = oe.user("sec")
    lost = jobs.job_start(actor=sec, alliance=oe.alliance, kind="finance.auditor_zip", params={"as_of": "2026-06-30"})
    assert jobs.job_start(actor=sec, alliance=oe.alliance, kind="finance.auditor_zip",
                          params={"as_of": "2026-06-30"}).pk == lost.pk  # still waiting: the same job
    settings.JOBS_TIMEOUT_SECONDS = 0
    assert jobs.sweep.call() == 1 and jobs.sweep.call() == 0
    swept = job_of(oe, lost.pk)
    assert swept.status == Job.Status.FAILED and "请重新提交" in swept.error
    assert jobs.run.call(lost.pk) == "not queued"  # a late task does not revive it
    again = jobs.job_start(actor=sec, alliance=oe.alliance, kind="finance.auditor_zip", params={"as_of": "2026-06-30"})
    assert again.pk != lost.pk and again.status == Job.Status.QUEUED
