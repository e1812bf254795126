"""The resolutions chain: every field a resolution states is sealed; raw-SQL edits and a deleted
newest record are found and named by `verify_resolutions` (run on SQLite and PostgreSQL)."""

import importlib
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django_scopes import scope

from alliances.models import ChainHead
from governance import chains, outcomes
from governance.models import Resolution, ResolutionSeal, SealedResult

from .helpers import close_after_window, councillors, open_motion, vote

pytestmark = pytest.mark.django_db

SLUG = "ocean-equipment"


def _closed(ctx, choices=("for",)):
    motions = []
    for choice in choices:
        motion = open_motion(ctx, title=f"决议 {len(motions)}", body=f"正文 {len(motions)}")
        vote(ctx, motion, councillors(ctx), choice)
        motions.append(close_after_window(ctx, motion))
    return motions


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _broken(capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_resolutions", SLUG)
    assert exit_info.value.code == 1
    return capsys.readouterr().out


def _delete_newest(ctx, rewind: bool):
    """What someone with database access would do: remove the newest record and all that refers to it."""
    with scope(alliance=ctx.alliance):
        sealed = SealedResult.objects.order_by("-sequence").first()
        seal = ResolutionSeal.objects.get(sealed_result=sealed)
        previous = ResolutionSeal.objects.filter(sequence=seal.sequence - 1).values_list("hash", flat=True).get()
    _sql(f"DELETE FROM {ResolutionSeal._meta.db_table} WHERE id = %s", [seal.pk])
    _sql(f"DELETE FROM {Resolution._meta.db_table} WHERE motion_id = %s", [sealed.motion_id])
    _sql(f"DELETE FROM {SealedResult._meta.db_table} WHERE id = %s", [sealed.pk])
    if rewind:
        _sql(f"UPDATE {ChainHead._meta.db_table} SET last_sequence = last_sequence - 1, last_hash = %s "
             "WHERE alliance_id = %s AND chain = 'resolutions'", [previous, ctx.alliance.pk])
    return sealed


def test_passing_and_failing_motions_keep_the_chain_verifying(oe, bm, capsys):
    passed, failed = _closed(oe, ("for", "against"))
    _closed(bm)
    with scope(alliance=oe.alliance):
        count = SealedResult.objects.count()
        last = ResolutionSeal.objects.get(sealed_result__motion=failed)
        first = ResolutionSeal.objects.get(sequence=1)
        assert ResolutionSeal.objects.get(sealed_result__motion=passed).sequence == count - 1
    result = chains.verify(oe.alliance)
    assert result == {"ok": True, "count": count, "broken": None}
    assert chains.head(oe.alliance) == (count, last.hash)
    assert chains.hash_at(oe.alliance, 1) == first.hash and first.previous_hash == "0" * 64
    assert chains.hash_at(oe.alliance, count + 1) is None
    assert chains.resolutions.verify(bm.alliance)["ok"]
    call_command("verify_resolutions", SLUG)
    assert capsys.readouterr().out.startswith(f"OK: {count} sealed result(s) of {SLUG} verified; resolutions chain {count}")


@pytest.mark.parametrize("column,value", [
    ("text", "篡改后的决议内容"), ("title", "篡改后的标题"),
    ("issued_at", "2020-01-01 00:00:00"), ("year", 2020), ("sequence", 99),
])
def test_an_edited_resolution_is_found_and_named(oe, capsys, column, value):
    motion = _closed(oe, ("for", "for"))[0]
    with scope(alliance=oe.alliance):
        resolution = Resolution.objects.get(motion=motion)
    _sql(f"UPDATE {Resolution._meta.db_table} SET {column} = %s WHERE id = %s", [value, resolution.pk])
    out = _broken(capsys)
    assert f"resolution {resolution.number} (id {resolution.pk})" in out
    assert "content does not match its hash" in out and "BROKEN in the resolutions chain" in out


def test_an_edited_resolution_number_is_found_and_named(oe, capsys):
    motion = _closed(oe)[0]
    with scope(alliance=oe.alliance):
        resolution = Resolution.objects.get(motion=motion)
    _sql(f"UPDATE {Resolution._meta.db_table} SET number = 'OE-1999-001' WHERE id = %s", [resolution.pk])
    out = _broken(capsys)
    assert f"resolution OE-1999-001 (id {resolution.pk})" in out
    assert f"number differs from the sealed one ({resolution.number})" in out


@pytest.mark.parametrize("column,value", [
    ("tally", '{"eligible": 5, "for": 1, "against": 4, "abstain": 0, "cast": 5, "not_voted": 0}'),
    ("voters", "[]"), ("recused", '[{"seat": 1, "seat_title": "理事", "unit": "", "person": "某人"}]'),
    ("result", "failed"),
])
def test_an_edited_tally_result_voter_or_recusal_is_found_and_named(oe, capsys, column, value):
    motion = _closed(oe, ("for", "for"))[0]
    with scope(alliance=oe.alliance):
        sealed = SealedResult.objects.get(motion=motion)
    _sql(f"UPDATE {SealedResult._meta.db_table} SET {column} = %s WHERE id = %s", [value, sealed.pk])
    out = _broken(capsys)
    assert f"BROKEN at sealed result #{sealed.sequence} (motion {motion.pk}, {sealed.resolution_number})" in out
    assert "content hash does not match" in out


def test_an_edited_tally_breaks_the_resolutions_chain_too(oe):
    motion = _closed(oe)[0]
    _sql(f"UPDATE {SealedResult._meta.db_table} SET recused = '[]', voters = '[]' WHERE motion_id = %s", [motion.pk])
    broken = chains.verify(oe.alliance)["broken"]
    assert "sealed result (tally, voters, recused, result) does not match its hash" in broken["reason"]


def test_deleting_the_newest_record_is_found_by_the_head(oe, capsys):
    _closed(oe, ("for", "for"))
    count = chains.head(oe.alliance)[0]
    _delete_newest(oe, rewind=False)
    out = _broken(capsys)
    assert f"chain ends at #{count - 1} but its head says #{count}" in out


def test_deleting_the_newest_record_and_rewinding_the_head_is_found_by_its_closed_motion(oe, capsys):
    _closed(oe, ("for", "for"))
    sealed = _delete_newest(oe, rewind=True)
    out = _broken(capsys)
    assert f"motion {sealed.motion_id} (决议 1) is closed but its sealed result is missing" in out


def test_a_deleted_resolution_is_named(oe, capsys):
    motion = _closed(oe)[0]
    with scope(alliance=oe.alliance):
        number = Resolution.objects.get(motion=motion).number
    _sql(f"DELETE FROM {Resolution._meta.db_table} WHERE motion_id = %s", [motion.pk])
    assert f"resolution {number}, sealed result" in (out := _broken(capsys)) and "the resolution is missing" in out


def test_the_seal_is_written_in_the_closing_transaction(oe, monkeypatch):
    motion = open_motion(oe)
    vote(oe, motion, councillors(oe), "for")
    before = chains.head(oe.alliance)

    def fails(motion):
        raise RuntimeError("outcome handler failed")

    # An outcome handler runs after the seal is written, in the same transaction.
    outcomes.on_decided("other")(fails)
    try:
        with pytest.raises(RuntimeError):
            close_after_window(oe, motion)
    finally:
        outcomes.motion_decided.unregister(fails, "other")
    assert chains.head(oe.alliance) == before
    with scope(alliance=oe.alliance):
        assert not ResolutionSeal.objects.filter(sealed_result__motion=motion).exists()
    assert chains.verify(oe.alliance)["ok"]


def test_the_migration_seals_existing_records_in_their_order(oe, bm):
    _closed(oe, ("for", "against", "for"))
    with scope(alliance=oe.alliance):
        hashes = list(SealedResult.objects.order_by("sequence").values_list("hash", flat=True))
        links = list(ResolutionSeal.objects.order_by("sequence").values_list("sequence", "hash"))
    # As before the chains existed: no links, no heads.
    _sql(f"DELETE FROM {ResolutionSeal._meta.db_table}", [])
    _sql(f"DELETE FROM {ChainHead._meta.db_table} WHERE chain = 'resolutions'", [])
    assert not chains.verify(oe.alliance)["ok"]  # sealed results outside the chain
    migration = importlib.import_module("governance.migrations.0006_seal_existing_resolutions_and_minutes")
    migration.seal_existing(apps, None)
    for alliance in (oe.alliance, bm.alliance):
        assert chains.verify(alliance)["ok"]
    with scope(alliance=oe.alliance):
        assert list(SealedResult.objects.order_by("sequence").values_list("hash", flat=True)) == hashes
        assert list(ResolutionSeal.objects.order_by("sequence").values_list("sequence", "hash")) == links
