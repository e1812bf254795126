"""The benchmark's transactions, as plain data (no Django): both our loader and the hordak loader
read the same stream, so both ledgers hold the same books.

An entry is (date, kind, unit, project, cents). Every kind is two lines (debit, credit) on the
chart codes of `finance/chart.py`; the fund is named by (source, project). The plan is seeded
and deterministic. Restricted funds (government money of a project) are never overdrawn: the
planner keeps their balances and only spends what a grant brought in.

One member unit (index 0, "the big unit") is drawn for `big_share` of the entries; half of the
entries name a unit (contributions and revenue shares), so with the default 0.2 it is named on 10%
of all entries: 100,000 at 1,000,000 entries. The other units share the rest.
"""

import datetime
import random
from dataclasses import dataclass

START = datetime.date(2016, 1, 1)
YEARS = 10
PROJECTS = 20

# kind -> (debit code, credit code, fund source, restricted?)
KINDS = {
    "contribution": ("1002", "4201.01", "member_contribution", False),
    "office": ("5201", "1002", "unrestricted", False),
    "grant": ("1002", "4401", "government", True),
    "project_expense": ("5101.01", "1002", "government", True),
    "revenue_share": ("5101.02", "1002", "other", False),
    "ip_income": ("1002", "4901.01", "other", False),
}
# (account code, kind) of every code the plan uses, for the hordak chart.
ACCOUNT_KINDS = {
    "1002": "asset", "4201.01": "income", "4401": "income", "4901.01": "income",
    "5101.01": "expense", "5201": "expense", "5101.02": "expense",
}


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str
    unit: int | None  # member unit index, or None
    project: int | None  # project index (restricted kinds), or None
    cents: int

    @property
    def debit_code(self):
        return KINDS[self.kind][0]

    @property
    def credit_code(self):
        return KINDS[self.kind][1]

    @property
    def source(self):
        return KINDS[self.kind][2]

    @property
    def fund_key(self):
        """(source, project index or None): the fund both lines post to."""
        return (self.source, self.project if KINDS[self.kind][3] else None)

    @property
    def description(self):
        return f"bench {self.kind} {self.unit if self.unit is not None else '-'}/{self.project if self.project is not None else '-'}"


def fund_keys():
    keys = [("member_contribution", None), ("unrestricted", None), ("other", None)]
    keys += [("government", p) for p in range(PROJECTS)]
    return keys


def plan(count: int, members: int, seed: int = 20101, big_share: float = 0.20, start=START, years=YEARS):
    """Yield `count` entries in date order over `years` years from `start`."""
    rng = random.Random(seed)
    days = (datetime.date(start.year + years, start.month, start.day) - start).days
    available = [0] * PROJECTS  # cents held by each project's government fund
    for i in range(count):
        date = start + datetime.timedelta(days=i * days // count)
        if members and rng.random() < big_share:
            unit = 0
        else:
            unit = rng.randrange(1, members) if members > 1 else None
        roll = rng.random()
        if roll < 0.40:
            yield Entry(date, "contribution", unit, None, rng.randrange(10_000, 5_000_000))
        elif roll < 0.50 and unit is not None:
            yield Entry(date, "revenue_share", unit, None, rng.randrange(1_000, 200_000))
        elif roll < 0.53:
            project = rng.randrange(PROJECTS)
            cents = rng.randrange(1_000_000, 50_000_000)
            available[project] += cents
            yield Entry(date, "grant", None, project, cents)
        elif roll < 0.73:
            project = rng.randrange(PROJECTS)
            cents = rng.randrange(10_000, 1_000_000)
            if available[project] >= cents:
                available[project] -= cents
                yield Entry(date, "project_expense", None, project, cents)
            else:
                yield Entry(date, "office", None, None, cents)
        elif roll < 0.80:
            yield Entry(date, "ip_income", None, None, rng.randrange(10_000, 1_000_000))
        else:
            yield Entry(date, "office", None, None, rng.randrange(1_000, 500_000))


def sample_queries(n: int, seed: int = 7, start=START, years=YEARS):
    """(account code, fund key, date) triples for the balance benchmark (same on both sides)."""
    rng = random.Random(seed)
    days = (datetime.date(start.year + years, start.month, start.day) - start).days
    pairs = [("1002", ("member_contribution", None)), ("4201.01", ("member_contribution", None)),
             ("5201", ("unrestricted", None)), ("1002", ("unrestricted", None)), ("1002", ("other", None)),
             ("5101.02", ("other", None))]
    pairs += [("1002", ("government", p)) for p in range(PROJECTS)]
    pairs += [("5101.01", ("government", p)) for p in range(PROJECTS)]
    out = []
    for _ in range(n):
        code, fund = rng.choice(pairs)
        out.append((code, fund, start + datetime.timedelta(days=rng.randrange(days))))
    return out


def percentile(values, q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values) -> dict:
    return {"n": len(values), "median": percentile(values, 50), "p10": percentile(values, 10),
            "p90": percentile(values, 90), "min": min(values), "max": max(values)}
