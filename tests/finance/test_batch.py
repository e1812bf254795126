"""Batch posting (voucher import, 批量审核): one transaction and one ledger lock, the hash chain in
order, restricted funds checked on the running total, maker/checker per entry, all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from alliances.errors import Conflict, Forbidden, ValidationFailed
from finance import chart, selectors, services
from finance.models import Account, JournalEntry, JournalLine, Ledger, LedgerBalance, Period
from tests.finance.conftest import cny, simple_lines

D = datetime.date
BASE = "/api/v1/alliances/{slug}/ledger/entries/"


def state(ctx):
    """Everything a refused batch must leave untouched."""
    with scope(alliance=ctx.alliance):
        ledger = Ledger.objects.filter(alliance=ctx.alliance).values_list("last_sequence", "last_hash").first()
        return (
            JournalEntry.objects.count(), JournalLine.objects.count(), JournalEntry.history.count(),
            sorted(JournalEntry.objects.values_list("pk", "status")), ledger,
            sorted(LedgerBalance.objects.values_list("account_id", "fund_id", "month", "debit", "credit")),
        )


def balances_equal_recomputation(ctx):
    with scope(alliance=ctx.alliance):
        table = {
            (b.account_id, b.fund_id, b.currency, b.month): (b.debit, b.credit) for b in LedgerBalance.objects.all()
        }
        grouped = {}
        for line in JournalLine.objects.filter(posted=True):
            key = (line.account_id, line.fund_id, str(line.debit.currency), line.date.replace(day=1))
            d, c = grouped.get(key, (Decimal(0), Decimal(0)))
            grouped[key] = (d + line.debit.amount, c + line.credit.amount)
        return table == grouped


def specs(fund, n, start=D(2026, 4, 1), amount=100):
    return [{"date": start + datetime.timedelta(days=i), "description": f"批量收入{i}", "lines": simple_lines(fund, amount + i)}
            for i in range(n)]


def test_a_batch_posts_in_its_order_with_a_chain_that_verifies_and_balances_equal_recomputation(oe, funded, project):
    other = services.fund_for(alliance=oe.alliance, source="other")
    items = specs(other, 4)
    # A restricted spend in the middle, paid from the posted grant.
    items.insert(2, {"date": D(2026, 4, 3), "description": "项目材料费", "lines": [
        {"account": chart.EXPENSE_PROJECT, "fund": funded, "debit": cny("30000"), "project": project},
        {"account": chart.BANK, "fund": funded, "credit": cny("30000"), "project": project},
    ]})
    with scope(alliance=oe.alliance):
        before = Ledger.objects.get().last_sequence
    recorded = services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=items)
    assert [e.status for e in recorded] == ["recorded"] * 5
    posted = services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=list(reversed(recorded)))
    assert [e.sequence for e in posted] == list(range(before + 1, before + 6))
    assert [e.pk for e in posted] == [e.pk for e in reversed(recorded)]
    for previous, entry in zip(posted, posted[1:]):
        assert entry.previous_hash == previous.hash
    with scope(alliance=oe.alliance):
        assert selectors.verify_chain(oe.alliance)["ok"]
        assert set(JournalEntry.objects.filter(pk__in=[e.pk for e in posted]).values_list("status", flat=True)) == {"posted"}
        assert set(JournalEntry.objects.filter(pk__in=[e.pk for e in posted]).values_list("approved_by", flat=True)) == {oe.user("sg").pk}
        # History: a "+" row by the recorder and a "~" row by the approver for every entry.
        kinds = sorted(JournalEntry.history.filter(id=posted[0].pk).values_list("history_type", "history_user_id"))
        assert kinds == sorted([("+", oe.user("sec").pk), ("~", oe.user("sg").pk)])
        bank = Account.objects.get(code=chart.BANK)
        assert selectors.balance(oe.alliance, bank, funded) == Decimal("70000")
        assert selectors.balance(oe.alliance, bank, other) == selectors.balance_recomputed(oe.alliance, bank, other)
    assert balances_equal_recomputation(oe)


def test_one_bad_entry_refuses_the_whole_batch_with_its_index_and_writes_nothing(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    items = specs(fund, 4)
    items[2]["lines"][1]["credit"] = cny("1")  # unbalanced
    before = state(oe)
    with pytest.raises(ValidationFailed) as refused:
        services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=items)
    assert "entries.2.lines" in refused.value.fields
    assert "3" in str(refused.value.message)
    assert state(oe) == before


def test_a_restricted_fund_may_not_go_below_zero_at_any_point_of_an_approved_batch(oe, funded, project):
    spend = [{"account": chart.EXPENSE_PROJECT, "fund": funded, "debit": cny("60000"), "project": project},
             {"account": chart.BANK, "fund": funded, "credit": cny("60000"), "project": project}]
    # Each spend alone fits the 100,000 posted; together they do not.
    first = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 4, 1), description="材料费一", lines=spend)
    second = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=D(2026, 4, 2), description="材料费二", lines=spend)
    before = state(oe)
    with pytest.raises(ValidationFailed) as refused:
        services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=[first, second])
    assert "entries.1.lines.1.fund" in refused.value.fields
    assert state(oe) == before


def test_a_batch_may_spend_money_it_receives_earlier_in_the_batch_but_not_before(oe, funded, project):
    grant = {"date": D(2026, 4, 1), "description": "追加拨款", "lines": [
        {"account": chart.BANK, "fund": funded, "debit": cny("50000"), "project": project},
        {"account": chart.INCOME_GOVERNMENT, "fund": funded, "credit": cny("50000"), "project": project},
    ]}
    spend = {"date": D(2026, 4, 2), "description": "大额设备费", "lines": [
        {"account": chart.EXPENSE_PROJECT, "fund": funded, "debit": cny("120000"), "project": project},
        {"account": chart.BANK, "fund": funded, "credit": cny("120000"), "project": project},
    ]}
    before = state(oe)
    with pytest.raises(ValidationFailed) as refused:
        services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=[spend, grant])
    assert "entries.0.lines.1.fund" in refused.value.fields
    assert state(oe) == before
    recorded = services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=[grant, spend])
    services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=recorded)
    with scope(alliance=oe.alliance):
        assert selectors.balance(oe.alliance, Account.objects.get(code=chart.BANK), funded) == Decimal("30000")


def test_the_approver_of_a_batch_may_have_recorded_none_of_its_entries(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    by_sec = services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=specs(fund, 2))
    by_sg = services.entry_record(actor=oe.user("sg"), alliance=oe.alliance, date=D(2026, 4, 9), description="秘书长录入",
                                  lines=simple_lines(fund, 5))
    before = state(oe)
    with pytest.raises(Forbidden) as refused:
        services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=[*by_sec, by_sg])
    assert "entries.2" in refused.value.fields
    assert state(oe) == before


def test_a_batch_refuses_a_posted_or_repeated_entry_and_a_closed_month(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    done = services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=specs(fund, 1))
    services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=done)
    fresh = services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=specs(fund, 2, start=D(2026, 5, 1)))
    before = state(oe)
    with pytest.raises(Conflict):
        services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=[fresh[0], done[0]])
    with pytest.raises(ValidationFailed) as repeated:
        services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=[fresh[0], fresh[0]])
    assert "entries.1.entry" in repeated.value.fields
    with pytest.raises(Conflict) as pending:  # entries awaiting approval keep the month open
        services.period_close(actor=oe.user("sec"), alliance=oe.alliance, year=2026, month=5)
    assert pending.value.code == "pending_entries"
    with scope(alliance=oe.alliance):  # a month closed before that rule existed, with entries still pending
        Period.objects.update_or_create(alliance=oe.alliance, year=2026, month=5, defaults={"status": Period.Status.CLOSED})
    before = state(oe)
    with pytest.raises(ValidationFailed) as closed:
        services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=fresh)
    assert "entries.0.date" in closed.value.fields
    with pytest.raises(ValidationFailed) as closed_record:
        services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=specs(fund, 1, start=D(2026, 5, 3)))
    assert "entries.0.date" in closed_record.value.fields
    assert state(oe) == before


def test_only_the_secretariat_records_a_batch(oe):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    before = state(oe)
    with pytest.raises(Forbidden):
        services.entries_record_batch(actor=oe.user("auditor"), alliance=oe.alliance, entries=specs(fund, 2))
    with pytest.raises(ValidationFailed):
        services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=[])
    assert state(oe) == before


def test_verify_chain_reads_in_chunks_and_still_finds_a_tampered_line(oe):
    from django.db import connection

    fund = services.fund_for(alliance=oe.alliance, source="other")
    recorded = services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=specs(fund, 7))
    posted = services.entries_approve_batch(actor=oe.user("sg"), alliance=oe.alliance, entries=recorded)
    with scope(alliance=oe.alliance):
        total = JournalEntry.objects.filter(status="posted").count()
        assert selectors.verify_chain(oe.alliance, chunk=2) == {"ok": True, "count": total, "broken": None}
        line = JournalLine.objects.filter(entry=posted[4]).order_by("position").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE finance_journalline SET memo = 'x' WHERE id = %s", [line.pk])
    with scope(alliance=oe.alliance):
        result = selectors.verify_chain(oe.alliance, chunk=2)
    assert not result["ok"]
    assert result["broken"]["sequence"] == posted[4].sequence
    assert result["broken"]["reason"] == "content does not match its hash"


# ---------------------------------------------------------------- API


def api_entry(fund_id, amount, day):
    return {"date": f"2026-06-{day:02d}", "description": f"导入凭证{day}", "lines": [
        {"account": "1002", "fund": fund_id, "debit": str(amount), "currency": "CNY"},
        {"account": "4901.02", "fund": fund_id, "credit": str(amount), "currency": "CNY"},
    ]}


def test_api_records_a_batch_and_approves_it_in_one_call_each(oe, api):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    base = BASE.format(slug=oe.alliance.slug)
    response = api(oe.user("sec")).post(base + "batch/", {"entries": [api_entry(fund.pk, 10 + d, d) for d in range(1, 4)]},
                                        format="json")
    assert response.status_code == 201, response.content
    ids = [row["id"] for row in response.json()]
    assert len(ids) == 3
    approved = api(oe.user("sg")).post(base + "approve-batch/", {"entries": ids}, format="json")
    assert approved.status_code == 200, approved.content
    assert [row["status"] for row in approved.json()] == ["posted"] * 3
    with scope(alliance=oe.alliance):
        assert selectors.verify_chain(oe.alliance)["ok"]
    assert balances_equal_recomputation(oe)


def test_api_batch_refusals_name_the_entry_and_write_nothing(oe, api):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    base = BASE.format(slug=oe.alliance.slug)
    items = [api_entry(fund.pk, 10, 1), api_entry(fund.pk, 11, 2)]
    items[1]["lines"][1]["credit"] = "12"
    before = state(oe)
    refused = api(oe.user("sec")).post(base + "batch/", {"entries": items}, format="json")
    assert refused.status_code == 400
    assert any(key.startswith("entries.1.") for key in refused.json()["error"]["fields"]), refused.json()
    assert state(oe) == before
    made = api(oe.user("sec")).post(base + "batch/", {"entries": items[:1]}, format="json").json()
    before = state(oe)
    own = api(oe.user("sec")).post(base + "approve-batch/", {"entries": [made[0]["id"]]}, format="json")
    assert own.status_code == 403
    foreign = api(oe.user("sg")).post(base + "approve-batch/", {"entries": [made[0]["id"], 10**9]}, format="json")
    assert foreign.status_code == 400
    assert state(oe) == before


def test_approvals_page_posts_the_ticked_entries_in_one_batch_or_none(oe, client):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    by_sec = services.entries_record_batch(actor=oe.user("sec"), alliance=oe.alliance, entries=specs(fund, 2, start=D(2026, 8, 1)))
    by_sg = services.entry_record(actor=oe.user("sg"), alliance=oe.alliance, date=D(2026, 8, 5), description="秘书长录入",
                                  lines=simple_lines(fund, 7))
    url = f"/a/{oe.alliance.slug}/finance/approvals/"
    client.force_login(oe.user("sg"))
    before = state(oe)
    refused = client.post(url, {"entry": [str(e.pk) for e in by_sec] + [str(by_sg.pk)]})
    assert refused.status_code == 302
    assert state(oe) == before
    done = client.post(url, {"entry": [str(e.pk) for e in by_sec]})
    assert done.status_code == 302
    with scope(alliance=oe.alliance):
        posted = list(JournalEntry.objects.filter(pk__in=[e.pk for e in by_sec]).order_by("sequence"))
        assert [e.status for e in posted] == ["posted", "posted"]
        assert [e.date for e in posted] == [D(2026, 8, 1), D(2026, 8, 2)]  # date order
        assert selectors.verify_chain(oe.alliance)["ok"]
    client.force_login(oe.user("auditor"))
    assert client.post(url, {"entry": [str(by_sg.pk)]}).status_code == 403
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(pk=by_sg.pk).status == "recorded"
