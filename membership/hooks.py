"""What other apps need to know when a member unit leaves (registered in their `ready()`).

- `withdrawal_blocker(fn)`: fn(unit) -> list[str] of reasons the unit cannot leave yet
  (e.g. project tasks not adjusted, 第十九条). Withdrawal and expulsion are refused while any remain.
- `on_departure(fn)`: fn(actor, unit, how) with how in {"withdrawn", "expelled"}, run inside the
  departing transaction (e.g. the clawback receivable for project money, on expulsion).
"""

_blockers: list = []
_departure_handlers: list = []


def withdrawal_blocker(fn):
    _blockers.append(fn)
    return fn


def on_departure(fn):
    _departure_handlers.append(fn)
    return fn


def blockers_for(unit) -> list[str]:
    return [reason for fn in _blockers for reason in fn(unit)]


def run_departure_handlers(actor, unit, how: str) -> None:
    for fn in _departure_handlers:
        fn(actor, unit, how)
