"""The read-replica router (alliances/replicas.py): heavy readers read from "replica" when one is
configured, and nothing else moves: writes, reads in a transaction, reads outside replica_reads()."""

import pytest
from django.conf import settings
from django.db import transaction

from alliances.models import Alliance
from alliances.replicas import REPLICA, ReplicaRouter, replica_reads

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setitem(settings.DATABASES, REPLICA, dict(settings.DATABASES["default"]))


def test_without_a_replica_everything_stays_on_default():
    with replica_reads():
        assert router.db_for_read(Alliance) is None  # Django's default alias


def test_heavy_reads_go_to_the_replica_and_writes_never(with_replica):
    assert router.db_for_read(Alliance) is None
    with replica_reads():
        assert router.db_for_read(Alliance) == REPLICA
        assert router.db_for_write(Alliance) == "default"
    assert router.db_for_read(Alliance) is None
    assert router.allow_migrate(REPLICA, "alliances") is False


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_stays_on_the_primary(with_replica):
    with transaction.atomic(), replica_reads():
        assert router.db_for_read(Alliance) is None  # it may need to see its own writes
