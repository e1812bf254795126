"""Meetings as calendar events (issue 19 point 5): the invitation sent when a meeting is called, and the
change and cancellation that keep its UID, raise its SEQUENCE and send every attendee the new .ics."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from alliances import access, dates, notifications
from alliances.errors import Conflict, ValidationFailed
from alliances.notifications import Text
from alliances.tenancy import tenant_service
from governance import calendar, notices
from governance.models import Meeting, Notification

HEADLINES = {
    Notification.Kind.MEETING_INVITED: N_("会议通知：%(t)s"),
    Notification.Kind.MEETING_CHANGED: N_("会议变更：%(t)s"),
    Notification.Kind.MEETING_CANCELLED: N_("会议取消：%(t)s"),
}


def announce(alliance, meeting: Meeting, kind: str) -> int:
    """Tell every council seat holder, with the meeting's .ics in their language. One notification
    per person, kind and revision (the key names the SEQUENCE). Returns how many were new."""
    url = reverse("governance:meeting", kwargs={"slug": alliance.slug, "pk": meeting.pk})
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    body = (Text(N_("会议已取消（原定 %(d)s）。"), d=when) if kind == Notification.Kind.MEETING_CANCELLED
            else Text(N_("时间：%(d)s；地点：%(l)s"), d=when, l=meeting.location or "-"))
    files: dict[str, tuple] = {}  # one .ics per language
    sent = 0
    for user in notices.council_holders():
        language = notifications.language_of(user)
        if language not in files:
            files[language] = calendar.meeting_ics(meeting, alliance, language)
        if notices.notify(alliance, user, kind, f"meeting:{meeting.pk}:{kind}:{meeting.sequence}",
                          Text(HEADLINES[kind], t=meeting.title), body, url, attachments=[files[language]]):
            sent += 1
    return sent


def _locked(alliance, meeting) -> Meeting:
    if meeting.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"meeting": [_("对象不属于本联盟。")]})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise Conflict(_("只有尚未召开的会议可以修改或取消。"))
    return meeting


@tenant_service
def meeting_update(*, actor, alliance, meeting: Meeting, **changes) -> Meeting:
    """Change a scheduled meeting's title, time or place; the attendees get the updated event."""
    access.require_secretariat(actor, alliance)
    meeting = _locked(alliance, meeting)
    errors = {}
    if "title" in changes and not (changes["title"] or "").strip():
        errors["title"] = [_("请填写会议名称。")]
    for field in ("starts_at", "ends_at"):
        value = changes.get(field)
        if field in changes and value is not None and timezone.is_naive(value):
            errors[field] = [_("请填写带时区的开始时间。") if field == "starts_at" else _("请填写带时区的结束时间。")]
        elif value is not None:
            errors.update(dates.date_errors(value, dates.alliance_range(alliance), field=field))
    if "starts_at" in changes and changes["starts_at"] is None:
        errors["starts_at"] = [_("请填写带时区的开始时间。")]
    starts, ends = changes.get("starts_at", meeting.starts_at), changes.get("ends_at", meeting.ends_at)
    if not errors and starts and ends and ends <= starts:
        errors["ends_at"] = [_("结束时间须晚于开始时间。")]
    if errors:
        raise ValidationFailed(fields=errors)
    changed = [f for f in ("title", "starts_at", "ends_at", "location") if f in changes
               and _clean(f, changes[f]) != getattr(meeting, f)]
    if not changed:
        return meeting
    for field in changed:
        setattr(meeting, field, _clean(field, changes[field]))
    meeting.sequence += 1
    meeting.save(update_fields=[*changed, "sequence"])
    announce(alliance, meeting, Notification.Kind.MEETING_CHANGED)
    return meeting


def _clean(field, value):
    return (value or "").strip()[:300] if field in ("title", "location") else value


@tenant_service
def meeting_cancel(*, actor, alliance, meeting: Meeting) -> Meeting:
    """Cancel a scheduled meeting: its event stays (same UID) with STATUS:CANCELLED and a higher SEQUENCE."""
    access.require_secretariat(actor, alliance)
    meeting = _locked(alliance, meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    announce(alliance, meeting, Notification.Kind.MEETING_CANCELLED)
    return meeting
