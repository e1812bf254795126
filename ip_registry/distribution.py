"""Sharing an amount of money between co-owners in whole cents, never losing or creating one.

The rule (largest remainder, written in docs/ip_registry.md):
1. each owner's exact amount is `net × share / 100` (exact in Decimal: shares have 4 decimals);
2. each owner first gets that amount rounded *down* to the cent;
3. the cents left over (fewer than the number of owners) go one each to the owners with the
   largest discarded fraction; equal fractions are broken by ownership order (position).
"""

from decimal import ROUND_FLOOR, Decimal

HUNDRED = Decimal("100")


def split_cents(net_cents: int, shares: list[Decimal]) -> list[int]:
    """`net_cents` split by `shares` (percent, summing to 100), in the order of `shares`."""
    if net_cents < 0:
        raise ValueError("cannot distribute a negative amount")
    if sum(shares, Decimal(0)) != HUNDRED:
        raise ValueError("shares must sum to exactly 100")
    exact = [Decimal(net_cents) * share / HUNDRED for share in shares]
    floors = [int(value.to_integral_value(rounding=ROUND_FLOOR)) for value in exact]
    left = net_cents - sum(floors)
    # Largest discarded fraction first; ties by ownership order (the index).
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def split_amount(net: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Like `split_cents` for an amount in yuan with at most two decimals."""
    cents = net * 100
    if cents != cents.to_integral_value():
        raise ValueError("amount has more than two decimals")
    return [Decimal(c) / 100 for c in split_cents(int(cents), shares)]
