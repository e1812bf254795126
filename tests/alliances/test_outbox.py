"""The e-mail outbox (issue #19 point 2): written in the service's transaction, sent by the task
worker after the commit, retried with backoff, failed messages retried by the secretariat."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from alliances import outbox, services
from alliances.errors import Conflict, Forbidden
from alliances.models import OutboxMessage, Role, RoleGrant, User
from tests.conftest import run_worker


class FlakyBackend(EmailBackend):
    """A mail server that refuses the next `failures` messages, then accepts (into `mail.outbox`)."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.alliances.test_outbox.FlakyBackend"
    settings.OUTBOX_RETRY_SECONDS = 0  # every retry due at once: the worker's one batch run sees them all
    settings.OUTBOX_MAX_ATTEMPTS = 3
    FlakyBackend.failures = 0
    mail.outbox.clear()
    yield FlakyBackend
    FlakyBackend.failures = 0


def invite(ctx, email="new.person@example.com"):
    return services.person_invite(actor=ctx.user("sec"), alliance=ctx.alliance, email=email, role=Role.STAFF)


def messages_to(ctx, email):
    with scope(alliance=ctx.alliance):
        return list(OutboxMessage.objects.filter(recipient=email))


def test_invitation_is_sent_by_the_worker_after_the_commit(oe, deliver):
    mail.outbox.clear()
    with deliver():
        invite(oe)
        assert mail.outbox == []  # nothing is sent inside the service's transaction
    assert [m.to for m in mail.outbox] == [["new.person@example.com"]]
    [message] = messages_to(oe, "new.person@example.com")
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1 and message.sent_at
    assert message.kind == OutboxMessage.Kind.INVITATION and "set-password" in message.body


def test_rollback_leaves_no_message_no_task_and_no_mail(oe, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    tasks_before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            invite(oe)
            raise RuntimeError("the surrounding work fails")
    run_worker()
    assert callbacks == [] and DBTaskResult.objects.count() == tasks_before
    assert messages_to(oe, "new.person@example.com") == [] and mail.outbox == []
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_smtp_error_keeps_the_invitation_and_the_retry_delivers_exactly_once(oe, deliver, flaky):
    flaky.failures = 2
    with deliver():
        grant = invite(oe)
    with scope(alliance=oe.alliance):
        assert RoleGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).exists()
    [message] = messages_to(oe, "new.person@example.com")
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 3
    assert [m.to for m in mail.outbox] == [["new.person@example.com"]]


def test_message_is_marked_failed_after_its_attempts_then_the_secretariat_retries(oe, deliver, flaky, client):
    flaky.failures = 3
    with deliver():
        invite(oe)
    [message] = messages_to(oe, "new.person@example.com")
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 3
    assert "SMTPServerDisconnected" in message.last_error and mail.outbox == []
    run_worker()  # never retried forever: nothing is left to run
    assert messages_to(oe, "new.person@example.com")[0].attempts == 3

    client.force_login(oe.user("sec"))
    page = client.get(f"/a/{oe.alliance.slug}/outbox/")
    assert page.status_code == 200 and "new.person@example.com" in page.content.decode()
    assert "SMTPServerDisconnected" in page.content.decode()
    with deliver():
        response = client.post(f"/a/{oe.alliance.slug}/outbox/{message.pk}/retry/")
    assert response.status_code == 302
    [message] = messages_to(oe, "new.person@example.com")
    assert message.status == OutboxMessage.Status.SENT and [m.to for m in mail.outbox] == [["new.person@example.com"]]
    assert "new.person@example.com" not in client.get(f"/a/{oe.alliance.slug}/outbox/").content.decode()


def test_retry_is_the_secretariats_and_stays_in_its_alliance(oe, bm, flaky, deliver):
    flaky.failures = 3
    with deliver():
        invite(oe)
    [message] = messages_to(oe, "new.person@example.com")
    with pytest.raises(Forbidden):
        services.outbox_retry(actor=oe.user("council-1"), alliance=oe.alliance, message=message)
    with pytest.raises(Forbidden):
        services.outbox_retry(actor=bm.user("sg"), alliance=bm.alliance, message=message)
    with scope(alliance=bm.alliance):
        assert not OutboxMessage.objects.filter(pk=message.pk).exists()
    assert messages_to(oe, "new.person@example.com")[0].status == OutboxMessage.Status.FAILED


def test_outbox_pages_refuse_other_roles_and_alliances(oe, bm, flaky, deliver, client):
    flaky.failures = 3
    with deliver():
        invite(oe)
    [message] = messages_to(oe, "new.person@example.com")
    client.force_login(bm.user("sg"))
    assert client.get(f"/a/{bm.alliance.slug}/outbox/").content.decode().count("new.person@example.com") == 0
    assert client.post(f"/a/{bm.alliance.slug}/outbox/{message.pk}/retry/").status_code == 404
    client.force_login(oe.user("council-1"))
    assert client.get(f"/a/{oe.alliance.slug}/outbox/").status_code == 403
    assert client.post(f"/a/{oe.alliance.slug}/outbox/{message.pk}/retry/").status_code == 403


def test_a_sent_message_is_not_retried(oe, deliver):
    with deliver():
        invite(oe)
    [message] = messages_to(oe, "new.person@example.com")
    with pytest.raises(Conflict):
        services.outbox_retry(actor=oe.user("sec"), alliance=oe.alliance, message=message)


def test_sweep_enqueues_messages_whose_task_was_lost(oe, settings):
    """A message whose delivery task never ran (queue down, worker crash) is picked up by the sweep."""
    settings.OUTBOX_RETRY_SECONDS = 0
    mail.outbox.clear()
    with scope(alliance=oe.alliance), transaction.atomic():
        outbox.queue(oe.alliance, OutboxMessage.Kind.NOTIFICATION, [("lost@example.com", "主题", "正文")])
    # the test's transaction never commits, so the delivery task was never enqueued: lost
    run_worker()
    assert mail.outbox == []
    assert outbox.sweep.call() == 1
    run_worker()
    assert [m.to for m in mail.outbox] == [["lost@example.com"]]
    assert outbox.sweep.call() == 0


def test_keyed_messages_are_written_once(oe):
    with scope(alliance=oe.alliance):
        first = outbox.queue(oe.alliance, OutboxMessage.Kind.OVERDUE_REPORT, [("a@example.com", "s", "b", "k:1")])
        again = outbox.queue(oe.alliance, OutboxMessage.Kind.OVERDUE_REPORT, [("a@example.com", "s", "b", "k:1")])
    assert len(first) == 1 and again == []
    with scopes_disabled():
        assert OutboxMessage.objects.filter(key="k:1").count() == 1
