"""Read replicas for the heavy readers (docs/scaling.md).

With `DATABASE_REPLICA_URL` set, code inside `replica_reads()` (the bureau console, the statutory
statements, member statements) reads from the "replica" alias; everything else, every write, and
every read inside a transaction stay on "default". Without it, the router changes nothing.
A replica lags: only pages that tolerate seconds-old data read there, never a page that shows what
its own request just wrote.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)


@contextmanager
def replica_reads():
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_wanted.get() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
