"""PostgreSQL only: row locks are real there (SQLite's select_for_update does nothing)."""

import pytest
from django_scopes import scope

from governance import services
from governance.models import Ballot, EligibleSeat
from tests.concurrency import run_together

from .helpers import open_motion


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [False, True])
def test_two_concurrent_votes_by_one_seat_leave_one_ballot(postgres_only, oe, secret):
    motion = open_motion(oe, secret=secret)
    user = oe.user("council-3")
    results = run_together(
        *[lambda c=c: services.vote_cast(actor=user, alliance=oe.alliance, motion=motion, choice=c) for c in ("for", "against")]
    )
    assert all(isinstance(r, Ballot) for r in results), results
    with scope(alliance=oe.alliance):
        ballots = list(Ballot.objects.filter(motion=motion))
        assert len(ballots) == 1
        assert ballots[0].choice in ("for", "against") and ballots[0].changes == 1
        assert EligibleSeat.objects.filter(motion=motion, voted_at__isnull=False).count() == 1
