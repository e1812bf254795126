"""Issue 14 §4: a ledger entry dated before the alliance existed or far in the future is refused
before it can be sealed into the hash chain."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from alliances import dates
from alliances.errors import ValidationFailed
from finance import services
from finance.models import JournalEntry, JournalLine

IMPOSSIBLE = ["0001-01-01", "1900-01-01", "9999-12-31"]


@pytest.mark.parametrize("day", IMPOSSIBLE)
def test_ledger_entry_with_impossible_date_is_refused_and_writes_nothing(oe, api, day):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    payload = {"date": day, "description": "其他收入", "lines": [
        {"account": "1002", "fund": fund.pk, "debit": "100.00", "currency": "CNY"},
        {"account": "4901.02", "fund": fund.pk, "credit": "100.00", "currency": "CNY"},
    ]}
    response = api(oe.user("sec")).post(f"/api/v1/alliances/{oe.alliance.slug}/ledger/entries/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert "date" in response.json()["error"]["fields"]
    with scope(alliance=oe.alliance):
        assert not JournalEntry.objects.exists() and not JournalLine.objects.exists()


def test_ledger_entry_not_before_the_alliances_first_accounting_period(oe, api):
    oe.alliance.founded_on = datetime.date(2024, 5, 20)
    oe.alliance.save()
    fund = services.fund_for(alliance=oe.alliance, source="other")
    lines = [{"account": "1002", "fund": fund.pk, "debit": "1.00", "currency": "CNY"},
             {"account": "4901.02", "fund": fund.pk, "credit": "1.00", "currency": "CNY"}]
    url = f"/api/v1/alliances/{oe.alliance.slug}/ledger/entries/"
    refused = api(oe.user("sec"), language="en").post(url, {"date": "2024-04-30", "description": "x", "lines": lines}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["date"] == [f"The date must be between 2024-05-01 and {dates.alliance_range(oe.alliance).latest}."]
    accepted = api(oe.user("sec")).post(url, {"date": "2024-05-01", "description": "x", "lines": lines}, format="json")
    assert accepted.status_code == 201, accepted.json()


def test_ledger_entry_horizon_is_configurable(oe, settings):
    settings.LIANMENG_MAX_FUTURE_DAYS = 0
    fund = services.fund_for(alliance=oe.alliance, source="other")
    lines = [{"account": "1002", "fund": fund, "debit": Money(1, "CNY")}, {"account": "4901.02", "fund": fund, "credit": Money(1, "CNY")}]
    with pytest.raises(ValidationFailed) as error:
        services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, description="x", lines=lines,
                              date=timezone.localdate() + datetime.timedelta(days=1))
    assert "date" in error.value.fields

