"""The security tests run against the full demo (every app's `demo.load`), built once for this package
inside a transaction that is rolled back at its end, so other tests never see it."""

import pytest
from django.db import transaction
from django.test import override_settings
from django_scopes import scope

from alliances import demo
from tests.conftest import FAST_HASHERS, LOCMEM_EMAIL
from tests.security import objects


@pytest.fixture(scope="package")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _world_media(settings, world_media):
    """The files the demo wrote (vouchers, documents) stay readable in every test of the package."""
    settings.MEDIA_ROOT = world_media


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, world_media):
    """Both demo alliances with every app's demo data; yields {slug: DemoContext}."""
    media = world_media
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=FAST_HASHERS, EMAIL_BACKEND=LOCMEM_EMAIL, MEDIA_ROOT=media
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            admin = demo.platform_admin()
            demo.bureau_officer()
            contexts = {slug: demo.load_alliance(slug, admin) for slug in demo.ALLIANCES}
            for load in demo.app_demos("load"):
                for ctx in contexts.values():
                    with scope(alliance=ctx.alliance):
                        load(ctx)
            for ctx in contexts.values():
                objects.complete(ctx)
            yield contexts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
