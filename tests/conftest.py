"""Shared fixtures. Tests run with tenant scopes enforced: wrap direct queries in `scope(alliance=...)`.

`oe` and `bm` are the two demo alliances built by the same code as `manage.py demo`
(alliances/demo.py): councils of five, three experts, nine member units of every kind, and
the demo people (`oe.user("sec")`, `oe.user("council-1")`, ...).
"""

import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.test import APIClient

from alliances import demo

CHROMIUM = "/usr/bin/chromium"


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file (one per xdist worker), not Django's shared in-memory one:
    a real worker process (`manage.py db_worker`, tests/alliances/test_worker_process.py) opens the same
    database. PostgreSQL's test database is already visible to other processes."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the two demo alliances once per test database. Every test runs in a transaction that
    is rolled back, so each starts from them; `oe` and `bm` then only look them up. (A transactional
    test flushes the database; the next test that asks for `oe` builds it again.)"""
    no_key = {"LIANMENG_KEY_DIR": tmp_path_factory.mktemp("no-keys"), "LIANMENG_CHECKPOINT_KEY": ""}
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, EMAIL_BACKEND=LOCMEM_EMAIL,
                                                        **no_key):
        admin = demo.platform_admin()
        for slug in demo.ALLIANCES:
            demo.load_alliance(slug, admin)
        run_worker()  # the demo's invitations: delivered, so no test starts with tasks waiting


def run_worker():
    """The task worker (`manage.py db_worker`) in this process: its own claim and `run_task` for every
    ready task until none is left. Not its loop, which closes the database connection between tasks
    (and with it a test's transaction on PostgreSQL)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return
            result.claim(worker.worker_id)
        worker.run_task(result)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """`with deliver(): service(...)`: the service's commit hooks run (a test's transaction never
    commits), enqueueing its tasks in the database, then the worker runs them (e-mail lands in
    `mail.outbox`)."""
    from contextlib import contextmanager

    @contextmanager
    def delivered():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_worker()

    return delivered


@pytest.fixture(scope="session")
def _pdf_ca(tmp_path_factory):
    """Signed PDFs: one development CA for the whole run, outside the work tree."""
    return tmp_path_factory.mktemp("pdf-ca")


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path, _pdf_ca):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.EMAIL_BACKEND = LOCMEM_EMAIL
    settings.MEDIA_ROOT = tmp_path / "media"
    # No checkpoint key unless a test creates one (tests/alliances/test_checkpoints.py `signing_key`);
    # the PDF certificates' folder is shared by the whole run (their CA is slow to make).
    settings.LIANMENG_KEY_DIR = tmp_path / "keys"
    settings.LIANMENG_KEY_DIR.mkdir()
    (settings.LIANMENG_KEY_DIR / "pdf").symlink_to(_pdf_ca, target_is_directory=True)
    settings.LIANMENG_CHECKPOINT_KEY = ""


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failed logins per address are counted in the cache, which a test's rollback does not undo
    (axes' per-account counts are rows, rolled back with the test)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _source_language_per_test():
    """A request in English leaves English active in the thread: start every test in Chinese."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def platform_admin(db):
    return demo.platform_admin()


@pytest.fixture
def bureau_user(db):
    return demo.bureau_officer()


@pytest.fixture
def oe(platform_admin):
    return demo.load_alliance("ocean-equipment", platform_admin)


@pytest.fixture
def bm(platform_admin):
    return demo.load_alliance("biomed", platform_admin)


def api_as(user=None, language: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api():
    return api_as


def require_or_skip(available: bool, what: str, flag: str) -> None:
    """Skip when a machine lacks `what`, unless CI set `flag`: there a skip would hide a failure."""
    if available:
        return
    if os.environ.get(flag):
        pytest.fail(f"{what} is required here ({flag} is set) but missing")
    pytest.skip(f"{what} is not installed (see README)")


@pytest.fixture
def postgres_only(db):
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)", "LIANMENG_REQUIRE_POSTGRES")


@pytest.fixture(scope="session")
def chromium_path():
    require_or_skip(shutil.which(CHROMIUM) is not None, "Chromium (apt-get install chromium)", "LIANMENG_REQUIRE_BROWSER")
    return CHROMIUM
