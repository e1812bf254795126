"""The accession chain: signing seals the accession record; raw-SQL edits and deletions are found
and named by `verify_accessions` (run on SQLite and PostgreSQL)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from alliances.models import ChainHead
from governance import services as governance
from governance.models import Motion
from membership import chains, services
from membership.models import AccessionAgreement, AccessionSeal, MemberTransition
from tests.governance.helpers import councillors, vote

pytestmark = pytest.mark.django_db

SLUG = "ocean-equipment"


@pytest.fixture
def sign(make_applicant):
    """An applicant admitted by a real council vote, then signed by the chair: its accession record."""
    def make(ctx):
        sec = ctx.user("sec")
        unit = services.member_review_start(actor=sec, alliance=ctx.alliance, unit=make_applicant(ctx))
        unit = services.member_submit_for_admission(actor=sec, alliance=ctx.alliance, unit=unit,
                                                    closes_at=timezone.now() + timedelta(days=3))
        with scope(alliance=ctx.alliance):
            motion = Motion.objects.get(pk=unit.pending_motion_id)
        vote(ctx, motion, councillors(ctx), "for")
        governance.motion_close(actor=sec, alliance=ctx.alliance, motion=motion)
        services.member_sign_accession(actor=ctx.user("chair"), alliance=ctx.alliance, unit=unit, note="一式两份")
        with scope(alliance=ctx.alliance):
            return AccessionAgreement.objects.select_related("seal").get(unit=unit)

    return make


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _broken(capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_accessions", SLUG)
    assert exit_info.value.code == 1
    return capsys.readouterr().out


def test_signing_keeps_the_chain_verifying(oe, bm, sign, capsys):
    before = chains.head(oe.alliance)[0]
    agreement = sign(oe)
    assert agreement.seal.sequence == before + 1
    assert chains.head(oe.alliance) == (agreement.seal.sequence, agreement.seal.hash)
    assert chains.hash_at(oe.alliance, agreement.seal.sequence) == agreement.seal.hash
    assert chains.verify(oe.alliance) == {"ok": True, "count": before + 1, "broken": None}
    assert chains.verify(bm.alliance)["ok"]
    call_command("verify_accessions", SLUG)
    assert f"accession chain of {SLUG}: {before + 1} record(s) intact" in capsys.readouterr().out


@pytest.mark.parametrize("column,value", [
    ("signed_on", "2020-01-01"), ("note", "改过的备注"), ("resolution_number", "OE-1999-001"), ("agreement_version", 9),
])
def test_an_edited_accession_record_is_found_and_named(oe, sign, capsys, column, value):
    agreement = sign(oe)
    _sql(f"UPDATE {AccessionAgreement._meta.db_table} SET {column} = %s WHERE id = %s", [value, agreement.pk])
    out = _broken(capsys)
    assert f"at #{agreement.seal.sequence} (id {agreement.pk}): accession record {agreement.pk} of {agreement.unit.name}" in out
    assert "content does not match its hash" in out


def test_a_deleted_newest_accession_record_is_found_with_or_without_rewinding_the_head(oe, sign, capsys):
    agreement = sign(oe)
    seal = agreement.seal
    previous = chains.hash_at(oe.alliance, seal.sequence - 1) if seal.sequence > 1 else ""
    _sql(f"DELETE FROM {AccessionSeal._meta.db_table} WHERE id = %s", [seal.pk])
    _sql(f"DELETE FROM {AccessionAgreement._meta.db_table} WHERE id = %s", [agreement.pk])
    assert f"head says #{seal.sequence}" in _broken(capsys)
    _sql(f"UPDATE {ChainHead._meta.db_table} SET last_sequence = %s, last_hash = %s "
         "WHERE alliance_id = %s AND chain = 'accessions'", [seal.sequence - 1, previous, oe.alliance.pk])
    out = _broken(capsys)
    assert f"member unit {agreement.unit_id} ({agreement.unit.name}) signed its accession but the accession record is missing" in out


def test_the_migration_seals_existing_records(oe, bm, sign):
    sign(oe)
    with scope(alliance=oe.alliance):
        links = list(AccessionSeal.objects.order_by("sequence").values_list("sequence", "hash"))
        assert MemberTransition.objects.filter(event="accession_signed").count() == len(links)
    _sql(f"DELETE FROM {AccessionSeal._meta.db_table}", [])
    _sql(f"DELETE FROM {ChainHead._meta.db_table} WHERE chain = 'accessions'", [])
    assert "is not in the accession chain" in chains.verify(oe.alliance)["broken"]["reason"]
    importlib.import_module("membership.migrations.0004_seal_existing_accessions").seal_existing(apps, None)
    assert chains.verify(oe.alliance)["ok"] and chains.verify(bm.alliance)["ok"]
    with scope(alliance=oe.alliance):
        assert list(AccessionSeal.objects.order_by("sequence").values_list("sequence", "hash")) == links
