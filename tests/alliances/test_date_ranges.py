"""Issue 14 §4: every kind of date the product takes has a range (alliances/dates.py), one row per
app's date field kind: a date out of range is a 400-style field error naming the field."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from djmoney.money import Money

from alliances import services as alliance_services
from alliances.errors import ValidationFailed
from bureau import services as bureau_services
from finance import services as finance_services
from governance import services as governance_services
from ip_registry import services as ip_services
from membership import services as membership_services
from projects import services as project_services

FAR = datetime.date(9999, 12, 31)
ANCIENT = datetime.date(1, 1, 1)


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _founded(ctx, year):
    ctx.alliance.founded_on = datetime.date(year, 3, 1)
    ctx.alliance.save()
    return ctx.alliance


def _asset(ctx, **details):
    return ip_services.asset_register(actor=ctx.user("sec"), alliance=ctx.alliance, kind="invention_patent", title="传感器",
                                      origin="background", owners=[(ctx.units[0], "", Decimal("100"))], **details)


def _licence(ctx, start, end=None):
    return ip_services.licence_grant(actor=ctx.user("sec"), alliance=ctx.alliance, asset=_asset(ctx), kind="non_exclusive",
                                     territory="city", start=start, end=end, licensee_unit=ctx.units[1])


CASES = {
    "alliance founding in the future": (lambda c: alliance_services.alliance_profile_update(
        actor=c.user("sg"), alliance=c.alliance, founded_on=FAR), "founded_on"),
    "annual report of a year before the alliance": (lambda c: bureau_services.approval_request(
        actor=c.user("sec"), alliance=_founded(c, 2020), kind="annual_report", title="年报", payload={"year": 2015}),
        "payload.year"),
    "contribution year before the alliance": (lambda c: finance_services.commitment_set(
        actor=c.user("sec"), alliance=c.alliance, member_unit=c.units[0], year=1900, amount=Decimal("1000")), "year"),
    "member application in year 1": (lambda c: membership_services.member_apply(
        actor=c.user("sec"), alliance=c.alliance, applied_on=ANCIENT, name="某公司"), "applied_on"),
    "member withdrawal far ahead": (lambda c: membership_services.member_withdraw_request(
        actor=c.user("sec"), alliance=c.alliance, unit=c.units[4], reason="业务调整", effective_on=FAR), "effective_on"),
    "meeting in year 9999": (lambda c: governance_services.meeting_create(
        actor=c.user("sec"), alliance=c.alliance, title="理事会", starts_at=_aware(FAR)), "starts_at"),
    "motion window of years": (lambda c: governance_services.motion_create(
        actor=c.user("sec"), alliance=c.alliance, kind="general", title="议案", body="",
        closes_at=timezone.now() + datetime.timedelta(days=3650)), "closes_at"),
    "project starting in year 1": (lambda c: project_services.project_create(
        actor=c.user("sec"), alliance=c.alliance, title="项目", lead_unit=c.units[0], start_date=ANCIENT), "start_date"),
    "project of a century": (lambda c: project_services.project_create(
        actor=c.user("sec"), alliance=c.alliance, title="项目", lead_unit=c.units[0], start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=36600)), "end_date"),
    "background patent filed before 1900": (lambda c: _asset(c, filing_date=datetime.date(1899, 12, 31)), "filing_date"),
    "patent granted in the future": (lambda c: _asset(c, grant_date=FAR), "grant_date"),
    "licence starting in year 9999": (lambda c: _licence(c, FAR), "start"),
    "licence term over fifty years": (lambda c: _licence(c, datetime.date(2025, 1, 1), datetime.date(2090, 1, 1)), "end"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_date_out_of_its_range_is_refused_naming_the_field(oe, case):
    call, field = CASES[case]
    with pytest.raises(ValidationFailed) as error:
        call(oe)
    assert field in error.value.fields, error.value.fields


def test_founding_date_cannot_move_after_recorded_ledger_entries(oe):
    _founded(oe, 2024)
    fund = finance_services.fund_for(alliance=oe.alliance, source="other")
    finance_services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2024, 5, 3), description="x",
                                  lines=[{"account": "1002", "fund": fund, "debit": Money(1, "CNY")},
                                         {"account": "4901.02", "fund": fund, "credit": Money(1, "CNY")}])
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        alliance_services.alliance_profile_update(actor=oe.user("sg"), alliance=oe.alliance, founded_on=datetime.date(2024, 6, 1))
    assert "2024-05-03" in str(refused.value.fields["founded_on"][0])
    assert "ledger entry" in str(refused.value.fields["founded_on"][0]).lower()
    oe.alliance.refresh_from_db()
    assert oe.alliance.founded_on == datetime.date(2024, 3, 1)
    alliance_services.alliance_profile_update(actor=oe.user("sg"), alliance=oe.alliance, founded_on=datetime.date(2024, 5, 31))
