"""The member statement's totals come from the member balance table (whole months) and the open
month's lines; they must equal a recount of the unit's posted lines at any date, reversals included."""

import datetime

import pytest
from django.db.models import Count, Sum
from django_scopes import scope
from djmoney.money import Money

from alliances.errors import ValidationFailed
from finance import chart, selectors, services
from finance.models import JournalLine, MemberBalance
from tests.finance.conftest import post

D = datetime.date


def _recount(ctx, unit, as_of):
    with scope(alliance=ctx.alliance):
        lines = JournalLine.objects.filter(posted=True, member_unit=unit, date__lte=as_of, debit_currency="CNY")
        receipts = lines.filter(account__code=chart.INCOME_MEMBER).aggregate(n=Count("id"), d=Sum("debit"), c=Sum("credit"))
        shares = lines.filter(account__code=chart.EXPENSE_REVENUE_SHARE).aggregate(n=Count("id"), d=Sum("debit"), c=Sum("credit"))
    return {
        "receipts_count": receipts["n"], "paid": (receipts["c"] or 0) - (receipts["d"] or 0),
        "shares_count": shares["n"], "revenue_shares": (shares["d"] or 0) - (shares["c"] or 0),
    }


def test_statement_totals_equal_a_recount_at_every_date(oe):
    unit, sec, sg = oe.units[5], oe.user("sec"), oe.user("sg")
    commitment = services.commitment_set(actor=sec, alliance=oe.alliance, member_unit=unit, year=2026,
                                         amount=Money(50000, "CNY"), committed_on=D(2026, 1, 1))
    receipts = [
        post(oe, services.contribution_receive(actor=sec, alliance=oe.alliance, commitment=commitment,
                                               amount=Money(amount, "CNY"), date=date))
        for date, amount in ((D(2026, 1, 15), 10000), (D(2026, 2, 3), 7000), (D(2026, 2, 27), 3000), (D(2026, 3, 5), 1000))
    ]
    fund = services.fund_for(alliance=oe.alliance, source="unrestricted")
    share = services.entry_record(actor=sec, alliance=oe.alliance, date=D(2026, 2, 10), description="成果转化收益分成",
                                  lines=[{"account": chart.EXPENSE_REVENUE_SHARE, "fund": fund, "debit": Money(800, "CNY"),
                                          "member_unit": unit},
                                         {"account": chart.BANK, "fund": fund, "credit": Money(800, "CNY")}])
    post(oe, share)
    post(oe, services.entry_reverse(actor=sec, alliance=oe.alliance, entry=receipts[1], date=D(2026, 3, 2)))

    with scope(alliance=oe.alliance):
        # Whole months are kept in the table: January and February for the receipts, with line counts.
        months = dict(MemberBalance.objects.filter(member_unit=unit, account__code=chart.INCOME_MEMBER)
                      .values_list("month").annotate(n=Sum("lines")))
        assert months == {D(2026, 1, 1): 1, D(2026, 2, 1): 2, D(2026, 3, 1): 2}
        for as_of in (D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 9), D(2026, 2, 28), D(2026, 3, 1), D(2026, 3, 31)):
            statement = selectors.member_statement(oe.alliance, unit, as_of, page_size=0)
            assert {key: statement[key] for key in _recount(oe, unit, as_of)} == _recount(oe, unit, as_of), as_of
        final = selectors.member_statement(oe.alliance, unit, D(2026, 3, 31), page_size=0)
    assert (final["committed"], final["paid"], final["outstanding"]) == (50000, 14000, 36000)
    assert final["revenue_shares"] == 800 and final["receipts_count"] == 5


def test_a_line_against_a_commitment_belongs_to_the_committing_unit(oe):
    unit, sec = oe.units[4], oe.user("sec")
    commitment = services.commitment_set(actor=sec, alliance=oe.alliance, member_unit=unit, year=2026,
                                         amount=Money(9000, "CNY"))
    fund = services.fund_for(alliance=oe.alliance, source="member_contribution")
    entry = services.entry_record(actor=sec, alliance=oe.alliance, date=D(2026, 4, 1), description="出资（未填单位）",
                                  lines=[{"account": chart.BANK, "fund": fund, "debit": Money(900, "CNY")},
                                         {"account": chart.INCOME_MEMBER, "fund": fund, "credit": Money(900, "CNY"),
                                          "commitment": commitment}])
    with scope(alliance=oe.alliance):
        assert sorted(entry.lines.values_list("position", "member_unit_id")) == [(0, None), (1, unit.pk)]

    before = JournalLine.objects.with_scopes_disabled().count()
    with pytest.raises(ValidationFailed) as refused:
        services.entry_record(actor=sec, alliance=oe.alliance, date=D(2026, 4, 2), description="出资（单位不符）",
                              lines=[{"account": chart.BANK, "fund": fund, "debit": Money(900, "CNY")},
                                     {"account": chart.INCOME_MEMBER, "fund": fund, "credit": Money(900, "CNY"),
                                      "commitment": commitment, "member_unit": oe.units[3]}])
    assert "lines.1.member_unit" in refused.value.fields
    assert JournalLine.objects.with_scopes_disabled().count() == before
