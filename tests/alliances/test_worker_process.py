"""One end-to-end path through a real worker process (issue #19 point 7): `manage.py db_worker` runs
beside the test against the same database (committed rows: a transactional test; on SQLite a file,
tests/conftest.py `django_db_modify_db_settings`). An SMTP server refuses the first delivery of the
invitation, then accepts: the message arrives exactly once. A large export is built by the same
worker, with its progress recorded, and downloaded through the API's job URL."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled

from alliances import services
from alliances.models import Job, OutboxMessage, Role
from tests.conftest import api_as

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
INVITED = "worker.e2e@example.com"


class FlakySmtp:
    """Refuses the first `failures` messages to `target` (451, try later), accepts everything else."""

    def __init__(self, target: str, failures: int):
        self.target, self.failures = target, failures
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        if self.target in envelope.rcpt_tos and self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Temporary failure, try again later"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[bytes]:
        return [content for rcpt, content in self.received if address in rcpt]


@pytest.fixture
def smtp():
    handler = FlakySmtp(INVITED, failures=1)
    with socket.socket() as probe:  # a free port (aiosmtpd's controller does not take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def database_url() -> str:
    """The test database, as the worker process's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(smtp):
    """`manage.py db_worker` in its own process, sending through the flaky SMTP server."""
    _handler, port = smtp
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
           "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
           "EMAIL_PORT": str(port), "OUTBOX_RETRY_SECONDS": "1", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "LIANMENG_KEY_DIR": str(settings.LIANMENG_KEY_DIR), "LIANMENG_CHECKPOINT_KEY": ""}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2",
         "--queue-name", "*"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)  # shown by pytest when the test failed


def wait_for(check, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish: {what}")


def test_the_worker_process_delivers_once_after_an_smtp_failure_and_builds_a_job(oe, smtp, worker, settings):
    handler, _port = smtp
    settings.JOBS_SYNC_LIMIT = 0
    services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email=INVITED, role=Role.STAFF)
    auditor = oe.user("auditor")
    accepted = api_as(auditor).get("/api/v1/alliances/ocean-equipment/ledger/auditor-export/")
    assert accepted.status_code == 202
    job_url = accepted.json()["job"]

    def sent():
        with scopes_disabled():
            return OutboxMessage.objects.filter(recipient=INVITED, status=OutboxMessage.Status.SENT).first()

    message = wait_for(sent, "the invitation")

    def finished():
        data = api_as(auditor).get(job_url).json()
        return data if data["status"] in ("done", "failed") else None

    job = wait_for(finished, "the auditor export")
    time.sleep(1.5)  # a second delivery, if any, would land now
    assert worker.poll() is None  # still serving
    assert handler.failures == 0  # the server did refuse the first attempt
    assert message.attempts == 2 and message.last_error == ""
    [content] = handler.to(INVITED)
    assert b"set-password" in content
    assert (job["status"], job["progress"], job["error"]) == ("done", 100, "")
    with scopes_disabled():
        row = Job.objects.get(pk=job["id"])
    assert row.started_at and row.finished_at >= row.started_at
    token = services.api_token_issue(actor=auditor).key
    download = Client().get(job["file"], HTTP_AUTHORIZATION=f"Token {token}")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")
