"""Run calls at the same moment, each in its own thread and database connection (PostgreSQL tests:
SQLite's select_for_update does nothing)."""

import threading

from django.db import connection

from alliances.errors import ServiceError


def run_together(*calls):
    """Start every call at the same moment on its own connection; return each result or refusal.
    Anything but a service refusal (a deadlock, an integrity error: a 500 in production) fails."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, fn):
        try:
            barrier.wait(timeout=10)
            results[index] = fn()
        except Exception as exc:  # noqa: BLE001 - the assertions look at every outcome
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a call never finished (lock wait)"
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, ServiceError)]
    assert not unexpected, unexpected
    return results
