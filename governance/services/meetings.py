"""Council meetings: agenda, attendance, minutes drafted, approved (sealed) and locked."""

from django.utils import timezone
from django.utils.translation import gettext as _

from alliances import access, checkpoints, dates
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Organ, Role
from alliances.tenancy import tenant_service
from governance import chains, meeting_changes
from governance.models import AgendaItem, Attendance, Meeting, MinutesSeal, Motion, Notification
from governance.selectors import council_seats_with_holders, meeting_quorum
from governance.services.charter import current_charter


@tenant_service
def meeting_create(*, actor, alliance, title: str, starts_at, location: str = "", agenda=()) -> Meeting:
    """agenda: iterable of titles or (title, motion) pairs."""
    access.require_secretariat(actor, alliance)
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写会议名称。")]
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = [_("请填写带时区的开始时间。")]
    else:
        errors.update(dates.date_errors(starts_at, dates.alliance_range(alliance), field="starts_at"))
    if errors:
        raise ValidationFailed(fields=errors)
    meeting = Meeting.objects.create(
        alliance=alliance, title=title.strip()[:300], starts_at=starts_at, location=(location or "")[:300],
        charter=current_charter(alliance), created_by=actor,
    )
    for item in agenda:
        item_title, motion = (item, None) if isinstance(item, str) else item
        agenda_item_add(actor=actor, alliance=alliance, meeting=meeting, title=item_title, motion=motion)
    meeting_changes.announce(alliance, meeting, Notification.Kind.MEETING_INVITED)  # with the .ics
    return meeting


def _check_meeting(alliance, meeting) -> Meeting:
    if meeting.alliance_id != alliance.pk:
        raise Forbidden()
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@tenant_service
def agenda_item_add(*, actor, alliance, meeting: Meeting, title: str = "", motion: Motion | None = None) -> AgendaItem:
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status in (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED):
        raise Conflict(_("会议纪要已批准，议程不能再修改。"))
    if motion is not None and motion.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"motion": [_("对象不属于本联盟。")]})
    title = (title or "").strip() or (motion.title if motion else "")
    if not title:
        raise ValidationFailed(fields={"title": [_("请填写议题。")]})
    position = meeting.agenda.count() + 1
    return AgendaItem.objects.create(alliance=alliance, meeting=meeting, position=position, title=title[:300], motion=motion)


@tenant_service
def attendance_record(*, actor, alliance, meeting: Meeting, present_seats, absent_seats=()) -> Meeting:
    """Record who attended, seat by seat (council seats only)."""
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status == Meeting.MinutesStatus.LOCKED:
        raise Conflict(_("会议纪要已锁定。"))
    holders = {seat.pk: holder for seat, holder in council_seats_with_holders()}
    for seat, present in [(s, True) for s in present_seats] + [(s, False) for s in absent_seats]:
        if seat.alliance_id != alliance.pk or seat.organ.kind != Organ.Kind.COUNCIL:
            raise ValidationFailed(fields={"seats": [_("只能登记本联盟理事会席位的出席情况。")]})
        Attendance.objects.update_or_create(
            meeting=meeting, seat=seat, defaults={"alliance": alliance, "present": present, "person": holders.get(seat.pk)},
        )
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    return meeting


@tenant_service
def minutes_draft(*, actor, alliance, meeting: Meeting, text: str) -> Meeting:
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status in (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED):
        raise Conflict(_("会议纪要已批准，不能再修改。"))
    if not (text or "").strip():
        raise ValidationFailed(fields={"text": [_("请填写会议纪要。")]})
    meeting.minutes = text
    meeting.minutes_status = Meeting.MinutesStatus.DRAFTED
    meeting.save(update_fields=["minutes", "minutes_status"])
    return meeting


@tenant_service
def minutes_approve(*, actor, alliance, meeting: Meeting) -> Meeting:
    """The chair or the secretary-general approves the drafted minutes of a quorate meeting."""
    access.require_role(actor, alliance, Role.SECRETARY_GENERAL, "chair")
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status != Meeting.MinutesStatus.DRAFTED:
        raise Conflict(_("只有草稿状态的纪要可以批准。"))
    quorum = meeting_quorum(meeting)
    if not quorum["quorate"]:
        raise Conflict(_("会议出席理事 %(p)d 人，未达到法定人数 %(r)d 人（共 %(s)d 席），纪要不能批准。") % {
            "p": quorum["present"], "r": quorum["required"], "s": quorum["seats"]})
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_by = actor
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_approved_by", "minutes_approved_at"])
    present = list(Attendance.objects.filter(meeting=meeting, present=True).order_by("seat_id").values_list("seat_id", flat=True))
    agenda = list(meeting.agenda.order_by("position", "id").values_list("position", "title", "motion_id"))
    MinutesSeal.objects.create(
        alliance=alliance, meeting=meeting, present_seats=present,
        **chains.minutes.append(alliance, chains.minutes_content(meeting, agenda, present)),
    )
    checkpoints.checkpoint_on_commit(alliance, "minutes", names=["minutes"])
    return meeting


@tenant_service
def minutes_lock(*, actor, alliance, meeting: Meeting) -> Meeting:
    access.require_secretariat(actor, alliance)
    meeting = _check_meeting(alliance, meeting)
    if meeting.minutes_status != Meeting.MinutesStatus.APPROVED:
        raise Conflict(_("只有已批准的纪要可以锁定。"))
    meeting.minutes_status = Meeting.MinutesStatus.LOCKED
    meeting.minutes_locked_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_locked_at"])
    return meeting
