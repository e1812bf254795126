"""The approved-minutes chain: approval seals the minutes; raw-SQL edits and deletions are found
and named by `verify_resolutions` (run on SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope

from alliances.models import ChainHead
from governance import chains, services
from governance.models import AgendaItem, Meeting, MinutesSeal
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db

SLUG = "ocean-equipment"


def _approved(ctx, title="理事会第二次会议"):
    sec = ctx.user("sec")
    meeting = services.meeting_create(actor=sec, alliance=ctx.alliance, title=title,
                                      starts_at=timezone.now() - timedelta(hours=2), agenda=["审议预算"])
    with scope(alliance=ctx.alliance):
        seats = [seat for seat, _holder in services.council_seats_with_holders()]
    services.attendance_record(actor=sec, alliance=ctx.alliance, meeting=meeting, present_seats=seats[:4],
                               absent_seats=seats[4:])
    services.minutes_draft(actor=sec, alliance=ctx.alliance, meeting=meeting, text="会议审议通过了预算。")
    return services.minutes_approve(actor=ctx.user("sg"), alliance=ctx.alliance, meeting=meeting), seats


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _broken(capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_resolutions", SLUG)
    assert exit_info.value.code == 1
    return capsys.readouterr().out


def test_approving_and_locking_minutes_keep_the_chain_verifying(oe, capsys):
    before = chains.minutes.head(oe.alliance)[0]
    meeting, seats = _approved(oe)
    with scope(alliance=oe.alliance):
        seal = MinutesSeal.objects.get(meeting=meeting)
    assert seal.sequence == before + 1 and seal.present_seats == sorted(seat.pk for seat in seats[:4])
    assert chains.minutes.head(oe.alliance) == (seal.sequence, seal.hash)
    assert chains.minutes.hash_at(oe.alliance, seal.sequence) == seal.hash
    # Attendance may still be recorded until the minutes are locked: the seal keeps it as approved.
    services.attendance_record(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting, present_seats=seats)
    services.minutes_lock(actor=oe.user("sec"), alliance=oe.alliance, meeting=meeting)
    assert chains.minutes.verify(oe.alliance) == {"ok": True, "count": seal.sequence, "broken": None}
    call_command("verify_resolutions", SLUG)
    assert f"approved minutes chain {seal.sequence} record(s) intact" in capsys.readouterr().out


@pytest.mark.parametrize("column,value", [
    ("minutes", "会议否决了预算。"), ("title", "另一次会议"), ("starts_at", "2020-01-01 00:00:00"),
    ("minutes_approved_at", "2020-01-01 00:00:00"),
])
def test_edited_approved_minutes_are_found_and_named(oe, capsys, column, value):
    meeting, _seats = _approved(oe)
    _sql(f"UPDATE {Meeting._meta.db_table} SET {column} = %s WHERE id = %s", [value, meeting.pk])
    out = _broken(capsys)
    assert f"BROKEN in the minutes chain" in out and f"minutes of meeting {meeting.pk}" in out
    assert "content does not match its hash" in out


def test_an_edited_agenda_of_approved_minutes_is_found(oe, capsys):
    meeting, _seats = _approved(oe)
    _sql(f"UPDATE {AgendaItem._meta.db_table} SET title = '另一议题' WHERE meeting_id = %s", [meeting.pk])
    assert f"minutes of meeting {meeting.pk} (理事会第二次会议): content does not match" in _broken(capsys)


def test_minutes_set_back_to_draft_are_found(oe, capsys):
    meeting, _seats = _approved(oe)
    _sql(f"UPDATE {Meeting._meta.db_table} SET minutes_status = 'drafted' WHERE id = %s", [meeting.pk])
    assert "the minutes are no longer approved (drafted)" in _broken(capsys)


def test_deleted_newest_minutes_seal_is_found_with_or_without_rewinding_the_head(oe, capsys):
    _approved(oe, "第一次")
    meeting, _seats = _approved(oe)
    with scope(alliance=oe.alliance):
        seal = MinutesSeal.objects.get(meeting=meeting)
        previous = MinutesSeal.objects.get(sequence=seal.sequence - 1).hash
    _sql(f"DELETE FROM {MinutesSeal._meta.db_table} WHERE id = %s", [seal.pk])
    assert f"chain ends at #{seal.sequence - 1} but its head says #{seal.sequence}" in _broken(capsys)
    _sql(f"UPDATE {ChainHead._meta.db_table} SET last_sequence = %s, last_hash = %s "
         "WHERE alliance_id = %s AND chain = 'minutes'", [seal.sequence - 1, previous, oe.alliance.pk])
    assert f"approved minutes of meeting {meeting.pk} (理事会第二次会议) are not in the minutes chain" in _broken(capsys)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_keep_the_chain_gapless(postgres_only, oe):
    """PostgreSQL only (row locks): two approvals at once each take the next link under the head's lock."""
    sec, sg = oe.user("sec"), oe.user("sg")
    with scope(alliance=oe.alliance):
        seats = [seat for seat, _holder in services.council_seats_with_holders()]
    meetings = []
    for title in ("甲", "乙"):
        meeting = services.meeting_create(actor=sec, alliance=oe.alliance, title=title, starts_at=timezone.now())
        services.attendance_record(actor=sec, alliance=oe.alliance, meeting=meeting, present_seats=seats)
        meetings.append(services.minutes_draft(actor=sec, alliance=oe.alliance, meeting=meeting, text=title))
    before = chains.minutes.head(oe.alliance)[0]
    results = run_together(*[lambda m=m: services.minutes_approve(actor=sg, alliance=oe.alliance, meeting=m)
                             for m in meetings])
    assert all(isinstance(r, Meeting) for r in results), results
    with scope(alliance=oe.alliance):
        assert sorted(MinutesSeal.objects.filter(meeting__in=meetings).values_list("sequence", flat=True)) == [
            before + 1, before + 2]
    assert chains.minutes.verify(oe.alliance)["ok"]


@pytest.mark.django_db(transaction=True)
def test_two_first_appends_at_once_create_one_head(postgres_only, oe):
    """The head is created by the first append: a second one racing it waits, then takes #2."""
    _sql(f"DELETE FROM {MinutesSeal._meta.db_table} WHERE alliance_id = %s", [oe.alliance.pk])
    _sql(f"DELETE FROM {ChainHead._meta.db_table} WHERE alliance_id = %s AND chain = 'minutes'", [oe.alliance.pk])

    def append():
        with scope(alliance=oe.alliance), transaction.atomic():
            return chains.minutes.append(oe.alliance, {"test": True})["sequence"]

    assert sorted(run_together(append, append)) == [1, 2]
    assert chains.minutes.head(oe.alliance)[0] == 2
