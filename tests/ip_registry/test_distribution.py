from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ip_registry.distribution import split_amount, split_cents


@st.composite
def shares_and_amount(draw):
    """Random co-owners (1..8) with shares of 4 decimals summing to exactly 100, and an amount in cents."""
    n = draw(st.integers(min_value=1, max_value=8))
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=999_999), min_size=n - 1, max_size=n - 1, unique=True)))
    bounds = [0, *cuts, 1_000_000]
    shares = [Decimal(b - a) / Decimal(10_000) for a, b in zip(bounds, bounds[1:])]
    cents = draw(st.integers(min_value=0, max_value=10**12))
    return shares, cents


@settings(max_examples=300, deadline=None)
@given(shares_and_amount())
def test_rounding_never_loses_or_creates_a_cent(case):
    shares, cents = case
    amounts = split_cents(cents, shares)
    assert sum(amounts) == cents
    exact = [Decimal(cents) * s / 100 for s in shares]
    # Each owner gets its exact amount rounded down, or one cent more.
    for amount, value in zip(amounts, exact):
        assert value - 1 < amount <= value + 1
        assert amount in (int(value), int(value) + 1)


@settings(max_examples=200, deadline=None)
@given(shares_and_amount())
def test_leftover_cents_go_to_the_largest_remainders_ties_by_order(case):
    shares, cents = case
    amounts = split_cents(cents, shares)
    exact = [Decimal(cents) * s / 100 for s in shares]
    fractions = [value - int(value) for value in exact]
    bumped = [i for i, (a, v) in enumerate(zip(amounts, exact)) if a == int(v) + 1]
    not_bumped = [i for i in range(len(shares)) if i not in bumped]
    # Every bumped owner ranks before every owner left at the floor: larger fraction, or equal and earlier.
    for i in bumped:
        for j in not_bumped:
            assert (fractions[i], -i) > (fractions[j], -j)


def test_a_tie_goes_to_the_first_owner():
    assert split_cents(1, [Decimal(50), Decimal(50)]) == [1, 0]
    assert split_cents(101, [Decimal(50), Decimal(50)]) == [51, 50]


def test_the_largest_remainder_wins_the_leftover_cent():
    # exact: 33.3333, 33.3333, 33.3334 -> floors 33, 33, 33 and the third has the largest remainder.
    assert split_cents(100, [Decimal("33.3333"), Decimal("33.3333"), Decimal("33.3334")]) == [33, 33, 34]
    assert split_amount(Decimal("0.02"), [Decimal("33.3333"), Decimal("33.3333"), Decimal("33.3334")]) == [
        Decimal("0.01"), Decimal("0"), Decimal("0.01")]


def test_shares_not_summing_to_100_are_refused():
    with pytest.raises(ValueError):
        split_cents(100, [Decimal(50), Decimal("49.99")])
