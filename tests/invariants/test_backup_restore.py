"""Backup and restore (issue 9, point 7; docs/operations.md): `pg_dump -Fc` of the database,
`pg_restore` into a fresh one, then the tamper checks an operator runs after a restore
(`manage.py verify_ledger` and `manage.py verify_resolutions`, against the restored database through
DATABASE_URL) pass, every table has the same number of rows and the ledger and sealed-result chain
heads are the same. A change in the restored copy is then caught, so the checks really looked."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from alliances import demo
from finance.models import JournalEntry, Ledger
from governance.models import SealedResult
from tests.conftest import require_or_skip

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


def _binary(name: str) -> str:
    path = PGBIN / name
    found = str(path) if path.exists() else shutil.which(name)
    require_or_skip(found is not None, f"PostgreSQL client {name} (apt-get install postgresql)", "LIANMENG_REQUIRE_POSTGRES")
    return found


def _conninfo(db: dict) -> tuple[list[str], dict]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    env = dict(os.environ, PGPASSWORD=db.get("PASSWORD") or "")
    return args, env


def _url(db: dict, name: str) -> str:
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db.get('USER') or 'postgres', safe='')}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _run(cmd, env, **kwargs):
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, (cmd, result.stdout, result.stderr)
    return result


def _fingerprint(cursor) -> dict:
    """Rows per table, and the ledger and sealed-result chain heads of every alliance."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    cursor.execute(f"SELECT alliance_id, last_sequence, last_hash FROM {Ledger._meta.db_table} ORDER BY alliance_id")
    ledgers = cursor.fetchall()
    cursor.execute(
        f"SELECT alliance_id, max(sequence), array_agg(hash ORDER BY sequence DESC) FROM {SealedResult._meta.db_table} "
        "GROUP BY alliance_id ORDER BY alliance_id"
    )
    sealed = [(alliance, top, hashes[0]) for alliance, top, hashes in cursor.fetchall()]
    return {"counts": counts, "ledgers": ledgers, "sealed": sealed}


def test_pg_dump_restore_round_trip_keeps_both_chains_verifiable(postgres_only, oe, bm, tmp_path):
    call_command("demo", stdout=io.StringIO())  # every app's demo data, committed: a ledger and sealed results
    db = connection.settings_dict
    args, env = _conninfo(db)
    pg_dump, pg_restore, createdb, dropdb = (_binary(n) for n in ("pg_dump", "pg_restore", "createdb", "dropdb"))
    restored = f"{db['NAME']}_restored"[:63]
    dump = tmp_path / "lianmeng.dump"
    with connection.cursor() as cursor:
        original = _fingerprint(cursor)
    assert all(top > 0 for _a, top, _h in original["ledgers"]) and len(original["sealed"]) == 2  # both demo alliances

    _run([pg_dump, *args, "-Fc", "-f", str(dump), db["NAME"]], env)
    _run([dropdb, *args, "--if-exists", restored], env)
    _run([createdb, *args, restored], env)
    try:
        _run([pg_restore, *args, "--no-owner", "--exit-on-error", "-d", restored, str(dump)], env)

        manage_env = dict(os.environ, DATABASE_URL=_url(db, restored))
        checks = _run([sys.executable, "manage.py", "shell", "-c", (
            "from django.core.management import call_command\n"
            f"for slug in {sorted(demo.ALLIANCES)!r}:\n"
            "    call_command('verify_ledger', slug)\n"
            "    call_command('verify_resolutions', slug)\n"
        )], manage_env, cwd=settings.BASE_DIR)
        for slug in demo.ALLIANCES:
            assert f"{slug}: " in checks.stdout and f"sealed result(s) of {slug} verified" in checks.stdout, checks.stdout
        assert checks.stdout.count("chain intact") == len(demo.ALLIANCES)

        import psycopg

        with psycopg.connect(_url(db, restored)) as copy, copy.cursor() as cursor:
            assert _fingerprint(cursor) == original
            # tamper with the restored copy: the same check now fails and names the entry
            cursor.execute(
                f"UPDATE {JournalEntry._meta.db_table} SET description = description || '（改）' "
                f"WHERE alliance_id = %s AND sequence = 1", [oe.alliance.pk]
            )
            copy.commit()
        broken = subprocess.run([sys.executable, "manage.py", "verify_ledger", oe.alliance.slug], env=manage_env,
                                cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300)
        assert broken.returncode == 1 and "#1" in broken.stdout, (broken.stdout, broken.stderr)
    finally:
        subprocess.run([dropdb, *args, "--if-exists", restored], env=env, capture_output=True, timeout=120)
