"""The e-mail outbox. A service writes its messages with `queue()` inside its own transaction; after
the commit one delivery task per batch sends them (the task worker, `manage.py db_worker`). A failed
message is retried with a doubling delay up to OUTBOX_MAX_ATTEMPTS, then marked failed for the
secretariat (`services.outbox_retry`). Delivery is at least once: a worker killed between sending and
recording resends that one message when its lease (the retry delay) runs out."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from alliances import stored_text
from alliances.models import OutboxMessage, User

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> timedelta:
    """How long after its `attempt`-th try a message is tried again (60 s, 120 s, 240 s ...)."""
    return timedelta(seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** (attempt - 1))


def queue(alliance, kind: str, messages) -> list[OutboxMessage]:
    """Write `messages` ((recipient, subject, body) or (recipient, subject, body, key)) in the caller's
    transaction, and enqueue their delivery once it commits. A keyed message already written for that
    recipient is not written again (jobs that may run twice)."""
    now = timezone.now()
    rows = [
        OutboxMessage(alliance=alliance, kind=kind, recipient=m[0], subject=str(m[1])[:300], body=str(m[2]),
                      key=m[3] if len(m) > 3 else "", next_attempt_at=now, created_at=now)
        for m in messages if m[0]
    ]
    keyed = [row for row in rows if row.key]
    if keyed:
        known = set(OutboxMessage.objects.filter(
            alliance=alliance, key__in={r.key for r in keyed}).values_list("recipient", "key"))
        rows = [row for row in rows if (row.recipient, row.key) not in known]
    written = OutboxMessage.objects.bulk_create(rows)
    enqueue_delivery([row.pk for row in written])
    return written


def queue_to_users(alliance, kind: str, user_ids: list[int], subject: str, body: str) -> list[int]:
    """`queue` of one message to many users (those with an address), in one INSERT ... SELECT: a
    motion opened for 1,000 seats builds no message objects in Python. Returns the new rows' ids."""
    if not user_ids:
        return []
    table, users = (connection.ops.quote_name(m._meta.db_table) for m in (OutboxMessage, User))
    fields = [f for f in OutboxMessage._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    values = {"alliance_id": alliance.pk, "kind": str(kind), "subject": str(subject)[:300], "body": str(body),
              "key": "", "status": OutboxMessage.Status.QUEUED, "attempts": 0, "last_error": "",
              "next_attempt_at": now, "created_at": now, "sent_at": None}
    columns, selected, params = [], [], []
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.attname == "recipient":
            selected.append("u.email")
        else:
            selected.append("%s")
            params.append(field.get_db_prep_save(values[field.attname], connection))
    if connection.vendor == "postgresql":
        among, id_params = "u.id = ANY(%s)", [list(user_ids)]
    else:
        among, id_params = f"u.id IN ({', '.join(['%s'] * len(user_ids))})", list(user_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)} FROM {users} u "
            f"WHERE {among} AND u.email <> '' ORDER BY u.id RETURNING id",
            params + id_params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    enqueue_delivery(ids)
    return ids


def enqueue_delivery(ids: list[int]) -> None:
    """One delivery task per batch, after the commit. `robust`: a queue that cannot take the task
    (Redis down) does not fail the committed request; the sweep enqueues those messages later."""
    size = settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(ids), size):
        batch = ids[start:start + size]
        transaction.on_commit(lambda batch=batch: deliver.enqueue(batch), robust=True)


def _claim(pk: int, now) -> OutboxMessage | None:
    """Take one due message for this worker: count the attempt and push its next attempt back by the
    retry delay (a lease: another worker or the sweep leaves it alone meanwhile)."""
    message = OutboxMessage.objects.with_scopes_disabled().filter(
        pk=pk, status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now).first()
    if message is None:
        return None
    attempt = message.attempts + 1
    claimed = OutboxMessage.objects.with_scopes_disabled().filter(
        pk=pk, status=OutboxMessage.Status.QUEUED, attempts=message.attempts,
    ).update(attempts=attempt, next_attempt_at=now + retry_delay(attempt))
    if not claimed:
        return None
    message.attempts, message.next_attempt_at = attempt, now + retry_delay(attempt)
    return message


@task()
def deliver(ids: list[int]) -> dict:
    """Send the due messages among `ids` over one mail connection; record each outcome."""
    now = timezone.now()
    outcome = {"sent": 0, "retry": 0, "failed": 0}
    retry_at: dict = {}  # when -> the ids due again then
    connection = get_connection()
    try:
        connection.open()
    except Exception:  # each message then tries on its own and records the error
        logger.warning("outbox: mail connection failed", exc_info=True)
    try:
        for pk in ids:
            message = _claim(pk, now)
            if message is None:
                continue
            try:
                subject = stored_text.in_both_languages(message.subject, " / ")
                body = stored_text.in_both_languages(message.body)
                if not EmailMessage(subject, body, None, [message.recipient], connection=connection).send():
                    raise RuntimeError("the mail backend sent nothing")
            except Exception as error:
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                    message.status = OutboxMessage.Status.FAILED
                    outcome["failed"] += 1
                else:
                    retry_at.setdefault(message.next_attempt_at, []).append(pk)
                    outcome["retry"] += 1
                OutboxMessage.objects.with_scopes_disabled().filter(pk=pk).update(
                    status=message.status, last_error=message.last_error)
            else:
                OutboxMessage.objects.with_scopes_disabled().filter(pk=pk).update(
                    status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error="")
                outcome["sent"] += 1
    finally:
        connection.close()
    if retry_at and deliver.get_backend().supports_defer:
        for when, due in retry_at.items():  # the sweep covers a backend that cannot defer
            deliver.using(run_after=when).enqueue(due)
    return outcome


@task()
def sweep() -> int:
    """Scheduled: enqueue queued messages whose delivery is overdue by a retry delay (a task lost to a
    crash, a backend that cannot defer, a queue that was down). Safe to run twice: a message is
    claimed by one worker only."""
    overdue = timezone.now() - retry_delay(1)
    ids = list(OutboxMessage.objects.with_scopes_disabled().filter(
        status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=overdue).order_by("pk").values_list("pk", flat=True)[:10_000])
    size = settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(ids), size):
        deliver.enqueue(ids[start:start + size])
    return len(ids)
