"""The embedded default (SQLite, one file) serves concurrent requests: two writers at the same
moment queue for the lock (busy timeout, WAL, IMMEDIATE transactions in config/settings.py) instead
of one failing with "database is locked". Runs the services in a separate process on a file copy of
the test database (pytest's SQLite test database lives in memory, one connection per thread)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

WRITERS = """
import json, sys, threading, datetime
import django
django.setup()
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled
from alliances.models import Alliance, User
from governance import services

alliance_id, user_id, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
with scopes_disabled():
    alliance, actor = Alliance.objects.get(pk=alliance_id), User.objects.get(pk=user_id)
barrier, failures = threading.Barrier(2), []

def writer(name):
    barrier.wait(timeout=10)
    try:
        for i in range(rounds):
            services.motion_create(actor=actor, alliance=alliance, kind="other", title=f"{name}-{i}", body="",
                                   closes_at=timezone.now() + datetime.timedelta(days=7))
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()

threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
for t in threads: t.start()
for t in threads: t.join(60)
print(json.dumps(failures))
"""


@pytest.fixture(scope="module")
def sqlite_file(django_db_setup, django_db_blocker, tmp_path_factory):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite default only")
    path = tmp_path_factory.mktemp("sqlite") / "lianmeng.sqlite3"
    with django_db_blocker.unblock():
        connection.cursor().execute("VACUUM INTO %s", [str(path)])  # the migrated demo database, as a file
    return path


def test_two_concurrent_writers_on_sqlite_queue_instead_of_database_is_locked(sqlite_file, oe):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{sqlite_file}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", WRITERS, str(oe.alliance.pk), str(oe.user("sec").pk), "15"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
