from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope

from alliances.errors import Conflict, Forbidden, ValidationFailed
from governance import services
from governance.models import Attendance, Consultation, Meeting, Notification, Opinion

from .helpers import councillors, open_motion

pytestmark = pytest.mark.django_db


def _seats(ctx):
    with scope(alliance=ctx.alliance):
        return [seat for seat, _ in services.council_seats_with_holders()]


def _meeting(ctx):
    return services.meeting_create(
        actor=ctx.user("sec"), alliance=ctx.alliance, title="理事会", starts_at=timezone.now() + timedelta(days=1),
        agenda=["审议预算"],
    )


@pytest.mark.parametrize("present,quorate", [(3, False), (4, True)])
def test_meeting_quorum_is_two_thirds_of_council_seats(oe, present, quorate):
    meeting = _meeting(oe)
    seats = _seats(oe)
    services.attendance_record(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting,
                               present_seats=seats[:present], absent_seats=seats[present:])
    with scope(alliance=oe.alliance):
        assert services.meeting_quorum(meeting) == {"seats": 5, "present": present, "required": 4, "quorate": quorate}


def test_minutes_of_a_meeting_without_quorum_cannot_be_approved(oe):
    meeting = _meeting(oe)
    services.minutes_draft(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, text="纪要")
    with pytest.raises(Conflict):  # no attendance recorded at all
        services.minutes_approve(actor=oe.user("sg"), alliance=oe.alliance, meeting=meeting)
    seats = _seats(oe)
    services.attendance_record(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting,
                               present_seats=seats[:3], absent_seats=seats[3:])
    with pytest.raises(Conflict):  # 3 of 5 present: the quorum is 4
        services.minutes_approve(actor=oe.user("sg"), alliance=oe.alliance, meeting=meeting)
    services.attendance_record(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, present_seats=seats[3:4])
    assert services.minutes_approve(actor=oe.user("sg"), alliance=oe.alliance, meeting=meeting).minutes_status == "approved"


def test_agenda_links_motions(oe):
    meeting = _meeting(oe)
    motion = open_motion(oe)
    item = services.agenda_item_add(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, motion=motion)
    assert (item.position, item.title, item.motion) == (2, motion.title, motion)


def test_minutes_drafted_approved_then_locked(oe):
    meeting = _meeting(oe)
    with pytest.raises(Conflict):
        services.minutes_approve(actor=oe.user("sg"), alliance=oe.alliance, meeting=meeting)
    services.minutes_draft(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, text="纪要")
    with pytest.raises(Forbidden):
        services.minutes_approve(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting)
    services.attendance_record(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, present_seats=_seats(oe)[:4])
    services.minutes_approve(actor=oe.user("chair"), alliance=oe.alliance, meeting=meeting)
    with pytest.raises(Conflict):
        services.minutes_draft(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, text="改写")
    services.minutes_lock(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting)
    with pytest.raises(Conflict):
        services.attendance_record(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, present_seats=_seats(oe))
    with scope(alliance=oe.alliance):
        meeting = Meeting.objects.get(pk=meeting.pk)
        assert (meeting.minutes, meeting.minutes_status) == ("纪要", "locked")
        assert Attendance.objects.filter(meeting=meeting).count() == 4


def _consult(ctx, **kwargs):
    kwargs.setdefault("experts", [ctx.user("expert-1"), ctx.user("expert-2"), ctx.user("expert-3")])
    return services.consultation_create(
        actor=ctx.user("sec"), alliance=ctx.alliance, title="项目评审", question="是否立项？",
        deadline=timezone.now() + timedelta(days=7), **kwargs,
    )


def test_experts_of_a_concerned_unit_are_excluded(oe):
    consultation = _consult(oe, concerned_units=[oe.units[2]])  # expert-2 works for units[2]
    with scope(alliance=oe.alliance):
        excluded = {i.expert.username: i.excluded for i in consultation.invitations.select_related("expert")}
    assert excluded == {"ocean-equipment-expert-1": False, "ocean-equipment-expert-2": True, "ocean-equipment-expert-3": False}
    with pytest.raises(Forbidden):
        services.opinion_submit(actor=oe.user("expert-2"), alliance=oe.alliance, consultation=consultation, stance="oppose", text="x")
    with scope(alliance=oe.alliance):
        assert not Opinion.objects.exists()


def test_subject_unit_counts_as_concerned(oe):
    consultation = _consult(oe, subject=oe.units[1])
    with scope(alliance=oe.alliance):
        assert consultation.invitations.get(expert=oe.user("expert-1")).excluded


def test_all_experts_excluded_is_refused(oe):
    with pytest.raises(ValidationFailed):
        _consult(oe, experts=[oe.user("expert-1")], concerned_units=[oe.units[1]])
    with scope(alliance=oe.alliance):
        assert not Consultation.objects.exists()


def test_non_expert_cannot_be_asked(oe):
    with pytest.raises(ValidationFailed):
        _consult(oe, experts=[oe.user("chair")])


def test_only_asked_experts_answer_and_not_after_close(oe):
    consultation = _consult(oe, experts=[oe.user("expert-1")])
    with pytest.raises(Forbidden):
        services.opinion_submit(actor=oe.user("expert-3"), alliance=oe.alliance, consultation=consultation, stance="support", text="x")
    services.opinion_submit(actor=oe.user("expert-1"), alliance=oe.alliance, consultation=consultation, stance="support", text="可行", score=90)
    services.opinion_submit(actor=oe.user("expert-1"), alliance=oe.alliance, consultation=consultation, stance="oppose", text="再想想", score=40)
    consultation = services.consultation_close(actor=oe.user("sec"), alliance=oe.alliance, consultation=consultation)
    assert "反对 1" in consultation.summary and "平均评分 40.0" in consultation.summary
    with pytest.raises(Conflict):
        services.opinion_submit(actor=oe.user("expert-1"), alliance=oe.alliance, consultation=consultation, stance="support", text="x")
    with scope(alliance=oe.alliance):
        assert list(Opinion.objects.values_list("stance", flat=True)) == ["oppose"]


def test_opinion_validation(oe):
    consultation = _consult(oe)
    with pytest.raises(ValidationFailed) as error:
        services.opinion_submit(actor=oe.user("expert-1"), alliance=oe.alliance, consultation=consultation, stance="meh", text="", score=101)
    assert set(error.value.fields) == {"stance", "text", "score"}


def test_motion_cannot_open_before_consultation_summary(oe):
    from governance.models import Motion

    unit = oe.units[7]
    consultation = _consult(oe, subject=unit)
    motion = services.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="other", title="接纳",
                                    body="", closes_at=timezone.now() + timedelta(days=2), subject=unit)
    with pytest.raises(Conflict):
        services.motion_open(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    with scope(alliance=oe.alliance):
        assert Motion.objects.get(pk=motion.pk).status == "draft"
    services.opinion_submit(actor=oe.user("expert-1"), alliance=oe.alliance, consultation=consultation, stance="support", text="同意")
    services.consultation_close(actor=oe.user("sec"), alliance=oe.alliance, consultation=consultation)
    motion = services.motion_open(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    with scope(alliance=oe.alliance):
        assert list(motion.consultations.all()) == [Consultation.objects.get(pk=consultation.pk)]


def test_consultation_linked_to_open_motion_cannot_close(oe):
    motion = services.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="other", title="t", body="",
                                    closes_at=timezone.now() + timedelta(days=2))
    consultation = _consult(oe, motion=motion)
    with pytest.raises(Conflict):
        services.motion_open(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    services.consultation_close(actor=oe.user("sec"), alliance=oe.alliance, consultation=consultation)
    services.motion_open(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)


def test_motion_opening_notifies_and_emails_councillors_except_recused(oe, deliver):
    mail.outbox.clear()
    with deliver():
        open_motion(oe, subject=oe.units[1])
    recipients = sorted(m.to[0] for m in mail.outbox)
    expected = sorted(u.email for u in councillors(oe) if u != oe.user("council-1"))
    assert recipients == expected
    with scope(alliance=oe.alliance):
        assert Notification.objects.filter(kind="motion_opened").count() == 4


def test_reminders_go_24_hours_before_close_once(oe, deliver):
    soon = open_motion(oe, hours=20)
    open_motion(oe, hours=30)
    services.vote_cast(actor=oe.user("chair"), alliance=oe.alliance, motion=soon, choice="for")
    mail.outbox.clear()
    with deliver():
        call_command("send_motion_reminders")
    assert len(mail.outbox) == 4  # the four who have not voted on the motion closing within 24 h
    with deliver():
        call_command("send_motion_reminders")
    assert len(mail.outbox) == 4
    with scope(alliance=oe.alliance):
        assert Notification.objects.filter(kind="motion_reminder").count() == 4


def test_consultation_emails_the_asked_experts(oe, deliver):
    mail.outbox.clear()
    with deliver():
        _consult(oe, concerned_units=[oe.units[1]])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([oe.user("expert-2").email, oe.user("expert-3").email])


def test_notification_read_only_by_owner(oe):
    open_motion(oe)
    with scope(alliance=oe.alliance):
        note = Notification.objects.filter(user=oe.user("chair")).first()
    with pytest.raises(Forbidden):
        services.notification_read(actor=oe.user("council-1"), alliance=oe.alliance, notification=note)
    services.notification_read(actor=oe.user("chair"), alliance=oe.alliance, notification=note)
    with scope(alliance=oe.alliance):
        assert Notification.objects.get(pk=note.pk).read_at is not None


def test_opinion_after_deadline_is_refused(oe):
    consultation = _consult(oe)
    with scope(alliance=oe.alliance):
        Consultation.objects.filter(pk=consultation.pk).update(deadline=timezone.now() - timedelta(minutes=1))
        consultation.refresh_from_db()
    with pytest.raises(Conflict):
        services.opinion_submit(actor=oe.user("expert-1"), alliance=oe.alliance, consultation=consultation, stance="support", text="晚了")
    with scope(alliance=oe.alliance):
        assert not Opinion.objects.exists()
