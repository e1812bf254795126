"""The daily digest (issue 19 point 4): one e-mail per person and alliance listing the notifications of
the kinds they take as a digest and that no e-mail has carried yet. Safe to run twice: the digested
notifications are marked (`emailed_at`) in the transaction that queues the e-mail, and the e-mail's
key names them, so a rerun finds nothing new and the outbox refuses a repeat."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scope, scopes_disabled

from alliances import notifications, outbox, unsubscribe
from alliances.models import Alliance, NotificationPreference, OutboxMessage, User
from governance.models import Notification

WINDOW = timedelta(days=3)  # older notices are not sent late by a digest switched on today


def send_digests(now=None) -> int:
    """Queue every due digest; returns how many e-mails were queued."""
    now = now or timezone.now()
    wanted = set(NotificationPreference.objects.filter(delivery=NotificationPreference.Delivery.DIGEST)
                 .values_list("user_id", "kind"))
    if not wanted:
        return 0
    with scopes_disabled():
        pending = (Notification.objects.filter(emailed_at__isnull=True, created_at__gte=now - WINDOW,
                                               user_id__in={user for user, _kind in wanted})
                   .order_by("alliance_id", "user_id", "created_at", "pk"))
        groups = defaultdict(list)
        for notification in pending:
            if (notification.user_id, notification.kind) in wanted:
                groups[(notification.alliance_id, notification.user_id)].append(notification)
    alliances = Alliance.objects.in_bulk({alliance for alliance, _user in groups})
    users = User.objects.in_bulk({user for _alliance, user in groups})
    queued = 0
    for (alliance_id, user_id), items in groups.items():
        queued += _send(alliances[alliance_id], users[user_id], items, now)
    return queued


def _send(alliance, user, items, now) -> int:
    with scope(alliance=alliance), transaction.atomic():
        ids = [n.pk for n in items]
        # Marked first, only where still unmarked: a concurrent run that got there first wins.
        if Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now) != len(ids):
            transaction.set_rollback(True)
            return 0
        if not user.email:
            return 0
        language = notifications.language_of(user)
        site = settings.SITE_URL.rstrip("/")
        with translation.override(language):
            subject = f"[{alliance.name}] " + gettext("通知摘要：%(n)d 条新通知") % {"n": len(items)}
            lines = [f"- {n.title}\n  {n.body}\n  {site}{n.url}".rstrip() for n in items]
            labels = {n.kind: notifications.kinds[n.kind].label for n in items if n.kind in notifications.kinds}
            footer = [gettext("不想再收到“%(k)s”邮件？退订：%(url)s") % {"k": label, "url": unsubscribe.url(user.email, code)}
                      for code, label in labels.items()]
            body = "\n\n".join(["\n".join(lines), "-- ", "\n".join(footer)])
        written = outbox.queue(alliance, OutboxMessage.Kind.DIGEST, [(user.email, subject, body, f"digest:{ids[0]}-{ids[-1]}")],
                               language=language)
        return len(written)
