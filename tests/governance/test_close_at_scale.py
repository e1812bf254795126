"""Closing a motion costs a constant number of queries whatever the council's size, and the
plain-row close seals exactly what the model-based close sealed (voter list, tally, hash)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from alliances import services as alliance_services
from alliances.errors import Conflict, Forbidden
from alliances.models import Organ, Role, User
from governance import services
from governance.models import EligibleSeat, Motion, Notification, SealedResult

from .helpers import councillors, end_window, open_motion, vote

pytestmark = pytest.mark.django_db


def _more_councillors(ctx, count: int) -> list:
    """Extra council seats through the services; holders' names in every form `str(user)` takes
    (display name, full name, bare username), with and without a member unit."""
    users = []
    with scope(alliance=ctx.alliance):
        for n in range(count):
            seat = alliance_services.seat_create(
                actor=ctx.admin, alliance=ctx.alliance, organ_kind=Organ.Kind.COUNCIL, title=f"理事{n}",
                unit=ctx.units[n % len(ctx.units)] if n % 3 else None, position=100 + n,
            )
            names = [{"display_name": f"扩充理事{n}"}, {"first_name": "三", "last_name": f"张{n}"}, {}][n % 3]
            user = User.objects.create_user(username=f"{ctx.alliance.slug}-scale-{n}", password=None, **names)
            alliance_services.role_grant(actor=ctx.admin, alliance=ctx.alliance, user=user, role=Role.COUNCILLOR, seat=seat)
            users.append(user)
    return users


def _close_counted(ctx, motion):
    end_window(ctx, motion)
    with CaptureQueriesContext(connection) as captured:
        closed = services.motion_close(actor=None, alliance=ctx.alliance, motion=motion)
    assert closed.status == Motion.Status.CLOSED
    return closed, len(captured.captured_queries)


def _model_based_rows(motion):
    """The voter rows as the model-based close built them (seat, unit and holder instances)."""
    entries = EligibleSeat.objects.filter(motion=motion).select_related("seat", "unit", "holder")
    return {
        e.seat_id: {"seat": e.seat_id, "seat_title": e.seat.title, "unit": e.unit.name if e.unit else "",
                    "person": str(e.holder)}
        for e in entries
    }


@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_close_query_count_does_not_grow_with_seats(oe, secret):
    # The alliance's first seal also creates its resolutions chain head (a one-off): not counted here.
    first = open_motion(oe, title="首个议案")
    _close_counted(oe, first)
    small = open_motion(oe, secret=secret, title="五席")
    vote(oe, small, councillors(oe), "for")
    _closed, few = _close_counted(oe, small)

    extra = _more_councillors(oe, 45)
    large = open_motion(oe, secret=secret, title="五十席")
    vote(oe, large, councillors(oe, extra), "for")
    closed, many = _close_counted(oe, large)

    assert many == few, f"5 seats: {few} queries, 50 seats: {many}"
    assert closed.result == Motion.Result.PASSED
    with scope(alliance=oe.alliance):
        sealed = SealedResult.objects.get(motion=large)
        assert sealed.tally == {"eligible": 50, "for": 50, "against": 0, "abstain": 0, "cast": 50, "not_voted": 0}
        rows = _model_based_rows(large)
        expected = [rows[seat] | ({} if secret else {"choice": "for"}) for seat in rows]
        assert sealed.voters == expected  # same rows, same seat order as the model-based close
        assert sealed.hash == services.sealed_hash(sealed)
        assert services.verify_chain(oe.alliance)[1] is None


def test_close_notifies_every_seat_holder_once_with_history(oe):
    extra = _more_councillors(oe, 7)
    motion = open_motion(oe, title="通知")
    vote(oe, motion, councillors(oe, extra)[:8], "for")
    with scope(alliance=oe.alliance):
        holders = set(EligibleSeat.objects.filter(motion=motion).values_list("holder_id", flat=True))
        # One holder already has the key (e.g. a retried close): no second notification for them.
        pre = services._notify(oe.alliance, oe.user("chair"), Notification.Kind.MOTION_CLOSED, f"motion:{motion.pk}:closed",
                               "先到的通知", "", "/")
    end_window(oe, motion)
    services.motion_close(actor=None, alliance=oe.alliance, motion=motion)
    with scope(alliance=oe.alliance):
        notes = Notification.objects.filter(key=f"motion:{motion.pk}:closed")
        assert sorted(notes.values_list("user_id", flat=True)) == sorted(holders)
        fresh = notes.exclude(pk=pre.pk)
        assert {n.title for n in fresh} == {f"表决结果：{motion.title}"}
        assert {n.body for n in fresh} == {"通过"}
        assert {n.url for n in fresh} == {f"/a/{oe.alliance.slug}/motions/{motion.pk}/"}
        assert all(n.kind == Notification.Kind.MOTION_CLOSED and n.created_at and n.read_at is None for n in fresh)
        history = Notification.history.filter(key=f"motion:{motion.pk}:closed")
        assert sorted(history.values_list("id", flat=True)) == sorted(notes.values_list("pk", flat=True))
        assert set(history.values_list("history_type", flat=True)) == {"+"}
        # The scheduled close has no actor: history rows are attributed to nobody, like the ORM's.
        assert set(history.exclude(id=pre.pk).values_list("history_user_id", flat=True)) == {None}


def test_secretariat_close_attributes_notification_history_to_the_actor(oe):
    motion = open_motion(oe, title="提前结束")
    vote(oe, motion, councillors(oe), "for")
    services.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    with scope(alliance=oe.alliance):
        history = Notification.history.filter(key=f"motion:{motion.pk}:closed")
        assert history.count() == 5
        assert set(history.values_list("history_user_id", flat=True)) == {oe.user("sec").pk}


def test_the_seal_does_not_wait_for_the_announcement(oe):
    motion = open_motion(oe, title="先封存后通知")
    vote(oe, motion, councillors(oe, [])[:5], "for")
    key = f"motion:{motion.pk}:closed"
    with pytest.raises(Conflict):  # an open motion has no result to announce
        services.motion_result_announce(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    end_window(oe, motion)
    sealed = services.motion_seal(actor=None, alliance=oe.alliance, motion=motion)
    with scope(alliance=oe.alliance):
        assert sealed.status == Motion.Status.CLOSED and SealedResult.objects.filter(motion=motion).exists()
        assert not Notification.objects.filter(key=key).exists()
        holders = EligibleSeat.objects.filter(motion=motion).values("holder_id").distinct().count()
    with pytest.raises(Forbidden):
        services.motion_result_announce(actor=oe.user("council-1"), alliance=oe.alliance, motion=sealed)
    assert services.motion_result_announce(actor=None, alliance=oe.alliance, motion=sealed) == holders
    assert services.motion_result_announce(actor=oe.user("sec"), alliance=oe.alliance, motion=sealed) == 0  # idempotent
    with scope(alliance=oe.alliance):
        assert Notification.objects.filter(key=key).count() == Notification.history.filter(key=key).count() == holders


def test_sealed_hash_definition_is_unchanged():
    """A result sealed before the plain-row close must still verify: the hash of a fixed record,
    computed with the definition as it was, stays the same."""
    sealed = SealedResult(
        alliance_id=7, motion_id=42, sequence=3,
        sealed_at=datetime.datetime(2026, 11, 25, 22, 30, 5, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
        kind="budget", title="年度预算 “2027”", secret=False, threshold="absolute_majority_seats", charter_version=2,
        tally={"eligible": 3, "for": 2, "against": 1, "abstain": 0, "cast": 3, "not_voted": 0},
        voters=[{"seat": 1, "seat_title": "理事长", "unit": "甲单位", "person": "张三", "choice": "for"},
                {"seat": 2, "seat_title": "理事", "unit": "", "person": "li", "choice": "against"}],
        recused=[{"seat": 5, "seat_title": "理事", "unit": "乙单位", "person": "王五"}],
        result="passed", resolution_number="OE-2026-003", previous_hash="ab" * 32,
    )
    assert services.sealed_hash(sealed) == "d283f4bf5280d1c712f6ebdb55c1def0c2a01a6b87e732a3e99674f300e7cf50"
