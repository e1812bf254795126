"""A hypothesis state machine over council motions (issue 9, point 3).

Rules: open random motions (kinds with different thresholds, named or secret ballots, with or
without a subject unit whose councillor is recused); votes and vote changes by random seats; votes
that must be refused (recused seat, after the window, after the close, by people who hold no seat:
secretariat, expert, another alliance's councillor); early closes (allowed only when no remaining
vote can change the outcome, decided here by enumerating every way the remaining seats could
vote); scheduled closes after the window; second closes.

Invariant: every sealed result equals an independent recount from this machine's record of the
votes under the thresholds written below (DESIGN §3 Governance, docs/governance.md), the ballot
rows agree with that record, resolutions are numbered without gaps, and `verify_resolutions`
passes.
"""

import io
import os
import itertools
from collections import defaultdict
from datetime import timedelta
from fractions import Fraction

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from alliances.errors import Conflict, Forbidden
from governance import outcomes, services
from governance.models import Ballot, EligibleSeat, Motion, Resolution, SealedResult

from .support import Savepoint, assert_refused, machine_settings

# The charter defaults, written out independently of governance/services/.
RULES = {
    "other": ("simple_majority_cast", Fraction(2, 3)),  # of the votes cast, two thirds of the seats taking part
    "admission": ("absolute_majority_seats", Fraction(0)),
    "budget": ("absolute_majority_seats", Fraction(0)),
    "expulsion": ("two_thirds_seats", Fraction(0)),
    "agreement_amendment": ("unanimity_seats", Fraction(0)),
}
COUNCIL = ["chair", "council-1", "council-2", "council-3", "council-4"]  # seats of units[0..4], in order
CHOICES = ("for", "against", "abstain")
picks = st.integers(min_value=0, max_value=10_000)


def passes(kind: str, eligible: int, votes: dict) -> bool:
    """The council's rule for `kind`, from the counts of for / against / abstain."""
    rule_name, quorum = RULES[kind]
    yes = sum(1 for c in votes.values() if c == "for")
    cast = len(votes)
    if eligible <= 0 or yes == 0 or Fraction(cast) < quorum * eligible:
        return False
    if rule_name == "simple_majority_cast":
        return Fraction(yes) > Fraction(cast, 2)
    if rule_name == "absolute_majority_seats":
        return Fraction(yes) > Fraction(eligible, 2)
    if rule_name == "two_thirds_seats":
        return Fraction(yes) >= Fraction(2 * eligible, 3)
    return yes == eligible


def outcome_settled(kind: str, eligible: int, votes: dict) -> bool:
    """True when every way the seats that have not voted could still vote (or not) gives the same result."""
    remaining = eligible - len(votes)
    results = set()
    for n_for, n_against, n_abstain in itertools.product(range(remaining + 1), repeat=3):
        if n_for + n_against + n_abstain > remaining:
            continue
        future = dict(votes)
        extra = ["for"] * n_for + ["against"] * n_against + ["abstain"] * n_abstain
        for index, choice in enumerate(extra):
            future[f"future-{index}"] = choice
        results.add(passes(kind, eligible, future))
    return len(results) == 1


class GovernanceMachine(RuleBasedStateMachine):
    ctx = None
    other = None  # `bm`, another alliance

    def __init__(self):
        super().__init__()
        self.savepoint = Savepoint()
        self.alliance = self.ctx.alliance
        self.sec = self.ctx.user("sec")
        self.councillors = [self.ctx.user(name) for name in COUNCIL]
        self.outsiders = [self.sec, self.ctx.user("expert-1"), self.ctx.user("rep-1"), self.other.user("council-1")]
        self.units = list(self.ctx.units)
        charter = services.current_charter(self.alliance)
        for kind, (rule_name, quorum) in RULES.items():
            assert charter.threshold_for(kind) == rule_name, kind
            assert Fraction(*charter.quorum_for(kind)) == quorum, kind
        self.motions = {}  # pk -> {"kind", "secret", "recused": seat index|None, "votes": {seat index: choice}, "status"}
        with scope(alliance=self.alliance):
            self.resolutions_before = Resolution.objects.count()
            self.sealed_before = SealedResult.objects.count()
        self.stats = defaultdict(int)

    def teardown(self):
        self.savepoint.rollback()
        for name, count in self.stats.items():
            RUN_STATS[name] += count

    def _eligible(self, item) -> int:
        return len(COUNCIL) - (1 if item["recused"] is not None else 0)

    def _pick(self, status, pick):
        pks = sorted(pk for pk, item in self.motions.items() if item["status"] == status)
        return pks[pick % len(pks)] if pks else None

    def _motion(self, pk):
        with scope(alliance=self.alliance):
            return Motion.objects.get(pk=pk)

    def _snapshot(self, pk):
        with scope(alliance=self.alliance):
            motion = Motion.objects.get(pk=pk)
            return (
                motion.status, motion.result, motion.closes_at,
                sorted(Ballot.objects.filter(motion_id=pk).values_list("choice", "changes")),
                sorted(EligibleSeat.objects.filter(motion_id=pk).values_list("seat_id", "voted_at")),
                SealedResult.objects.count(), Resolution.objects.count(),
            )

    def _expect_refused(self, pk, error, call):
        assert_refused(error, call, lambda: self._snapshot(pk))
        self.stats["refused"] += 1

    # ------------------------------------------------------------ rules

    @precondition(lambda self: sum(1 for m in self.motions.values() if m["status"] == "open") < 4)
    @rule(kind=st.sampled_from(sorted(RULES)), secret=st.booleans(), subject=st.integers(-4, 8))
    def open_motion(self, kind, secret, subject):
        unit = self.units[subject] if subject >= 0 else None
        closes_at = timezone.now() + timedelta(hours=48)
        if kind in outcomes.owned_kinds():  # opened by its process's entry point (named ballot), as membership does
            secret = False
            motion = services.process_motion_open(actor=self.sec, alliance=self.alliance, kind=kind,
                                                  title=f"随机议案 {kind}", body="正文", closes_at=closes_at, subject_unit=unit)
        else:
            motion = services.motion_create(
                actor=self.sec, alliance=self.alliance, kind=kind, title=f"随机议案 {kind}", body="正文",
                closes_at=closes_at, subject_unit=unit, secret=secret,
            )
            motion = services.motion_open(actor=self.sec, alliance=self.alliance, motion=motion)
        recused = subject if 0 <= subject < len(COUNCIL) else None
        self.motions[motion.pk] = {"kind": kind, "secret": secret, "recused": recused, "votes": {}, "status": "open",
                                   "window_ended": False}
        with scope(alliance=self.alliance):
            assert EligibleSeat.objects.filter(motion=motion, recused=True).count() == (0 if recused is None else 1)
        self.stats["opened"] += 1

    @precondition(lambda self: self.motions)
    @rule(pick=picks, seat=st.integers(0, len(COUNCIL) - 1), choice=st.sampled_from(CHOICES), status=st.sampled_from(["open", "open", "closed"]))
    def vote(self, pick, seat, choice, status):
        pk = self._pick(status, pick)
        if pk is None:
            return
        item = self.motions[pk]
        motion = self._motion(pk)

        def call():
            return services.vote_cast(actor=self.councillors[seat], alliance=self.alliance, motion=motion, choice=choice)

        if item["status"] == "closed" or item["window_ended"]:
            self._expect_refused(pk, Conflict, call)  # never after the window or the close
            self.stats["late_vote_refused"] += 1
        elif item["recused"] == seat:
            self._expect_refused(pk, Forbidden, call)  # the subject unit's councillor is recused
            self.stats["recused_refused"] += 1
        else:
            changed = seat in item["votes"]
            ballot = call()
            assert ballot.choice == choice
            if changed:
                assert ballot.changes >= 1
                self.stats["changed"] += 1
            item["votes"][seat] = choice
            self.stats["votes"] += 1

    @precondition(lambda self: any(m["recused"] is not None and m["status"] == "open" and not m["window_ended"]
                                   for m in self.motions.values()))
    @rule(pick=picks, choice=st.sampled_from(CHOICES))
    def recused_vote(self, pick, choice):
        """The subject unit's councillor tries to vote (drawn on purpose: a random seat rarely is it)."""
        candidates = sorted(pk for pk, m in self.motions.items()
                            if m["recused"] is not None and m["status"] == "open" and not m["window_ended"])
        pk = candidates[pick % len(candidates)]
        motion = self._motion(pk)
        councillor = self.councillors[self.motions[pk]["recused"]]
        self._expect_refused(pk, Forbidden, lambda: services.vote_cast(
            actor=councillor, alliance=self.alliance, motion=motion, choice=choice))
        self.stats["recused_refused"] += 1

    @precondition(lambda self: any(m["status"] == "open" for m in self.motions.values()))
    @rule(pick=picks, seat=st.integers(0, len(COUNCIL) - 1), choice=st.sampled_from(CHOICES))
    def vote_on_an_open_motion(self, pick, seat, choice):
        self.vote(pick, seat, choice, "open")

    @precondition(lambda self: any(m["status"] == "open" and m["votes"] and not m["window_ended"] for m in self.motions.values()))
    @rule(pick=picks, choice=st.sampled_from(CHOICES))
    def change_vote(self, pick, choice):
        """A seat that has voted changes its vote while the window is open: still one ballot."""
        pks = sorted(pk for pk, m in self.motions.items() if m["status"] == "open" and m["votes"] and not m["window_ended"])
        pk = pks[pick % len(pks)]
        item = self.motions[pk]
        seat = sorted(item["votes"])[pick % len(item["votes"])]
        ballot = services.vote_cast(actor=self.councillors[seat], alliance=self.alliance, motion=self._motion(pk), choice=choice)
        assert ballot.choice == choice and ballot.changes >= 1
        item["votes"][seat] = choice
        self.stats["changed"] += 1

    @precondition(lambda self: self.motions)
    @rule(pick=picks, who=st.integers(0, 3), choice=st.sampled_from(CHOICES))
    def vote_without_a_seat(self, pick, who, choice):
        pk = self._pick("open", pick) or self._pick("closed", pick)
        motion = self._motion(pk)
        self._expect_refused(pk, Forbidden, lambda: services.vote_cast(
            actor=self.outsiders[who], alliance=self.alliance, motion=motion, choice=choice))

    @precondition(lambda self: any(m["status"] == "open" for m in self.motions.values()))
    @rule(pick=picks)
    def close_early(self, pick):
        pk = self._pick("open", pick)
        item = self.motions[pk]
        motion = self._motion(pk)
        call = lambda: services.motion_close(actor=self.sec, alliance=self.alliance, motion=motion)  # noqa: E731
        if item["window_ended"] or outcome_settled(item["kind"], self._eligible(item), item["votes"]):
            call()
            item["status"] = "closed"
            self.stats["closed_early" if not item["window_ended"] else "closed_by_secretariat_after_window"] += 1
        else:
            self._expect_refused(pk, Conflict, call)
            self.stats["early_close_refused"] += 1

    @precondition(lambda self: any(m["status"] == "open" for m in self.motions.values()))
    @rule(pick=picks)
    def window_ends(self, pick):
        """Time passes: the motion's window ends (the clock is the test's, not a service's)."""
        pk = self._pick("open", pick)
        item = self.motions[pk]
        if not item["window_ended"]:
            self._expect_refused(pk, Conflict, lambda: services.motion_close(actor=None, alliance=self.alliance, motion=self._motion(pk)))
        with scope(alliance=self.alliance):
            Motion.objects.filter(pk=pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        item["window_ended"] = True

    @precondition(lambda self: any(m["status"] == "open" and m["window_ended"] for m in self.motions.values()))
    @rule(pick=picks)
    def scheduled_close(self, pick):
        pks = sorted(pk for pk, m in self.motions.items() if m["status"] == "open" and m["window_ended"])
        pk = pks[pick % len(pks)]
        out = io.StringIO()
        call_command("close_motions", stdout=out)  # the cron job closes every motion whose window ended
        for other_pk, item in self.motions.items():
            if item["status"] == "open" and item["window_ended"]:
                item["status"] = "closed"
                self.stats["scheduled_closes"] += 1
        assert self.motions[pk]["status"] == "closed"

    @precondition(lambda self: any(m["status"] == "closed" for m in self.motions.values()))
    @rule(pick=picks, scheduled=st.booleans())
    def close_again(self, pick, scheduled):
        pk = self._pick("closed", pick)
        motion = self._motion(pk)
        self._expect_refused(pk, Conflict, lambda: services.motion_close(
            actor=None if scheduled else self.sec, alliance=self.alliance, motion=motion))

    # ------------------------------------------------------------ invariants

    @invariant()
    def ballots_agree_with_the_votes_cast(self):
        with scope(alliance=self.alliance):
            for pk, item in self.motions.items():
                choices = sorted(Ballot.objects.filter(motion_id=pk).values_list("choice", flat=True))
                assert choices == sorted(item["votes"].values()), pk
                assert EligibleSeat.objects.filter(motion_id=pk, voted_at__isnull=False).count() == len(item["votes"])

    @invariant()
    def sealed_results_equal_a_recount(self):
        with scope(alliance=self.alliance):
            for pk, item in self.motions.items():
                sealed = SealedResult.objects.filter(motion_id=pk).first()
                motion = Motion.objects.get(pk=pk)
                if item["status"] != "closed":
                    assert sealed is None and motion.status == Motion.Status.OPEN
                    continue
                votes, eligible = item["votes"], self._eligible(item)
                expected = "passed" if passes(item["kind"], eligible, votes) else "failed"
                counts = {c: sum(1 for v in votes.values() if v == c) for c in CHOICES}
                assert sealed.result == motion.result == expected, (pk, item, sealed.tally)
                assert sealed.tally == {"eligible": eligible, "for": counts["for"], "against": counts["against"],
                                        "abstain": counts["abstain"], "cast": len(votes), "not_voted": eligible - len(votes)}
                assert sealed.threshold == RULES[item["kind"]][0]
                seats = dict(EligibleSeat.objects.filter(motion_id=pk).values_list("seat__position", "seat_id"))
                voted_seats = sorted(seats[index] for index in votes)
                if item["secret"]:
                    assert sorted(v["seat"] for v in sealed.voters) == voted_seats
                    assert all("choice" not in v for v in sealed.voters)
                    assert motion.ballot_salt == ""
                else:
                    assert sorted((v["seat"], v["choice"]) for v in sealed.voters) == sorted(
                        (seats[index], choice) for index, choice in votes.items())
                recused = [] if item["recused"] is None else [seats[item["recused"]]]
                assert [v["seat"] for v in sealed.recused] == recused
                assert bool(sealed.resolution_number) == (expected == "passed")
                assert Resolution.objects.filter(motion_id=pk).exists() == (expected == "passed")

    @invariant()
    def resolutions_are_numbered_without_gaps_and_the_chain_verifies(self):
        with scope(alliance=self.alliance):
            for year in set(Resolution.objects.values_list("year", flat=True)):
                sequences = sorted(Resolution.objects.filter(year=year).values_list("sequence", flat=True))
                assert sequences == list(range(1, len(sequences) + 1))
            closed = sum(1 for m in self.motions.values() if m["status"] == "closed")
            assert SealedResult.objects.count() == self.sealed_before + closed
        out = io.StringIO()
        call_command("verify_resolutions", self.alliance.slug, stdout=out)  # exits 1 when broken
        assert out.getvalue().startswith("OK")


RUN_STATS = defaultdict(int)


def test_sealed_results_always_equal_a_recount(oe, bm):
    RUN_STATS.clear()
    GovernanceMachine.ctx, GovernanceMachine.other = oe, bm
    run_state_machine_as_test(GovernanceMachine, settings=machine_settings(max_examples=int(os.environ.get('INV_EXAMPLES', 25)), steps=25))
    for name in ("opened", "votes", "changed", "recused_refused", "late_vote_refused", "closed_early",
                 "early_close_refused", "scheduled_closes", "refused"):
        assert RUN_STATS[name] > 0, (name, sorted(RUN_STATS.items()))
    print("governance machine:", dict(RUN_STATS))
