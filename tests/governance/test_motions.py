from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from alliances.errors import Conflict, Forbidden, ValidationFailed
from governance import outcomes, selectors, services
from governance.models import Ballot, EligibleSeat, Motion, Resolution, SealedResult

from .helpers import add_councillors, close_after_window, councillors, end_window, open_motion, pass_resolution, vote

pytestmark = pytest.mark.django_db


def test_motion_lifecycle_passes_and_issues_numbered_resolution(oe):
    motion = open_motion(oe, kind="budget")
    voters = councillors(oe)
    vote(oe, motion, voters[:3], "for")
    vote(oe, motion, voters[3:4], "against")
    motion = close_after_window(oe, motion)
    assert motion.status == "closed" and motion.result == "passed"
    year = timezone.localdate().year
    assert motion.resolution.number == f"OE-{year}-001"
    assert motion.tally == {"eligible": 5, "for": 3, "against": 1, "abstain": 0, "cast": 4, "not_voted": 1}
    with scope(alliance=oe.alliance):
        sealed = SealedResult.objects.get(motion=motion)
        assert sealed.charter_version == 1 and sealed.result == "passed"
        assert [v["choice"] for v in sealed.voters] == ["for", "for", "for", "against"]


def test_resolution_numbers_count_up_per_alliance(oe, bm):
    numbers = []
    for _ in range(2):
        motion = open_motion(oe)
        vote(oe, motion, councillors(oe), "for")
        numbers.append(close_after_window(oe, motion).resolution.number)
    motion = open_motion(bm)
    vote(bm, motion, councillors(bm), "for")
    year = timezone.localdate().year
    assert numbers == [f"OE-{year}-001", f"OE-{year}-002"]
    assert close_after_window(bm, motion).resolution.number == f"BM-{year}-001"


def test_failed_motion_has_no_resolution(oe):
    motion = open_motion(oe, kind="admission")
    vote(oe, motion, councillors(oe)[:2], "for")
    motion = close_after_window(oe, motion)
    assert motion.result == "failed" and motion.resolution is None


def test_vote_can_be_changed_before_close(oe):
    motion = open_motion(oe)
    user = oe.user("council-1")
    services.vote_cast(actor=user, alliance=oe.alliance, motion=motion, choice="for")
    services.vote_cast(actor=user, alliance=oe.alliance, motion=motion, choice="against")
    with scope(alliance=oe.alliance):
        ballots = list(Ballot.objects.filter(motion=motion))
        assert [(b.choice, b.changes) for b in ballots] == [("against", 1)]
        assert services.my_choice(motion, user) == "against"


def test_vote_after_close_is_refused(oe):
    motion = open_motion(oe)
    user = oe.user("council-1")
    services.vote_cast(actor=user, alliance=oe.alliance, motion=motion, choice="for")
    close_after_window(oe, motion)
    with pytest.raises(Conflict):
        services.vote_cast(actor=user, alliance=oe.alliance, motion=motion, choice="against")
    with scope(alliance=oe.alliance):
        assert list(Ballot.objects.filter(motion=motion).values_list("choice", flat=True)) == ["for"]


def test_vote_after_window_end_before_close_is_refused(oe):
    motion = open_motion(oe)
    end_window(oe, motion)
    with pytest.raises(Conflict):
        services.vote_cast(actor=oe.user("council-1"), alliance=oe.alliance, motion=motion, choice="for")
    with scope(alliance=oe.alliance):
        assert not Ballot.objects.filter(motion=motion).exists()


def test_only_councillors_vote(oe):
    motion = open_motion(oe)
    for user in (oe.user("sec"), oe.user("expert-1"), oe.user("rep-1")):
        with pytest.raises(Forbidden):
            services.vote_cast(actor=user, alliance=oe.alliance, motion=motion, choice="for")
    with scope(alliance=oe.alliance):
        assert not Ballot.objects.filter(motion=motion).exists()


def test_bad_choice_is_refused(oe):
    motion = open_motion(oe)
    with pytest.raises(ValidationFailed):
        services.vote_cast(actor=oe.user("chair"), alliance=oe.alliance, motion=motion, choice="yes")


def test_draft_motion_refuses_votes(oe):
    motion = services.motion_create(
        actor=oe.user("sec"), alliance=oe.alliance, kind="other", title="t", body="", closes_at=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(Conflict):
        services.vote_cast(actor=oe.user("chair"), alliance=oe.alliance, motion=motion, choice="for")


def test_subject_unit_councillor_is_recused_and_denominator_recomputed(oe):
    unit = oe.units[1]  # council-1's unit
    motion = open_motion(oe, kind="expulsion", subject=unit)
    assert motion.subject_unit == unit
    with pytest.raises(Forbidden):
        services.vote_cast(actor=oe.user("council-1"), alliance=oe.alliance, motion=motion, choice="against")
    others = [oe.user("chair"), oe.user("council-2"), oe.user("council-3")]
    vote(oe, motion, others, "for")  # 3 of 4 eligible >= ceil(8/3)=3
    motion = close_after_window(oe, motion)
    assert motion.tally["eligible"] == 4 and motion.result == "passed"
    with scope(alliance=oe.alliance):
        assert [r["unit"] for r in motion.sealed.recused] == [unit.name]


def test_motion_create_validates_and_needs_secretariat(oe, bm):
    future = timezone.now() + timedelta(days=1)
    with pytest.raises(Forbidden):
        services.motion_create(actor=oe.user("chair"), alliance=oe.alliance, kind="other", title="t", body="", closes_at=future)
    with pytest.raises(ValidationFailed) as error:
        services.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="nope", title="", body="",
                               closes_at=timezone.now() - timedelta(hours=1), subject=bm.units[0])
    assert set(error.value.fields) == {"kind", "title", "closes_at", "subject", "subject_unit"}
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists()


def test_early_close_only_when_outcome_cannot_change(oe):
    motion = open_motion(oe, kind="admission")  # absolute majority of 5: 3
    vote(oe, motion, councillors(oe)[:2], "for")
    with pytest.raises(Conflict):
        services.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    with scope(alliance=oe.alliance):
        assert Motion.objects.get(pk=motion.pk).status == "open"
        assert not SealedResult.objects.exists()
    vote(oe, motion, councillors(oe)[2:3], "for")
    motion = services.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    assert motion.result == "passed"


def test_early_close_when_failure_is_certain(oe):
    motion = open_motion(oe, kind="agreement_amendment")
    vote(oe, motion, councillors(oe)[:1], "against")
    motion = services.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    assert motion.result == "failed"


def test_scheduled_close_refused_before_window_ends(oe):
    motion = open_motion(oe)
    with pytest.raises(Conflict):
        services.motion_close(actor=None, alliance=oe.alliance, motion=motion)


def test_councillor_cannot_close(oe):
    motion = open_motion(oe)
    vote(oe, motion, councillors(oe), "for")
    with pytest.raises(Forbidden):
        services.motion_close(actor=oe.user("chair"), alliance=oe.alliance, motion=motion)


def test_closing_twice_is_refused(oe):
    motion = open_motion(oe)
    close_after_window(oe, motion)
    with pytest.raises(Conflict):
        services.motion_close(actor=None, alliance=oe.alliance, motion=motion)


def test_seats_snapshot_at_opening(oe):
    motion = open_motion(oe)
    add_councillors(oe, 1)
    with scope(alliance=oe.alliance):
        assert EligibleSeat.objects.filter(motion=motion).count() == 5


@pytest.fixture
def rules_outcome():
    """Register a handler for "rules" motions (as an app's ready() would) for one test."""
    registered = []

    def register(fn):
        registered.append(outcomes.motion_decided.register(fn, "rules"))

    yield register
    for fn in registered:
        outcomes.motion_decided.unregister(fn, "rules")


def test_outcome_handler_runs_inside_close(oe, rules_outcome):
    seen = []
    rules_outcome(lambda m: seen.append((m.pk, m.result, m.resolution.number)))
    motion = open_motion(oe, kind="rules")
    vote(oe, motion, councillors(oe), "for")
    motion = close_after_window(oe, motion)
    assert seen == [(motion.pk, "passed", motion.resolution.number)]


def test_failing_outcome_handler_rolls_back_the_close(oe, rules_outcome):
    def broken(motion):
        raise Conflict("handler refuses")

    rules_outcome(broken)
    motion = open_motion(oe, kind="rules")
    vote(oe, motion, councillors(oe), "for")
    with pytest.raises(Conflict):
        close_after_window(oe, motion)
    with scope(alliance=oe.alliance):
        assert Motion.objects.get(pk=motion.pk).status == "open"
        assert not SealedResult.objects.exists() and not Resolution.objects.exists()


def test_resolution_reference_must_be_a_passed_resolution_of_this_alliance_about_the_subject(oe, bm):
    unit, other = oe.units[6], oe.units[7]
    number = pass_resolution(oe, kind="other", subject_unit=unit)
    assert selectors.resolution_for(oe.alliance, number, kinds=("other",), subject=unit).number == number
    failed = open_motion(oe, kind="other", subject_unit=unit)
    failed = close_after_window(oe, failed)
    assert failed.result == "failed"
    theirs = pass_resolution(bm, kind="other", subject_unit=bm.units[6])
    refused = {
        "free text": ("第3号决议", {}),
        "another alliance": (theirs, {}),
        "another subject": (number, {"subject": other}),
        "another kind": (number, {"kinds": ("appointment",)}),
        "blank": ("", {}),
    }
    for case, (cited, kwargs) in refused.items():
        with pytest.raises(ValidationFailed) as error:
            selectors.resolution_for(oe.alliance, cited, field="resolution_number", **kwargs)
        assert list(error.value.fields) == ["resolution_number"], case
