"""Helpers for governance tests: extra council seats, an open motion, time travel for closing."""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope

from alliances import services as alliance_services
from alliances.demo import demo_user
from alliances.models import Organ, Role
from governance import outcomes, services


def add_councillors(ctx, count: int, units=None) -> list:
    """Create `count` extra council seats with holders (the demo council has five)."""
    users = []
    with scope(alliance=ctx.alliance):
        for n in range(count):
            unit = units[n] if units else ctx.units[5 + n] if 5 + n < len(ctx.units) else None
            seat = alliance_services.seat_create(
                actor=ctx.admin, alliance=ctx.alliance, organ_kind=Organ.Kind.COUNCIL, title="理事", unit=unit,
                position=10 + n,
            )
            user = demo_user(f"{ctx.alliance.slug}-extra-{n}", f"理事 extra {n}")
            alliance_services.role_grant(actor=ctx.admin, alliance=ctx.alliance, user=user, role=Role.COUNCILLOR, seat=seat)
            users.append(user)
    return users


def councillors(ctx, extra=()) -> list:
    return [ctx.user("chair")] + [ctx.user(f"council-{n}") for n in range(1, 5)] + list(extra)


def open_motion(ctx, kind="other", hours=48, **kwargs):
    """An open motion. Kinds a process owns go through the process entry point (the generic
    path refuses them): these tests are about counting, not about the processes."""
    if kind in outcomes.owned_kinds():
        return open_process_motion(ctx, kind, hours=hours, **kwargs)
    closes_at = timezone.now() + timedelta(hours=hours)
    motion = services.motion_create(
        actor=ctx.user("sec"), alliance=ctx.alliance, kind=kind, title=kwargs.pop("title", f"议案 {kind}"),
        body=kwargs.pop("body", "正文"), closes_at=closes_at, **kwargs,
    )
    return services.motion_open(actor=ctx.user("sec"), alliance=ctx.alliance, motion=motion)


def vote(ctx, motion, users, choice):
    for user in users:
        services.vote_cast(actor=user, alliance=ctx.alliance, motion=motion, choice=choice)


def end_window(ctx, motion):
    """Move the window's end into the past (as if time had passed), through the ORM on purpose:
    tests stand in for the clock, not for a service."""
    from governance.models import Motion

    with scope(alliance=ctx.alliance):
        Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        motion.refresh_from_db()
    return motion


def close_after_window(ctx, motion):
    end_window(ctx, motion)
    return services.motion_close(actor=None, alliance=ctx.alliance, motion=motion)


def pass_resolution(ctx, kind="other", subject_unit=None, title="决议") -> str:
    """A real council resolution: a motion of a kind no process owns, every councillor for, closed.
    Returns its number (for inputs that cite a resolution)."""
    motion = open_motion(ctx, kind=kind, title=title, subject_unit=subject_unit)
    with scope(alliance=ctx.alliance):
        voters = [entry.holder for entry in motion.eligible_seats.filter(recused=False).select_related("holder")]
    vote(ctx, motion, voters, "for")
    closed = services.motion_close(actor=ctx.user("sec"), alliance=ctx.alliance, motion=motion)
    with scope(alliance=ctx.alliance):
        return closed.resolution.number


def open_process_motion(ctx, kind, hours=48, **kwargs):
    """A motion of a kind a process owns, through the process entry point (tests of counting rules)."""
    closes_at = timezone.now() + timedelta(hours=hours)
    return services.process_motion_open(
        actor=ctx.user("sec"), alliance=ctx.alliance, kind=kind, title=kwargs.pop("title", f"议案 {kind}"),
        body=kwargs.pop("body", "正文"), closes_at=closes_at, **kwargs,
    )
