"""Early close: `decided` agrees with a brute-force recount over every way the remaining seats could vote."""

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import Threshold
from governance.tally import Tally, decided, evaluate


@st.composite
def situations(draw):
    eligible = draw(st.integers(min_value=1, max_value=7))
    cast = draw(st.integers(min_value=0, max_value=eligible))
    for_ = draw(st.integers(min_value=0, max_value=cast))
    against = draw(st.integers(min_value=0, max_value=cast - for_))
    rule = draw(st.sampled_from(Threshold.values))
    quorum = draw(st.sampled_from([(0, 1), (1, 2), (2, 3), (1, 1)]))
    return Tally(eligible, for_, against, cast - for_ - against), rule, quorum


@settings(max_examples=300, deadline=None)
@given(situations())
def test_decided_matches_brute_force_over_remaining_votes(situation):
    tally, rule, quorum = situation
    remaining = tally.eligible - tally.cast
    outcomes = set()
    for choices in product(("for", "against", "abstain", None), repeat=remaining):
        final = Tally(tally.eligible, tally.for_ + choices.count("for"), tally.against + choices.count("against"),
                      tally.abstain + choices.count("abstain"))
        outcomes.add(evaluate(final, rule, quorum))
    assert decided(tally, rule, quorum) == (len(outcomes) == 1)
