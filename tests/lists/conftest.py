import datetime
import io

import pytest
from django.test import Client
from django_scopes import scope
from djmoney.money import Money
from openpyxl import load_workbook

from finance import chart, services
from finance.models import Account
from tests.finance.conftest import make_project


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def xlsx_rows(response) -> list[tuple]:
    """The first sheet's rows after the header (and any rows above it, given as `skip`)."""
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [row for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def journal(oe):
    """Five posted entries of ocean-equipment that differ in date, amount, fund, project and unit,
    and one recorded (not posted)."""
    sec, alliance = oe.user("sec"), oe.alliance
    project = make_project(oe, code="L-001", title="列表测试项目")
    other = services.fund_for(alliance=alliance, source="other")
    entries = []
    specs = [
        (datetime.date(2026, 1, 5), "100.00", None, None, "一月会费"),
        (datetime.date(2026, 2, 6), "2500.00", oe.units[0], None, "二月成员出资"),
        (datetime.date(2026, 3, 7), "40000.00", None, project, "三月项目支出"),
        (datetime.date(2026, 4, 8), "999.99", oe.units[1], None, "四月成员出资"),
        (datetime.date(2026, 5, 9), "12.34", None, None, "五月杂项"),
    ]
    for date, amount, unit, proj, text in specs:
        money = Money(amount, "CNY")
        lines = [{"account": chart.BANK, "fund": other, "debit": money, "member_unit": unit, "project": proj},
                 {"account": chart.INCOME_OTHER, "fund": other, "credit": money, "member_unit": unit, "project": proj}]
        entry = services.entry_record(actor=sec, alliance=alliance, date=date, description=text, lines=lines)
        entries.append(services.entry_approve(actor=oe.user("sg"), alliance=alliance, entry=entry))
    money = Money("77.00", "CNY")
    entries.append(services.entry_record(actor=sec, alliance=alliance, date=datetime.date(2026, 6, 1), description="六月待审",
                                         lines=[{"account": chart.CASH, "fund": other, "debit": money},
                                                {"account": chart.INCOME_OTHER, "fund": other, "credit": money}]))
    with scope(alliance=alliance):
        cash = Account.objects.get(code=chart.CASH)
    return {"entries": entries, "project": project, "fund": other, "cash": cash}
