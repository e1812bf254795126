"""Calendars (issue 19 point 5): meetings and voting deadlines as RFC 5545 events, parsed back with
icalendar; the .ics on invitations and reminders; the personal feed at a secret token URL."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope
from icalendar import Calendar

from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import OutboxMessage
from governance import calendar, meeting_changes, services
from governance.models import Meeting, Notification

from .helpers import open_motion

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTS = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _meeting(ctx, starts_at=STARTS, **kwargs):
    return services.meeting_create(actor=ctx.user("sec"), alliance=ctx.alliance, title="第三次理事会",
                                   starts_at=starts_at, location="青岛", **kwargs)


def _ics_to(ctx, email, kind=Notification.Kind.MEETING_INVITED):
    """The .ics of the last e-mail of `kind` to `email`, parsed."""
    with scope(alliance=ctx.alliance):
        message = OutboxMessage.objects.filter(recipient=email, notice_kind=kind).order_by("-pk").first()
    assert message is not None, f"no {kind} e-mail to {email}"
    [attachment] = message.attachments
    assert attachment["mimetype"] == "text/calendar" and attachment["filename"].endswith(".ics")
    return Calendar.from_ical(attachment["content"])


def _event(cal):
    [event] = cal.walk("VEVENT")
    return event


def test_invitation_carries_the_meeting_as_an_event_in_shanghai_time(oe):
    meeting = _meeting(oe)
    councillor = oe.user("council-1")
    cal = _ics_to(oe, councillor.email)
    event = _event(cal)
    assert str(event["UID"]) == calendar.meeting_uid(meeting)
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
    start = event.decoded("DTSTART")
    assert start == STARTS and start.utcoffset() == timedelta(hours=8)  # the same instant, written in Shanghai time
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert (start.hour, start.minute) == (10, 0)
    assert event.decoded("DTEND") - start == timedelta(hours=calendar.MEETING_HOURS)
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert "第三次理事会" in str(event["SUMMARY"]) and str(event["LOCATION"]) == "青岛"
    with scope(alliance=oe.alliance):  # every council seat holder is told, in the inbox too
        assert Notification.objects.filter(key__startswith=f"meeting:{meeting.pk}:", kind=Notification.Kind.MEETING_INVITED,
                                           user=councillor).count() == 1


def test_a_change_keeps_the_uid_and_raises_the_sequence(oe):
    meeting = _meeting(oe)
    sec, councillor = oe.user("sec"), oe.user("council-1")
    later = STARTS + timedelta(days=1)
    meeting = meeting_changes.meeting_update(actor=sec, alliance=oe.alliance, meeting=meeting, starts_at=later,
                                             ends_at=later + timedelta(hours=3))
    assert meeting.sequence == 1
    event = _event(_ics_to(oe, councillor.email, Notification.Kind.MEETING_CHANGED))
    assert str(event["UID"]) == calendar.meeting_uid(meeting) and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == later and event.decoded("DTEND") == later + timedelta(hours=3)
    # an update that changes nothing sends nothing and keeps the revision
    same = meeting_changes.meeting_update(actor=sec, alliance=oe.alliance, meeting=meeting, location="青岛")
    assert same.sequence == 1

    meeting = meeting_changes.meeting_cancel(actor=sec, alliance=oe.alliance, meeting=meeting)
    event = _event(_ics_to(oe, councillor.email, Notification.Kind.MEETING_CANCELLED))
    assert str(event["UID"]) == calendar.meeting_uid(meeting)
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"
    with pytest.raises(Conflict):
        meeting_changes.meeting_cancel(actor=sec, alliance=oe.alliance, meeting=meeting)


def test_bad_changes_are_refused_with_field_messages_and_change_nothing(oe):
    meeting = _meeting(oe)
    sec = oe.user("sec")
    for changes, field in [({"title": "  "}, "title"), ({"starts_at": datetime(2026, 12, 21, 10, 0)}, "starts_at"),
                           ({"starts_at": None}, "starts_at"), ({"ends_at": STARTS - timedelta(hours=1)}, "ends_at")]:
        with pytest.raises(ValidationFailed) as refused:
            meeting_changes.meeting_update(actor=sec, alliance=oe.alliance, meeting=meeting, **changes)
        assert field in refused.value.fields
    with scope(alliance=oe.alliance):
        meeting.refresh_from_db()
    assert (meeting.sequence, meeting.title, meeting.starts_at) == (0, "第三次理事会", STARTS)
    with pytest.raises(Forbidden):  # a councillor does not call meetings
        meeting_changes.meeting_update(actor=oe.user("council-1"), alliance=oe.alliance, meeting=meeting, title="x")


def test_reminder_e_mail_carries_the_voting_deadline(oe):
    motion = open_motion(oe, hours=10)
    councillor = oe.user("council-1")
    assert services.motion_reminders_send(actor=None, alliance=oe.alliance) >= 1
    event = _event(_ics_to(oe, councillor.email, Notification.Kind.MOTION_REMINDER))
    assert str(event["UID"]) == calendar.motion_uid(motion)
    assert event.decoded("DTSTART") == motion.closes_at.replace(microsecond=0)
    assert "DTEND" not in event  # a point in time: the deadline


def _feed(client, user):
    return client.get("/calendar/" + calendar.feed_token(user) + ".ics")


def test_the_feed_answers_without_a_session_with_the_events_of_the_persons_alliances(oe, bm):
    mine, theirs = _meeting(oe), _meeting(bm)
    motion = open_motion(oe)
    response = _feed(Client(), oe.user("council-1"))  # no login
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    uids = {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert {calendar.meeting_uid(mine), calendar.motion_uid(motion)} <= uids
    assert calendar.meeting_uid(theirs) not in uids  # not an alliance of theirs
    # a representative holds no role that reads meetings: their feed is empty
    rep = Calendar.from_ical(_feed(Client(), oe.user("rep-1")).content)
    assert rep.walk("VEVENT") == []


def test_the_feed_shows_a_cancelled_meeting_with_its_uid_and_new_sequence(oe):
    meeting = meeting_changes.meeting_cancel(actor=oe.user("sec"), alliance=oe.alliance, meeting=_meeting(oe))
    events = Calendar.from_ical(_feed(Client(), oe.user("chair")).content).walk("VEVENT")
    [event] = [e for e in events if str(e["UID"]) == calendar.meeting_uid(meeting)]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1


def test_the_feed_runs_a_constant_number_of_queries(oe):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = oe.user("sec")
    token = calendar.feed_token(user)
    _meeting(oe)
    with CaptureQueriesContext(connection) as few:
        Client().get(f"/calendar/{token}.ics")
    for n in range(3):
        _meeting(oe, starts_at=STARTS + timedelta(days=n + 1))
        open_motion(oe)
    with CaptureQueriesContext(connection) as many:
        Client().get(f"/calendar/{token}.ics")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_old_or_malformed_token_is_the_sites_plain_404(oe):
    user = oe.user("council-1")
    client = Client()
    old = calendar.feed_token(user)
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    new = calendar.feed_token_regenerate(actor=user)
    assert new != old and client.get(f"/calendar/{new}.ics").status_code == 200
    plain = client.get("/no-such-page/")
    assert plain.status_code == 404
    for path in (f"/calendar/{old}.ics", "/calendar/x.ics", "/calendar/" + "a" * 65 + ".ics",
                 "/calendar/%00.ics", "/calendar/../.ics", f"/calendar/{new}x.ics"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.content == plain.content, path


def test_the_api_gives_the_callers_feed_url_and_regenerates_it(oe, api):
    user = oe.user("council-1")
    assert api().get("/api/v1/me/calendar/").status_code == 401
    body = api(user).get("/api/v1/me/calendar/").json()
    assert body["url"].startswith("http") and body["url"].endswith(".ics")
    assert body["webcal"] == "webcal://" + body["url"].split("://", 1)[1]
    path = "/" + body["url"].split("/", 3)[3]
    assert Client().get(path).status_code == 200
    renewed = api(user).post("/api/v1/me/calendar/").json()
    assert renewed["url"] != body["url"]
    assert Client().get(path).status_code == 404


def test_the_calendar_page_shows_the_feed_and_regenerates_it(oe):
    client = Client()
    user = oe.user("council-1")
    client.force_login(user)
    old = calendar.feed_token(user)
    page = client.get("/accounts/calendar/")
    assert page.status_code == 200 and "webcal://" in page.content.decode() and old in page.content.decode()
    assert client.post("/accounts/calendar/").status_code == 302
    assert calendar.feed_token(user) != old
    assert Client().get("/accounts/calendar/").status_code == 302  # the page needs a login; the feed does not


def test_meeting_events_read_back_in_the_local_day(oe):
    """A meeting at 01:00 Shanghai time is on the previous day in UTC: the event keeps the local day."""
    early = datetime(2026, 12, 20, 1, 0, tzinfo=SHANGHAI)
    meeting = _meeting(oe, starts_at=early)
    with scope(alliance=oe.alliance):
        meeting = Meeting.objects.get(pk=meeting.pk)
    event = _event(_ics_to(oe, oe.user("council-1").email))
    start = event.decoded("DTSTART")
    assert start.date().isoformat() == "2026-12-20" and start.astimezone(UTC).date().isoformat() == "2026-12-19"
    assert start == timezone.localtime(meeting.starts_at)


def test_the_api_changes_and_cancels_a_meeting(oe, api):
    meeting = _meeting(oe)
    base = f"/api/v1/alliances/{oe.alliance.slug}/meetings/{meeting.pk}/"
    sec = api(oe.user("sec"))
    later = "2026-12-21T10:00:00+08:00"
    changed = sec.patch(base, {"starts_at": later, "location": "北京"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["sequence"] == 1 and changed.json()["location"] == "北京"
    refused = sec.patch(base, {"starts_at": "2026-13-40T10:00:00+08:00", "ends_at": "1800-01-01T00:00:00Z"}, format="json")
    assert refused.status_code == 400 and {"starts_at", "ends_at"} <= set(refused.json()["error"]["fields"])
    backwards = sec.patch(base, {"ends_at": "2026-12-21T09:00:00+08:00"}, format="json")
    assert backwards.status_code == 400 and "ends_at" in backwards.json()["error"]["fields"]
    assert sec.get(base).json()["sequence"] == 1  # refused changes change nothing
    assert api(oe.user("council-1")).post(base + "cancel/").status_code == 403
    cancelled = sec.post(base + "cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled" and cancelled.json()["sequence"] == 2
    assert sec.post(base + "cancel/").status_code == 409
    other = api(oe.user("sec")).patch(f"/api/v1/alliances/{oe.alliance.slug}/meetings/{_meeting(oe).pk + 1000}/", {"title": "x"},
                                       format="json")
    assert other.status_code == 404
