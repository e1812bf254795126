"""Notifications people can tune (issue 19 point 4): e-mail now, daily digest or in-app only, per person
and kind; every e-mail in the reader's language with an unsubscribe link for its kind; the inbox pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from alliances import notifications, unsubscribe
from alliances.errors import ValidationFailed
from alliances.models import NotificationPreference, OutboxMessage
from governance import digest, services
from governance.models import Notification
from tests.conftest import run_worker

from .helpers import open_motion

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Delivery = NotificationPreference.Delivery


def _choose(user, kind, delivery):
    notifications.preference_set(actor=user, kind=kind, delivery=delivery)


def _outbox(ctx, email, kind=None):
    with scope(alliance=ctx.alliance):
        rows = OutboxMessage.objects.filter(recipient=email)
        return list(rows.filter(notice_kind=kind) if kind else rows)


def test_in_app_only_sends_no_mail_but_keeps_the_inbox_row(oe):
    quiet, loud = oe.user("council-1"), oe.user("council-2")
    _choose(quiet, Kind.MOTION_OPENED, Delivery.IN_APP)
    motion = open_motion(oe)
    assert _outbox(oe, quiet.email, Kind.MOTION_OPENED) == []
    assert len(_outbox(oe, loud.email, Kind.MOTION_OPENED)) == 1
    with scope(alliance=oe.alliance):
        row = Notification.objects.get(user=quiet, key=f"motion:{motion.pk}:opened")
    assert row.emailed_at is None


def test_a_kind_not_e_mailed_by_default_is_e_mailed_to_who_asks(oe):
    """A motion's result is in-app by default; a councillor who wants it by e-mail gets it."""
    keen = oe.user("council-1")
    _choose(keen, Kind.MOTION_CLOSED, Delivery.IMMEDIATE)
    motion = open_motion(oe)
    with scope(alliance=oe.alliance):
        from governance.models import Motion

        Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    services.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    assert len(_outbox(oe, keen.email, Kind.MOTION_CLOSED)) == 1
    assert _outbox(oe, oe.user("council-2").email, Kind.MOTION_CLOSED) == []


def test_the_digest_groups_a_days_notices_into_one_mail_and_runs_once(oe):
    user = oe.user("council-1")
    _choose(user, Kind.MOTION_OPENED, Delivery.DIGEST)
    first, second = open_motion(oe, title="议案甲"), open_motion(oe, title="议案乙")
    assert _outbox(oe, user.email, Kind.MOTION_OPENED) == []
    assert digest.send_digests() >= 1
    [message] = [m for m in _outbox(oe, user.email) if m.kind == OutboxMessage.Kind.DIGEST]
    assert "议案甲" in message.body and "议案乙" in message.body and "2" in message.subject
    assert "/unsubscribe/" in message.body
    with scope(alliance=oe.alliance):
        assert not Notification.objects.filter(user=user, key__in=[f"motion:{first.pk}:opened", f"motion:{second.pk}:opened"],
                                                emailed_at__isnull=True).exists()
    assert digest.send_digests() == 0  # safe to run twice
    assert len([m for m in _outbox(oe, user.email) if m.kind == OutboxMessage.Kind.DIGEST]) == 1


def test_the_e_mail_is_in_the_readers_language(oe, deliver):
    english, chinese = oe.user("council-1"), oe.user("council-2")
    notifications.language_set(actor=english, language="en")
    mail.outbox.clear()
    with deliver():
        open_motion(oe, title="海洋装备议案")
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent[english.email].subject.endswith("Motion open for voting: 海洋装备议案"), sent[english.email].subject
    assert "Unsubscribe: http" in sent[english.email].body
    assert "议案开始表决" in sent[chinese.email].subject
    assert "退订" in sent[chinese.email].body
    assert sent[english.email].extra_headers["List-Unsubscribe"].startswith("<http")


def test_the_unsubscribe_link_works_without_login_and_only_for_its_kind(oe, deliver):
    user = oe.user("council-1")
    mail.outbox.clear()
    with deliver():
        open_motion(oe)
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + link.split("/", 3)[3]
    client = Client()  # no session
    page = client.get(path)
    assert page.status_code == 200 and "unsubscribe-confirm" in page.content.decode()
    assert notifications.deliveries([user.pk], Kind.MOTION_OPENED)[user.pk] == Delivery.IMMEDIATE  # a GET changes nothing
    done = client.post(path)
    assert done.status_code == 200 and "unsubscribed" in done.content.decode()
    assert notifications.deliveries([user.pk], Kind.MOTION_OPENED)[user.pk] == Delivery.IN_APP
    assert notifications.deliveries([user.pk], Kind.MOTION_REMINDER)[user.pk] == Delivery.IMMEDIATE  # only its kind
    plain = client.get("/no-such-page/")
    for bad in (path[:-3] + "xx/", "/unsubscribe/x/", "/unsubscribe/" + unsubscribe.token(user.email, "no_such_kind") + "/",
                "/unsubscribe/" + "a" * 401 + "/"):
        response = client.post(bad)
        assert response.status_code == 404 and response.content == plain.content, bad


def test_the_preferences_page_lists_every_kind_by_its_label_and_saves(oe):
    user = oe.user("council-1")
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/notifications/").content.decode()
    for kind in Kind:
        assert str(kind.label) in page and f'name="kind:{kind.value}"' in page
    assert "motion_opened<" not in page  # labels, never codes
    choices = {f"kind:{k.value}": Delivery.IMMEDIATE for k in Kind} | {f"kind:{Kind.MOTION_REMINDER.value}": Delivery.DIGEST}
    assert client.post("/accounts/notifications/", choices | {"language": "en"}).status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert notifications.deliveries([user.pk], Kind.MOTION_REMINDER)[user.pk] == Delivery.DIGEST
    bad = client.post("/accounts/notifications/", choices | {f"kind:{Kind.MOTION_OPENED.value}": "sometimes", "language": "en"})
    assert bad.status_code == 400
    assert notifications.deliveries([user.pk], Kind.MOTION_OPENED)[user.pk] == Delivery.IMMEDIATE


def test_bad_preferences_are_refused_with_field_messages(oe):
    user = oe.user("council-1")
    with pytest.raises(ValidationFailed) as refused:
        notifications.preferences_save(actor=user, choices={"nope": Delivery.IN_APP, Kind.MOTION_OPENED.value: "x"},
                                       language="fr")
    assert set(refused.value.fields) == {"nope", Kind.MOTION_OPENED.value, "language"}
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_the_language_switch_remembers_a_signed_in_persons_choice(oe):
    user = oe.user("council-1")
    client = Client()
    client.force_login(user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert Client().post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 302  # anonymous: still switches


def test_the_inbox_pages(oe):
    user = oe.user("council-1")
    with scope(alliance=oe.alliance):
        Notification.objects.bulk_create([
            Notification(alliance=oe.alliance, user=user, kind=Kind.MOTION_OPENED, title=f"通知 {n}", key=f"t:{n}")
            for n in range(60)])
    client = Client()
    client.force_login(user)
    first = client.get(f"/a/{oe.alliance.slug}/inbox/").content.decode()
    assert "list-pages" in first and "page=2" in first
    second = client.get(f"/a/{oe.alliance.slug}/inbox/?page=2")
    assert second.status_code == 200 and "?page=1" in second.content.decode()
    assert client.get(f"/a/{oe.alliance.slug}/inbox/?page=abc").status_code == 200
    assert client.get(f"/a/{oe.alliance.slug}/inbox/?page=99999").status_code == 200


def test_the_worker_sends_the_calendar_attachment(oe, deliver):
    mail.outbox.clear()
    with deliver():
        services.meeting_create(actor=oe.user("sec"), alliance=oe.alliance, title="理事会",
                                starts_at=timezone.now() + timedelta(days=3))
    run_worker()
    invited = [m for m in mail.outbox if m.to == [oe.user("council-1").email]]
    assert invited and invited[0].attachments[0][0].endswith(".ics")
    assert invited[0].attachments[0][2].startswith("text/calendar")
