"""Long jobs (issue #19 point 6): a large export or archive is built by the task worker, not inside the
request. Each app registers its kinds of job in its AppConfig.ready() (`register`): a label, who may ask
for one and read it, and a builder `build(job, progress) -> (filename, bytes)` that reports
`progress(percent, message)` as it goes. `job_start` writes the job and enqueues `run` after the commit;
the page polls the job's status, the API answers 202 with the job's URL. Below
`settings.JOBS_SYNC_LIMIT` rows an export is built in the request by the same builder (`export`).

A builder's exception marks the job failed with its error, once: the task is not retried (a job that
failed on its data fails again; the requester asks anew after the cause is fixed)."""

import logging
import mimetypes
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope
from django_tasks import task

from alliances import access
from alliances.errors import Forbidden, ServiceError
from alliances.models import Job
from alliances.tenancy import tenant_service

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # a lazy translation
    build: Callable
    roles: frozenset | None  # who may ask and read (None: every role of the alliance)
    bureau_reads: bool


_kinds: dict[str, Kind] = {}


def register(name: str, label, build: Callable, roles=None, *, bureau_reads: bool = True) -> None:
    _kinds[name] = Kind(name, label, build, frozenset(roles) if roles is not None else None, bureau_reads)


def unregister(name: str) -> None:
    """For tests that register a kind of their own."""
    _kinds.pop(name, None)


def kind_of(name: str) -> Kind:
    return _kinds[name]


def label(job: Job) -> str:
    found = _kinds.get(job.kind)
    return str(found.label) if found else job.kind


def may_see(user, alliance, job: Job) -> bool:
    """A job is read by whoever may ask for that kind in its alliance; anyone else does not see it."""
    found = _kinds.get(job.kind)
    return (found is not None and job.alliance_id == alliance.pk
            and access.may_read(user, alliance, found.roles, bureau_reads=found.bureau_reads))


def visible(user, alliance, pk: int) -> Job:
    """The job `pk` of `alliance` if `user` may see it, else 404 (as if it did not exist)."""
    job = Job.objects.filter(alliance=alliance, pk=pk).select_related("alliance", "requested_by").first()
    if job is None or not may_see(user, alliance, job):
        raise Http404
    return job


UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)


def _lost_before():
    return timezone.now() - timedelta(seconds=settings.JOBS_TIMEOUT_SECONDS)


@tenant_service(when_dissolved=True)  # a file of records already there: an archive is still read
def job_start(*, actor, alliance, kind: str, params: dict | None = None) -> Job:
    """Ask for a job; the same job of the same person still waiting or running is returned instead
    of a second one (a reload does not start the work again)."""
    found = kind_of(kind)
    if not access.may_read(actor, alliance, found.roles, bureau_reads=found.bureau_reads):
        raise Forbidden()
    params = params or {}
    for job in Job.objects.filter(requested_by=actor, kind=kind, status__in=UNFINISHED, created_at__gt=_lost_before()):
        if job.params == params:
            return job
    job = Job.objects.create(alliance=alliance, requested_by=actor, kind=kind, params=params,
                             language=translation.get_language() or settings.LANGUAGE_CODE)
    transaction.on_commit(lambda: run.enqueue(job.pk))
    return job


@task()
def sweep() -> int:
    """Scheduled: a job unfinished JOBS_TIMEOUT_SECONDS after it was asked for was lost with its worker;
    it is marked failed (never run again: the requester asks anew). Safe to run twice."""
    with translation.override(settings.LANGUAGE_CODE):
        error = str(_("任务超时未完成（后台进程可能已停止），请重新提交。"))
    return Job.objects.with_scopes_disabled().filter(status__in=UNFINISHED, created_at__lte=_lost_before()).update(
        status=Job.Status.FAILED, error=error, finished_at=timezone.now())


def _update(pk: int, **fields) -> int:
    """Write to a running job only: one the sweep gave up on stays failed."""
    return Job.objects.with_scopes_disabled().filter(pk=pk, status=Job.Status.RUNNING).update(**fields)


@task()
def run(job_id: int) -> str:
    """The worker's side: claim the queued job, build its file with progress, store it, or record the error."""
    job = Job.objects.with_scopes_disabled().select_related("alliance", "requested_by").filter(pk=job_id).first()
    if job is None or not Job.objects.with_scopes_disabled().filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now(), progress=0):
        return "not queued"

    def progress(percent, message=""):
        _update(job_id, progress=max(0, min(99, int(percent))), message=str(message)[:200])

    try:
        with scope(alliance=job.alliance), translation.override(job.language or settings.LANGUAGE_CODE):
            name, content = kind_of(job.kind).build(job, progress)
            job.result.save(name, ContentFile(content), save=False)
    except Exception as error:  # any failure of the builder is the job's failure, recorded for the secretariat
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _update(job_id, status=Job.Status.FAILED, error=error_text(error)[:5000], finished_at=timezone.now())
        return "failed"
    _update(job_id, status=Job.Status.DONE, progress=100, message="", result=job.result.name, result_name=name,
            finished_at=timezone.now())
    return "done"


def error_text(error: Exception) -> str:
    """A service's refusal in its own words, with each field's messages (an import's row-by-row
    report); any other error with its type, for whoever fixes it."""
    if isinstance(error, ServiceError):
        return "\n".join([str(error.message), *(f"{field}：{message}" for field, messages in error.fields.items()
                                                  for message in messages)])
    return f"{type(error).__name__}: {error}"


def status_of(job: Job) -> dict:
    """What the progress bar and the API show of a job; `file` is the download's path once it is done."""
    done = job.status == Job.Status.DONE
    return {
        "id": job.pk, "kind": label(job), "status": job.status, "status_label": str(job.get_status_display()),
        "progress": job.progress, "message": job.message, "error": job.error,
        "file": reverse("alliances:job_file", kwargs={"slug": job.alliance.slug, "pk": job.pk}) if done else None,
        "created_at": timezone.localtime(job.created_at).isoformat(),
        "finished_at": timezone.localtime(job.finished_at).isoformat() if job.finished_at else None,
    }


def build_now(kind: str, alliance, user, params: dict) -> tuple[str, bytes]:
    """Build a small file in the request with the job's own builder (no row, no progress)."""
    return kind_of(kind).build(Job(alliance=alliance, requested_by=user, kind=kind, params=params), lambda *a: None)


def file_response(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def is_large(rows: int) -> bool:
    return rows >= settings.JOBS_SYNC_LIMIT


def export(request, alliance, kind: str, params: dict, rows: int):
    """A page's export: the file itself when small, else a job and a redirect to its progress page."""
    if not is_large(rows):
        return file_response(*build_now(kind, alliance, request.user, params))
    job = job_start(actor=request.user, alliance=alliance, kind=kind, params=params)
    return redirect("alliances:job", slug=alliance.slug, pk=job.pk)


def api_export(request, alliance, kind: str, params: dict, rows: int):
    """The API's export: the file itself when small, else 202 with `{"job": url}` to poll."""
    from rest_framework.response import Response

    if not is_large(rows):
        return file_response(*build_now(kind, alliance, request.user, params))
    job = job_start(actor=request.user, alliance=alliance, kind=kind, params=params)
    url = request.build_absolute_uri(reverse("alliances_api:job", kwargs={"slug": alliance.slug, "pk": job.pk}))
    return Response({"job": url}, status=202, headers={"Location": url})
