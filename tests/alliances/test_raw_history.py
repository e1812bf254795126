"""The raw SQL history inserts (finance's bulk postings, governance's notifications to every seat)
write exactly the history model's columns: a django-simple-history upgrade or a model change that
alters the history table fails here, not silently in production."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from alliances import raw_history
from finance import services as finance
from finance.models import JournalEntry
from governance import services as governance
from governance.models import Notification
from tests.finance.conftest import simple_lines
from tests.governance.helpers import councillors, open_motion, vote

RAW_INSERTS = (JournalEntry, Notification)  # the models whose history rows are inserted by hand


def history_columns(model) -> list[str]:
    """What simple-history's own writes fill: every concrete field of the history model but its key."""
    return [f.column for f in model.history.model._meta.concrete_fields if f.attname != "history_id"]


@pytest.mark.parametrize("model", RAW_INSERTS)
def test_the_raw_insert_columns_are_the_history_models_concrete_fields(model):
    written = raw_history.insert_fields(model)
    assert [f.column for f in written] == history_columns(model)
    tracked = {f.column for f in model._meta.concrete_fields}
    assert {f.column for f in written} - tracked == set(raw_history.BOOKKEEPING)


def test_a_history_field_the_raw_inserts_cannot_fill_fails_loudly(monkeypatch):
    # As if an upgrade gave JournalEntry's history table columns it does not have (Notification's).
    monkeypatch.setattr(raw_history, "history_model", lambda model: Notification.history.model)
    with pytest.raises(ImproperlyConfigured, match="title"):
        raw_history.insert_fields(JournalEntry)


def _mirrored(model, row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in raw_history.insert_fields(model)
            if f.attname not in raw_history.BOOKKEEPING}


def test_notification_history_written_by_sql_is_the_notifications_copy(oe):
    motion = open_motion(oe, title="记录通知历史")
    vote(oe, motion, councillors(oe), "for")
    with CaptureQueriesContext(connection) as queries:
        governance.motion_close(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    table = Notification.history.model._meta.db_table
    [insert] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    columns = [c.strip().strip('"') for c in insert.split("(", 1)[1].split(")", 1)[0].split(",")]
    assert sorted(columns) == sorted(history_columns(Notification))
    with scope(alliance=oe.alliance):
        notes = list(Notification.objects.filter(key=f"motion:{motion.pk}:closed"))
        assert len(notes) == 5
        for note in notes:
            [row] = Notification.history.filter(id=note.pk)
            assert _mirrored(Notification, row) == _mirrored(Notification, note)
            assert (row.history_type, row.history_user_id, row.history_date) == ("+", oe.user("sec").pk, note.created_at)


def test_journal_entry_history_written_by_sql_is_the_entrys_copy(oe):
    fund = finance.fund_for(alliance=oe.alliance, source="other")
    specs = [{"date": datetime.date(2026, 4, 1) + datetime.timedelta(days=i), "description": f"批量收入{i}",
              "lines": simple_lines(fund, 100 + i)} for i in range(3)]
    recorded = finance.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=specs)
    finance.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=recorded)
    with scope(alliance=oe.alliance):
        for entry in JournalEntry.objects.filter(pk__in=[e.pk for e in recorded]):
            added, posted = JournalEntry.history.filter(id=entry.pk).order_by("history_date", "history_id")
            assert (added.history_type, added.history_user_id, added.status) == ("+", oe.user("sec").pk, "recorded")
            assert (posted.history_type, posted.history_user_id) == ("~", oe.user("sg").pk)
            assert _mirrored(JournalEntry, posted) == _mirrored(JournalEntry, entry)
            assert posted.history_date == entry.posted_at
