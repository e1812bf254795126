"""Governance notifications and their e-mails (through the outbox); reminders before a motion closes."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from alliances import notifications, raw_history
from alliances.errors import Forbidden
from alliances.notifications import Text
from alliances.tenancy import history_user, tenant_service
from governance import calendar, notices
from governance.models import EligibleSeat, Motion, Notification


def _motion_url(alliance, motion) -> str:
    return reverse("governance:motion", kwargs={"slug": alliance.slug, "pk": motion.pk})


def _notify(alliance, user, kind, key, title, body, url, attachments=()) -> Notification | None:
    """governance.notices.notify: the reader's language and choice of e-mail (issue 19 point 4)."""
    return notices.notify(alliance, user, kind, key, title, body, url, attachments=attachments)


def _notify_motion_seats(alliance, motion, kind, key, title, body, url, now, *, voters_only=False) -> int:
    """`_notify` for every holder of the motion's eligible seats (`voters_only`: not recused), in two statements
    whatever the council's size: one INSERT ... SELECT of the notifications the holders do not
    have yet (one per user and key), and one INSERT ... SELECT of the new rows' simple-history rows
    ("+", attributed to the service's actor), the same rows `bulk_create_with_history` writes.
    Building 1,000 notification and 1,000 history instances in Python was ~90% of closing a
    motion of 1,000 seats (see docs/governance.md). The e-mails go to the holders who take `kind` by
    e-mail now, in their languages (notifications.email_many, constant statements). Returns the
    number of notifications written."""
    history = Notification.history.model
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    values = {
        "alliance_id": alliance.pk, "kind": str(kind), "title": str(title)[:300], "body": str(body), "url": url,
        "key": key, "created_at": now, "emailed_at": None, "read_at": None,
    }
    columns, selected, params = [], [], []
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.attname == "user_id":
            selected.append("holders.holder_id")
        else:
            selected.append("%s")
            params.append(field.get_db_prep_save(values[field.attname], connection))
    notification_table = connection.ops.quote_name(Notification._meta.db_table)
    history_table = connection.ops.quote_name(history._meta.db_table)
    seat_table = connection.ops.quote_name(EligibleSeat._meta.db_table)
    user = history_user()
    quoted_key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        # ON CONFLICT on the (alliance, user, key) unique index: the holders who already have this
        # notification are skipped by the index itself, whatever the table's size or statistics
        # (a NOT EXISTS anti-join was planned as a scan of the table once it grew). "WHERE true"
        # lets SQLite read ON CONFLICT as the upsert clause, not a join constraint.
        cursor.execute(
            f"INSERT INTO {notification_table} ({', '.join(columns)}) SELECT {', '.join(selected)} "
            f"FROM (SELECT DISTINCT holder_id FROM {seat_table} WHERE motion_id = %s{' AND NOT recused' if voters_only else ''}) "
            f"holders WHERE true ON CONFLICT (alliance_id, user_id, {quoted_key}) DO NOTHING RETURNING id, user_id",
            params + [motion.pk],
        )
        written = cursor.fetchall()
        ids = [row[0] for row in written]
        if not ids:
            return 0
        # The history columns come from the history model (alliances.raw_history): copies of the
        # notification's columns, read from the new rows, and the bookkeeping, given as parameters.
        bookkeeping = {"history_date": connection.ops.adapt_datetimefield_value(now), "history_change_reason": None,
                       "history_type": "+", "history_user_id": user.pk if user else None}
        history_fields = raw_history.insert_fields(Notification)
        history_columns = ", ".join(connection.ops.quote_name(f.column) for f in history_fields)
        sources = ", ".join("%s" if f.attname in bookkeeping else "n." + connection.ops.quote_name(f.column)
                            for f in history_fields)
        if connection.vendor == "postgresql":
            written_rows, id_params = "n.id = ANY(%s)", [ids]
        else:
            written_rows, id_params = f"n.id IN ({', '.join(['%s'] * len(ids))})", ids
        cursor.execute(
            f"INSERT INTO {history_table} ({history_columns}) SELECT {sources} "
            f"FROM {notification_table} n WHERE {written_rows}",
            [bookkeeping[f.attname] for f in history_fields if f.attname in bookkeeping] + id_params,
        )
    emailed = notifications.email_many(alliance, kind, [row[1] for row in written], title, body, url)
    if emailed:
        Notification.objects.filter(pk__in=ids, user_id__in=emailed).update(emailed_at=now)
    return len(ids)


@tenant_service
def motion_reminders_send(*, actor, alliance, now=None) -> int:
    """Remind councillors who have not voted, 24 hours before a motion closes. Idempotent."""
    now = now or timezone.now()
    sent = 0
    for motion in Motion.objects.filter(status=Motion.Status.OPEN, closes_at__gt=now, closes_at__lte=now + timedelta(hours=24)):
        for entry in EligibleSeat.objects.filter(motion=motion, recused=False, voted_at__isnull=True).select_related("holder"):
            if _notify(
                alliance, entry.holder, Notification.Kind.MOTION_REMINDER, f"motion:{motion.pk}:reminder",
                Text(N_("表决即将截止：%(t)s"), t=motion.title),
                Text(N_("本议案将于 %(d)s 截止，您尚未表决。"), d=timezone.localtime(motion.closes_at).strftime("%Y-%m-%d %H:%M")),
                _motion_url(alliance, motion),
                [calendar.motion_ics(motion, alliance, notifications.language_of(entry.holder))],
            ):
                sent += 1
    return sent


@tenant_service(when_dissolved=True)  # the reader's own marker, not the alliance's data
def notification_read(*, actor, alliance, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise Forbidden()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
