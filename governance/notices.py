"""Notifying one person: the inbox row and, as they chose (alliances.notifications), the e-mail, both in
their language. Used by governance.services and governance.meeting_changes."""

from django.utils import timezone

from alliances import notifications
from alliances.models import Organ, Role, RoleGrant
from governance.models import Notification


def notify(alliance, user, kind, key, title, body, url, *, attachments=()) -> Notification | None:
    """One notification per user and key (idempotent). `title` and `body` are rendered in the
    reader's language (notifications.Text, or plain text); `emailed_at` records when the e-mail was
    queued (left empty for a digest, which governance.digest sends)."""
    title_text, body_text = notifications.rendered(notifications.language_of(user), title, body)
    notification, created = Notification.objects.get_or_create(
        alliance=alliance, user=user, key=key,
        defaults={"kind": kind, "title": title_text[:300], "body": body_text, "url": url},
    )
    if not created:
        return None
    if notifications.email_one(alliance, user, kind, title, body, url, attachments=attachments):
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return notification


def council_holders() -> list:
    """The people holding a filled council seat of the current alliance (the meetings' attendees)."""
    grants = (RoleGrant.objects.filter(role=Role.COUNCILLOR, revoked_at__isnull=True,
                                       seat__organ__kind=Organ.Kind.COUNCIL, seat__vacated_at__isnull=True)
              .select_related("user").order_by("seat__position", "seat_id"))
    seen = {}
    for grant in grants:
        seen.setdefault(grant.user_id, grant.user)
    return list(seen.values())
