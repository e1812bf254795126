"""PostgreSQL: admission and expulsion of one member unit racing with other changes of the same
unit (issue 9, point 4). Real threads, each on its own connection, released together by a barrier.
Each race ends in exactly one consistent state — the unit's status, its council seat and grant,
its transitions, the expulsion case and the sealed result — and never in an unexpected error (a
deadlock or an IntegrityError would be a 500).

Double vote by one seat, two spends of the last restricted yuan and two approvals of one entry are
in tests/governance/test_concurrency.py and tests/finance/test_concurrency.py.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from alliances import services as alliance_services
from alliances.demo import demo_user
from alliances.errors import Conflict
from alliances.models import Role, RoleGrant, Seat
from governance import services as governance
from governance.models import Motion, SealedResult
from membership import hooks, services
from membership.models import ExpulsionCase, MemberTransition, MemberUnit
from tests.concurrency import run_together
from tests.membership.conftest import complete_fields

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COUNCIL = ["chair", "council-1", "council-2", "council-3", "council-4"]
Event = MemberTransition.Event


def closes():
    return timezone.now() + timedelta(days=7)


def vote(ctx, motion, names, choice):
    for name in names:
        governance.vote_cast(actor=ctx.user(name), alliance=ctx.alliance, motion=motion, choice=choice)


def council_unit_without_blockers(ctx):
    """A council member unit (seats 1-4, not the chair) with no open project tasks."""
    with scope(alliance=ctx.alliance):
        for index in (4, 3, 2, 1):
            unit = MemberUnit.objects.get(pk=ctx.units[index].pk)
            if unit.status == MemberUnit.Status.ACTIVE and not unit.pending_motion_id and not hooks.blockers_for(unit):
                return index, unit
    pytest.fail("the demo has no council unit free of project tasks")


def events(ctx, unit):
    with scope(alliance=ctx.alliance):
        return list(MemberTransition.objects.filter(unit=unit).order_by("id").values_list("event", flat=True))


def propose_expulsion(ctx, unit):
    return services.member_expel_propose(
        actor=ctx.user("sec"), alliance=ctx.alliance, unit=unit, grounds="agreement_breach",
        statement="多次拒不履行协议约定的任务分工", evidence="理事会会议纪要", closes_at=closes(),
    )


def request_withdrawal(ctx, unit):
    return services.member_withdraw_request(
        actor=ctx.user("sec"), alliance=ctx.alliance, unit=unit, reason="战略调整", effective_on=timezone.localdate(),
    )


def decided_expulsion(ctx):
    """A council unit with an expulsion motion that already has the votes to pass (the unit's own
    councillor is recused: 4 eligible seats, two thirds = 3)."""
    index, unit = council_unit_without_blockers(ctx)
    case = propose_expulsion(ctx, unit)
    with scope(alliance=ctx.alliance):
        motion = Motion.objects.get(pk=case.motion_id)
    voters = [name for n, name in enumerate(COUNCIL) if n != index][:3]
    vote(ctx, motion, voters, "for")
    with scope(alliance=ctx.alliance):
        assert governance.can_close_early(motion)
    return index, unit, motion


def assert_expelled(ctx, unit, motion, index):
    with scope(alliance=ctx.alliance):
        unit = MemberUnit.objects.get(pk=unit.pk)
        assert unit.status == MemberUnit.Status.EXPELLED and unit.pending_motion_id is None
        assert ExpulsionCase.objects.get(unit=unit).outcome == ExpulsionCase.Outcome.EXPELLED
        assert SealedResult.objects.filter(motion=motion).count() == 1
        assert Motion.objects.get(pk=motion.pk).result == "passed"
        seat = Seat.objects.get(unit=unit)
        assert seat.vacated_at is not None
        assert not RoleGrant.objects.filter(seat=seat, revoked_at__isnull=True).exists()
        assert not RoleGrant.objects.filter(user=ctx.user(COUNCIL[index]), role=Role.COUNCILLOR, revoked_at__isnull=True).exists()
    assert events(ctx, unit)[-2:] == [Event.EXPULSION_PROPOSED, Event.EXPELLED]


def test_expulsion_closing_while_the_unit_asks_to_withdraw_ends_expelled(postgres_only, oe):
    index, unit, motion = decided_expulsion(oe)
    results = run_together(
        lambda: governance.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion),
        lambda: request_withdrawal(oe, unit),
    )
    assert isinstance(results[0], Motion) and isinstance(results[1], Conflict), results
    assert_expelled(oe, unit, motion, index)
    assert Event.WITHDRAWAL_REQUESTED not in events(oe, unit)


def test_scheduled_and_secretariat_close_of_one_expulsion_seal_and_expel_once(postgres_only, oe):
    index, unit, motion = decided_expulsion(oe)
    with scope(alliance=oe.alliance):  # the window has ended: both closes are allowed on their own
        Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    results = run_together(
        lambda: governance.motion_close(actor=None, alliance=oe.alliance, motion=motion),
        lambda: governance.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion),
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Motion"], results
    assert_expelled(oe, unit, motion, index)
    assert events(oe, unit).count(Event.EXPELLED) == 1


def test_expulsion_proposal_and_withdrawal_request_at_once_only_one_happens(postgres_only, oe):
    _index, unit = council_unit_without_blockers(oe)
    results = run_together(lambda: propose_expulsion(oe, unit), lambda: request_withdrawal(oe, unit))
    proposed, withdrawing = (not isinstance(results[0], Exception)), (not isinstance(results[1], Exception))
    assert proposed != withdrawing, results
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception)), results
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(pk=unit.pk)
        motions = Motion.objects.filter(kind="expulsion", subject_unit=unit)
        if proposed:
            assert unit.status == MemberUnit.Status.ACTIVE and unit.pending_motion_kind == "expulsion"
            assert ExpulsionCase.objects.filter(unit=unit).count() == 1 and motions.count() == 1
            assert unit.pending_motion_id == motions.get().pk
        else:
            assert unit.status == MemberUnit.Status.WITHDRAWING and unit.pending_motion_id is None
            assert not ExpulsionCase.objects.filter(unit=unit).exists() and not motions.exists()
    assert events(oe, unit)[-1] == (Event.EXPULSION_PROPOSED if proposed else Event.WITHDRAWAL_REQUESTED)


def test_admission_closing_while_its_expulsion_is_proposed_ends_admitted(postgres_only, oe):
    sec = oe.user("sec")
    unit = services.member_apply(actor=sec, alliance=oe.alliance, **complete_fields())
    services.member_review_start(actor=sec, alliance=oe.alliance, unit=unit)
    unit = services.member_submit_for_admission(actor=sec, alliance=oe.alliance, unit=unit, closes_at=closes())
    with scope(alliance=oe.alliance):
        motion = Motion.objects.get(pk=unit.pending_motion_id)
    vote(oe, motion, COUNCIL[:3], "for")  # absolute majority of five seats: decided
    results = run_together(
        lambda: governance.motion_close(actor=sec, alliance=oe.alliance, motion=motion),
        lambda: propose_expulsion(oe, unit),
    )
    assert isinstance(results[0], Motion) and isinstance(results[1], Conflict), results
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(pk=unit.pk)
        assert unit.status == MemberUnit.Status.ADMITTED and unit.pending_motion_id is None and unit.admission_resolution
        assert not ExpulsionCase.objects.filter(unit=unit).exists()
        assert not Motion.objects.filter(kind="expulsion", subject_unit=unit).exists()
        assert SealedResult.objects.filter(motion=motion, result="passed").count() == 1
    assert events(oe, unit) == [Event.APPLIED, Event.REVIEW_STARTED, Event.SUBMITTED_TO_COUNCIL, Event.ADMITTED]


def test_expulsion_closing_while_the_units_free_seat_is_filled_leaves_no_councillor(postgres_only, oe):
    """The unit's councillor has stepped down; while the expulsion closes, the secretariat appoints
    a new person to the unit's seat. Either the appointment comes first and the expulsion revokes
    it, or it is refused: an expelled unit never keeps a council seat."""
    index, unit = council_unit_without_blockers(oe)
    admin = oe.admin
    with scope(alliance=oe.alliance):
        seat = Seat.objects.get(unit=unit)
        grant = RoleGrant.objects.get(seat=seat, revoked_at__isnull=True)
    alliance_services.role_revoke(actor=admin, alliance=oe.alliance, grant=grant)
    case = propose_expulsion(oe, unit)
    with scope(alliance=oe.alliance):
        motion = Motion.objects.get(pk=case.motion_id)
    vote(oe, motion, [name for n, name in enumerate(COUNCIL) if n != index][:3], "for")  # 3 of 4 seats
    newcomer = demo_user(f"{oe.alliance.slug}-newcomer", "新任理事")
    results = run_together(
        lambda: governance.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion),
        lambda: alliance_services.role_grant(actor=admin, alliance=oe.alliance, user=newcomer, role=Role.COUNCILLOR, seat=seat),
    )
    assert isinstance(results[0], Motion), results
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(pk=unit.pk)
        assert unit.status == MemberUnit.Status.EXPELLED
        seat = Seat.objects.get(pk=seat.pk)
        assert seat.vacated_at is not None
        assert not RoleGrant.objects.filter(seat=seat, revoked_at__isnull=True).exists(), results
        assert not RoleGrant.objects.filter(user=newcomer, revoked_at__isnull=True).exists()
