"""Shared pieces of the invariant tests: a savepoint per hypothesis example, bounded settings."""

from django.db import transaction
from hypothesis import HealthCheck, settings

from alliances.errors import ServiceError


class Savepoint:
    """Every example of a state machine starts from the same database state (the demo data of the
    test's transaction): the machine opens a savepoint in `__init__` and rolls it back in `teardown`."""

    def __init__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def rollback(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)


def machine_settings(max_examples: int, steps: int):
    return settings(
        max_examples=max_examples, stateful_step_count=steps, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


def assert_refused(error, call, snapshot) -> None:
    """`call` must raise the service error `error` and leave `snapshot()` unchanged."""
    before = snapshot()
    try:
        call()
    except ServiceError as raised:
        assert isinstance(raised, error), (raised, error)
    else:
        raise AssertionError(f"expected {error.__name__}, the service accepted")
    assert snapshot() == before
