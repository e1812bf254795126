"""PostgreSQL only: row locks are real there (SQLite's select_for_update does nothing)."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from governance import services
from governance.models import Ballot, EligibleSeat

from .helpers import open_motion


def _race(ctx, motion, user, choices):
    barrier = threading.Barrier(len(choices))
    errors = []

    def cast(choice):
        try:
            barrier.wait(timeout=10)
            services.vote_cast(actor=user, alliance=ctx.alliance, motion=motion, choice=choice)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(c,)) for c in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [False, True])
def test_two_concurrent_votes_by_one_seat_leave_one_ballot(postgres_only, oe, secret):
    motion = open_motion(oe, secret=secret)
    user = oe.user("council-3")
    errors = _race(oe, motion, user, ["for", "against"])
    assert errors == []
    with scope(alliance=oe.alliance):
        ballots = list(Ballot.objects.filter(motion=motion))
        assert len(ballots) == 1
        assert ballots[0].choice in ("for", "against") and ballots[0].changes == 1
        assert EligibleSeat.objects.filter(motion=motion, voted_at__isnull=False).count() == 1
