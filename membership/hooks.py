"""What other apps need to know when a member unit leaves (registered in their `ready()`).

- `withdrawal_blocker(fn)`: fn(unit) -> list[str] of reasons the unit cannot leave yet
  (e.g. project tasks not adjusted, 第十九条). Withdrawal and expulsion are refused while any remain.
- `on_departure(fn)`: fn(actor, unit, how) with how in {"withdrawn", "expelled"}, run inside the
  departing transaction (e.g. the clawback receivable for project money, on expulsion).

Both are `alliances.registry.Registry` instances without keys.
"""

from alliances.registry import Registry

withdrawal_blockers = Registry("membership: withdrawal blockers")
departure_handlers = Registry("membership: departure handlers")

withdrawal_blocker = withdrawal_blockers.register
on_departure = departure_handlers.register


def blockers_for(unit) -> list[str]:
    return [reason for fn in withdrawal_blockers for reason in fn(unit)]


def run_departure_handlers(actor, unit, how: str) -> None:
    for fn in departure_handlers:
        fn(actor, unit, how)
