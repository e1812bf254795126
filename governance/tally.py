"""Counting: pure functions, integers only (no float rounding at the boundaries).

`eligible` is the number of council seats entitled to vote (snapshot at opening, recused seats
excluded). Abstentions count as votes cast: "simple majority of votes cast" means more than half
of all for/against/abstain ballots are `for`.
"""

from dataclasses import dataclass

from governance.models import Threshold


@dataclass(frozen=True)
class Tally:
    eligible: int
    for_: int = 0
    against: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        return self.for_ + self.against + self.abstain

    def as_dict(self) -> dict:
        return {"eligible": self.eligible, "for": self.for_, "against": self.against, "abstain": self.abstain,
                "cast": self.cast, "not_voted": self.eligible - self.cast}


def required_for(rule: str, eligible: int, cast: int | None = None) -> int:
    """The smallest number of `for` votes that passes (cast: votes cast, for the simple majority)."""
    if rule == Threshold.SIMPLE_MAJORITY_CAST:
        return (cast or 0) // 2 + 1
    if rule == Threshold.ABSOLUTE_MAJORITY_SEATS:
        return eligible // 2 + 1
    if rule == Threshold.TWO_THIRDS_SEATS:
        return -(-2 * eligible // 3)  # ceil(2n/3)
    if rule == Threshold.UNANIMITY_SEATS:
        return eligible
    raise ValueError(f"unknown threshold {rule}")


def quorum_met(tally: Tally, quorum: tuple[int, int]) -> bool:
    num, den = quorum
    return tally.cast * den >= tally.eligible * num


def evaluate(tally: Tally, rule: str, quorum: tuple[int, int] = (0, 1)) -> bool:
    if tally.eligible <= 0 or tally.for_ == 0:
        return False
    if not quorum_met(tally, quorum):
        return False
    return tally.for_ >= required_for(rule, tally.eligible, tally.cast)


def decided(tally: Tally, rule: str, quorum: tuple[int, int] = (0, 1)) -> bool:
    """True when no choice of the seats that have not voted can change the result.

    Treating cast ballots as final, the result is monotone in the remaining seats: everyone `for`
    is the best case; everyone `against` (largest count cast) and nobody voting (lowest turnout)
    are the worst cases. If these agree, every mix agrees."""
    remaining = tally.eligible - tally.cast
    if remaining <= 0:
        return True
    best = evaluate(Tally(tally.eligible, tally.for_ + remaining, tally.against, tally.abstain), rule, quorum)
    against = evaluate(Tally(tally.eligible, tally.for_, tally.against + remaining, tally.abstain), rule, quorum)
    none = evaluate(tally, rule, quorum)
    return best == against == none
