"""Append-only ledger: immutability at model, service and admin level, the hash chain, verify_ledger."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django_scopes import scope

from alliances.errors import Conflict, Forbidden
from finance import services
from finance.models import ImmutableError, JournalEntry, JournalLine, Ledger
from tests.finance.conftest import cny, post

D = datetime.date


@pytest.fixture
def three_posted(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entries = []
    for n in range(3):
        entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 1, 10 + n), description=f"收入{n}",
                                      lines=[{"account": "1002", "fund": fund, "debit": cny(100 + n)},
                                             {"account": "4901.02", "fund": fund, "credit": cny(100 + n)}])
        entries.append(post(oe, entry))
    return entries


def test_sequence_is_gapless_and_each_hash_chains_the_previous(oe, three_posted):
    assert [e.sequence for e in three_posted] == [1, 2, 3]
    assert three_posted[0].previous_hash == ""
    assert three_posted[1].previous_hash == three_posted[0].hash
    assert three_posted[2].previous_hash == three_posted[1].hash
    with scope(alliance=oe.alliance):
        ledger = Ledger.objects.get()
        assert (ledger.last_sequence, ledger.last_hash) == (3, three_posted[2].hash)


def test_rejected_entries_take_no_sequence_number(oe, three_posted):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    lines = [{"account": "1002", "fund": fund, "debit": cny(1)}, {"account": "4901.02", "fund": fund, "credit": cny(1)}]
    rejected = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 2, 1), description="错", lines=lines)
    services.entry_reject(actor=oe.user("sg"), alliance=oe.alliance, entry=rejected, reason="金额有误")
    with pytest.raises(Conflict):
        services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=rejected)
    good = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 2, 1), description="对", lines=lines)
    assert post(oe, good).sequence == 4


def test_posted_entry_refuses_save_and_delete_at_model_level(oe, three_posted):
    with scope(alliance=oe.alliance):
        entry = JournalEntry.objects.get(pk=three_posted[0].pk)
        entry.description = "篡改"
        with pytest.raises(ImmutableError):
            entry.save()
        with pytest.raises(ImmutableError):
            entry.delete()
        with pytest.raises(ImmutableError):
            JournalEntry.objects.filter(pk=entry.pk).delete()
        line = JournalLine.objects.filter(entry=entry).first()
        line.memo = "篡改"
        with pytest.raises(ImmutableError):
            line.save()
        with pytest.raises(ImmutableError):
            line.delete()
        with pytest.raises(ImmutableError):
            JournalLine.objects.filter(entry=entry).delete()
        with pytest.raises(ImmutableError):
            JournalLine(alliance=oe.alliance, entry=entry, account=line.account, fund=line.fund, debit=cny(1),
                        date=entry.date).save()
        assert JournalEntry.objects.get(pk=entry.pk).description == "收入0"
        assert JournalLine.objects.filter(entry=entry).count() == 2


def test_posted_entry_refuses_a_second_approval_and_rejection_at_service_level(oe, three_posted):
    with pytest.raises(Conflict):
        services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=three_posted[0])
    with pytest.raises(Conflict):
        services.entry_reject(actor=oe.user("sg"), alliance=oe.alliance, entry=three_posted[0])
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(pk=three_posted[0].pk).sequence == 1


def test_recorder_can_never_approve_even_as_secretary_general(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entry = services.entry_record(actor=oe.user("sg"), alliance=oe.alliance, date=D(2026, 1, 1), description="x",
                                  lines=[{"account": "1002", "fund": fund, "debit": cny(1)},
                                         {"account": "4901.02", "fund": fund, "credit": cny(1)}])
    with pytest.raises(Forbidden):
        services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=entry)
    assert post(oe, entry, approver="sec").status == "posted"


@pytest.mark.parametrize("who", ["auditor", "chair", "rep-1", "expert-1"])
def test_only_the_secretariat_approves(oe, who):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 1, 1), description="x",
                                  lines=[{"account": "1002", "fund": fund, "debit": cny(1)},
                                         {"account": "4901.02", "fund": fund, "credit": cny(1)}])
    with pytest.raises(Forbidden):
        services.entry_approve(actor=oe.user(who), alliance=oe.alliance, entry=entry)
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(pk=entry.pk).status == "recorded"


def test_bureau_officer_cannot_approve(oe, bureau_user):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 1, 1), description="x",
                                  lines=[{"account": "1002", "fund": fund, "debit": cny(1)},
                                         {"account": "4901.02", "fund": fund, "credit": cny(1)}])
    with pytest.raises(Forbidden):
        services.entry_approve(actor=bureau_user, alliance=oe.alliance, entry=entry)


def test_admin_is_read_only_for_journal_entries(oe, platform_admin, three_posted):
    request = RequestFactory().get("/admin/")
    request.user = platform_admin
    model_admin = site._registry[JournalEntry]
    with scope(alliance=oe.alliance):
        entry = JournalEntry.objects.get(pk=three_posted[0].pk)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    for inline in model_admin.get_inline_instances(request, entry):
        assert not inline.has_change_permission(request, entry) and not inline.has_delete_permission(request, entry)


def test_admin_change_post_is_refused(oe, platform_admin, three_posted, client):
    client.force_login(platform_admin)
    response = client.post(f"/admin/finance/journalentry/{three_posted[0].pk}/change/", {"description": "篡改"})
    assert response.status_code in (403, 302, 200)
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(pk=three_posted[0].pk).description == "收入0"


def test_verify_ledger_passes_on_an_intact_chain(oe, three_posted):
    out = StringIO()
    call_command("verify_ledger", oe.alliance.slug, stdout=out)
    assert "3 posted entries" in out.getvalue()


@pytest.mark.parametrize("tamper", [
    "UPDATE finance_journalline SET debit = 999 WHERE id = %(line)s",
    "UPDATE finance_journalentry SET description = '篡改' WHERE id = %(entry)s",
    "UPDATE finance_journalentry SET date = '2025-01-01' WHERE id = %(entry)s",
    "DELETE FROM finance_journalline WHERE id = %(line)s",
])
def test_verify_ledger_detects_a_raw_sql_change_and_exits_non_zero(oe, three_posted, tamper):
    target = three_posted[1]
    with scope(alliance=oe.alliance):
        line = JournalLine.objects.filter(entry=target).order_by("position").first()
    with connection.cursor() as cursor:
        cursor.execute(tamper % {"line": line.pk, "entry": target.pk})
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_ledger", oe.alliance.slug, stdout=out)
    assert exc.value.code == 1
    assert "#2" in out.getvalue()


def test_verify_ledger_detects_a_renumbered_entry(oe, three_posted):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE finance_journalentry SET sequence = 7 WHERE id = %s", [three_posted[2].pk])
    with pytest.raises(SystemExit):
        call_command("verify_ledger", oe.alliance.slug, stdout=StringIO())


def test_the_entry_hash_definition_is_unchanged():
    """The canonical content and hash of an entry, pinned: a change here would break every stored
    chain. Model instances (`entry_hash`) and plain rows (what `verify_ledger` reads) give the same."""
    from types import SimpleNamespace as NS

    from djmoney.money import Money

    class Attachments:
        def all(self):
            return [NS(name="发票.pdf", sha256="ab" * 32)]

    entry = NS(alliance_id=7, sequence=42, date=D(2026, 3, 5), description="成员出资", recorded_by_id=3,
               approved_by_id=4, reverses_id=None, kind="regular", attachments=Attachments())
    fund = NS(source="member_contribution", project_id=None)
    lines = [
        NS(position=0, account=NS(chain_code="1002"), fund_id=9, fund=fund, debit=Money("1200.50", "CNY"),
           credit=Money(0, "CNY"), member_unit_id=11, project_id=None, commitment_id=13, category="", memo="银行到账"),
        NS(position=1, account=NS(chain_code="4101"), fund_id=9, fund=fund, debit=Money(0, "CNY"),
           credit=Money("1200.50", "CNY"), member_unit_id=11, project_id=None, commitment_id=13, category="", memo=""),
    ]
    pinned = "c91224c8bd4a0f8eaa989088f62ca96c0da1fbea4446b3e9ceb999a2dcee3480"
    assert services.entry_hash(entry, lines, "f" * 64) == pinned
    amount, zero = Decimal("1200.50"), Decimal("0")
    rows = [(0, "1002", 9, "member_contribution", None, "CNY", amount, zero, 11, None, 13, "", "银行到账"),
            (1, "4101", 9, "member_contribution", None, "CNY", zero, amount, 11, None, 13, "", "")]
    content = services.entry_content_of_rows((7, 42, D(2026, 3, 5), "成员出资", 3, 4, None), rows, [("发票.pdf", "ab" * 32)])
    assert services.content_hash(content, "f" * 64) == pinned
