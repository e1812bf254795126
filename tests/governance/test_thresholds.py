"""Every charter threshold at its boundary, through the real services (and the pure counter)."""

import pytest
from django_scopes import scope

from governance import services
from governance.models import Motion, Threshold
from governance.tally import Tally, decided, evaluate, required_for

from .helpers import add_councillors, close_after_window, councillors, open_motion, vote

pytestmark = pytest.mark.django_db


def _run(ctx, kind, voters_for, voters_against=(), voters_abstain=(), **kwargs):
    motion = open_motion(ctx, kind=kind, **kwargs)
    vote(ctx, motion, voters_for, "for")
    vote(ctx, motion, voters_against, "against")
    vote(ctx, motion, voters_abstain, "abstain")
    return close_after_window(ctx, motion)


@pytest.fixture
def seven(oe):
    """Seven council seats: the demo five and two more (units[5], units[6])."""
    return councillors(oe, add_councillors(oe, 2))


@pytest.mark.parametrize("n_for,result", [(4, "failed"), (5, "passed")])
def test_expel_needs_two_thirds_of_all_seats_of_seven(oe, seven, n_for, result):
    subject = oe.units[7]  # no council seat: nobody recused, 7 eligible, ceil(14/3) = 5
    motion = _run(oe, "expulsion", seven[:n_for], subject=subject)
    assert motion.tally["eligible"] == 7 and motion.result == result


@pytest.mark.parametrize("n_for,result", [(3, "failed"), (4, "passed")])
def test_expel_two_thirds_with_recusal_counts_six_seats(oe, seven, n_for, result):
    subject = oe.units[1]  # council-1 (seven[1]) recused: 6 eligible, ceil(12/3) = 4
    eligible = [u for u in seven if u != oe.user("council-1")]
    motion = _run(oe, "expulsion", eligible[:n_for], eligible[n_for:], subject=subject)
    assert motion.tally["eligible"] == 6 and motion.result == result


@pytest.mark.parametrize("n_for,result", [(3, "failed"), (4, "passed")])
def test_admission_needs_absolute_majority_of_all_seats(oe, seven, n_for, result):
    # Abstentions and absences count against: 3 for of 7 seats fails even with nobody against.
    motion = _run(oe, "admission", seven[:n_for])
    assert motion.result == result


@pytest.mark.parametrize("n_for,result", [(3, "failed"), (4, "passed")])
def test_admission_absolute_majority_with_recusal_of_six(oe, seven, n_for, result):
    eligible = [u for u in seven if u != oe.user("council-2")]
    motion = _run(oe, "admission", eligible[:n_for], subject=oe.units[2])
    assert motion.tally["eligible"] == 6 and motion.result == result


def test_agreement_amendment_needs_every_seat(oe):
    everyone = councillors(oe)
    assert _run(oe, "agreement_amendment", everyone).result == "passed"
    assert _run(oe, "agreement_amendment", everyone[:4], voters_abstain=everyone[4:]).result == "failed"
    assert _run(oe, "agreement_amendment", everyone[:4]).result == "failed"


@pytest.mark.parametrize("kind", ["project_approval", "project_adjustment", "budget", "rules"])
def test_project_budget_and_rules_need_absolute_majority_of_five(oe, kind):
    everyone = councillors(oe)
    assert _run(oe, kind, everyone[:3]).result == "passed"
    assert _run(oe, kind, everyone[:2], everyone[2:3]).result == "failed"


def test_other_is_simple_majority_of_votes_cast_with_quorum(oe):
    c = councillors(oe)
    # quorum: two thirds of 5 eligible take part, i.e. at least 4 ballots
    assert _run(oe, "other", c[:3]).result == "failed"  # 3 cast: no quorum
    assert _run(oe, "other", c[:3], c[3:4]).result == "passed"  # 3 of 4 cast
    assert _run(oe, "other", c[:2], c[2:4]).result == "failed"  # tie
    assert _run(oe, "other", c[:2], c[2:3], c[3:4]).result == "failed"  # abstention counts as cast


def test_secretariat_cannot_change_a_threshold_without_a_council_vote(oe, api):
    """The charter is derived from the agreement: its POST points at agreement amendments."""
    response = api(oe.user("sg")).post(f"/api/v1/alliances/{oe.alliance.slug}/charter/",
                                       {"thresholds": {"expulsion": "simple_majority_cast"}}, format="json")
    assert response.status_code == 400
    assert services.current_charter(oe.alliance).thresholds["expulsion"] == "two_thirds_seats"
    assert services.current_charter(oe.alliance).version == 1


@pytest.mark.parametrize("seats,needed", [(5, 4), (6, 4), (7, 5), (9, 6)])
def test_two_thirds_boundary_counts(seats, needed):
    assert required_for(Threshold.TWO_THIRDS_SEATS, seats) == needed
    assert evaluate(Tally(seats, needed), Threshold.TWO_THIRDS_SEATS)
    assert not evaluate(Tally(seats, needed - 1), Threshold.TWO_THIRDS_SEATS)


def test_decided_only_when_remaining_votes_cannot_matter():
    rule = Threshold.ABSOLUTE_MAJORITY_SEATS
    assert not decided(Tally(7, 3), rule)
    assert decided(Tally(7, 4), rule)
    assert decided(Tally(7, 0, 4), rule)  # 3 remaining cannot reach 4
    assert not decided(Tally(7, 0, 3), rule)
    quorum = (2, 3)
    assert not decided(Tally(6, 3), Threshold.SIMPLE_MAJORITY_CAST, quorum)  # quorum needs 4 cast
