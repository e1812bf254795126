"""iCalendar (RFC 5545) events of meetings and motions' voting deadlines (issue 19 point 5): the .ics
attached to invitations and reminders, and each person's feed at a secret token URL.

An event's UID names its object and never changes; SEQUENCE rises with each change (a meeting's
`sequence`, raised by governance.meeting_changes; a motion's count of recorded changes), so a
calendar that already holds the event replaces it. Times are written in Asia/Shanghai with its
VTIMEZONE (`add_missing_timezones`), DTSTAMP in UTC. Attachments use METHOD:PUBLISH: the product is
not an iTIP organiser collecting replies; clients import or update the event by UID and SEQUENCE."""

import secrets
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scopes_disabled
from icalendar import Calendar, Event

from alliances import access
from alliances.models import Alliance, CalendarFeed, Role, RoleGrant
from governance.models import Meeting, Motion

# Who reads meetings and motions (governance.views.COUNCIL_PAPERS); chair is a councillor's role grant.
READERS = access.SECRETARIAT | {Role.COUNCILLOR, Role.AUDITOR}
MEETING_HOURS = 2  # a meeting without an end time is shown this long
FEED_PAST_DAYS = 180  # older events leave the feed: it stays small for subscribers polling it
ICS = "text/calendar; charset=utf-8"


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "lianmeng"


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.pk}@{_host()}"


def motion_uid(motion) -> str:
    return f"motion-{motion.pk}-deadline@{_host()}"


def meeting_event(meeting, alliance, now) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", now.astimezone(ZoneInfo("UTC")))
    event.add("sequence", meeting.sequence)
    starts = meeting.starts_at.astimezone(_zone())
    event.add("dtstart", starts)
    event.add("dtend", (meeting.ends_at or meeting.starts_at + timedelta(hours=MEETING_HOURS)).astimezone(_zone()))
    event.add("summary", f"[{alliance.name}] {meeting.title}")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", _url(reverse("governance:meeting", kwargs={"slug": alliance.slug, "pk": meeting.pk})))
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def motion_event(motion, alliance, sequence: int, now) -> Event:
    """The voting deadline: a point in time (DTSTART without DTEND, RFC 5545 3.6.1)."""
    event = Event()
    event.add("uid", motion_uid(motion))
    event.add("dtstamp", now.astimezone(ZoneInfo("UTC")))
    event.add("sequence", sequence)
    event.add("dtstart", motion.closes_at.astimezone(_zone()))
    event.add("summary", f"[{alliance.name}] " + gettext("表决截止：%(t)s") % {"t": motion.title})
    event.add("url", _url(reverse("governance:motion", kwargs={"slug": alliance.slug, "pk": motion.pk})))
    event.add("status", "CONFIRMED")
    return event


def _calendar(events, name: str, method: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Lianmeng//Alliance calendar//ZH")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_ics(meeting, alliance, language: str) -> tuple[str, str, str]:
    """The meeting's event as an e-mail attachment (filename, text, mimetype), in `language`."""
    with translation.override(language):
        text = _calendar([meeting_event(meeting, alliance, timezone.now())], alliance.name, "PUBLISH")
    return f"meeting-{meeting.pk}.ics", text.decode(), "text/calendar"


def motion_ics(motion, alliance, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        text = _calendar([motion_event(motion, alliance, _motion_sequence(motion), timezone.now())], alliance.name, "PUBLISH")
    return f"motion-{motion.pk}.ics", text.decode(), "text/calendar"


def _changes():
    """A motion's SEQUENCE: its recorded changes after the first (each edit, opening, closing)."""
    return Subquery(Motion.history.model.objects.filter(id=OuterRef("pk")).order_by()
                    .values("id").annotate(n=Count("history_id")).values("n")[:1])


def _motion_sequence(motion) -> int:
    return max(Motion.history.model.objects.filter(id=motion.pk).count() - 1, 0)


# ---------------------------------------------------------------- the personal feed


def feed_alliances(user) -> list[Alliance]:
    """The alliances where the person holds a role that reads meetings and motions (one query)."""
    with scopes_disabled():
        ids = set(RoleGrant.objects.filter(user=user, revoked_at__isnull=True, role__in=READERS)
                  .values_list("alliance_id", flat=True))
    return list(Alliance.objects.filter(pk__in=ids).order_by("pk"))


def feed(user) -> bytes:
    """Every meeting and voting deadline of the person's alliances, from FEED_PAST_DAYS ago on, in a
    constant number of queries whatever their number."""
    now = timezone.now()
    since = now - timedelta(days=FEED_PAST_DAYS)
    alliances = {a.pk: a for a in feed_alliances(user)}
    events = []
    with scopes_disabled():
        meetings = Meeting.objects.filter(alliance_id__in=list(alliances), starts_at__gte=since).order_by("starts_at", "pk")
        motions = (Motion.objects.filter(alliance_id__in=list(alliances), closes_at__gte=since)
                   .exclude(status=Motion.Status.DRAFT).annotate(changes=_changes()).order_by("closes_at", "pk"))
        with translation.override(user.language or settings.LANGUAGE_CODE):
            events += [meeting_event(m, alliances[m.alliance_id], now) for m in meetings]
            events += [motion_event(m, alliances[m.alliance_id], max((m.changes or 1) - 1, 0), now) for m in motions]
            return _calendar(events, gettext("联盟日程"))


def feed_token(user) -> str:
    """The person's feed token, made on first use."""
    feed_row = CalendarFeed.objects.filter(user=user).first()
    if feed_row is None:
        feed_row, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return feed_row.token


@transaction.atomic
def feed_token_regenerate(*, actor) -> str:
    """A new token: the old URL stops answering (404) at once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=actor, defaults={"token": token, "created_at": timezone.now()})
    return token


def feed_user(token: str):
    row = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user").first()
    return row.user if row else None


def feed_urls(user) -> dict[str, str]:
    https = _url(reverse("calendar_feed", kwargs={"token": feed_token(user)}))
    return {"url": https, "webcal": "webcal://" + https.split("://", 1)[1]}
