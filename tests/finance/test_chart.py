"""The standard chart of 民间非营利组织会计制度: first-level accounts exactly the standard's, the
alliance's own needs as sub-accounts, and no posting to an account that has sub-accounts."""

import datetime

import pytest
from django_scopes import scope

from finance import chart, services
from finance.models import Account
from tests.finance.conftest import simple_lines

STANDARD = {
    "1001": "现金", "1002": "银行存款", "1009": "其他货币资金", "1101": "短期投资", "1102": "短期投资跌价准备",
    "1111": "应收票据", "1121": "应收账款", "1122": "其他应收款", "1131": "坏账准备", "1141": "预付账款", "1201": "存货",
    "1202": "存货跌价准备", "1301": "待摊费用", "1401": "长期股权投资", "1402": "长期债权投资", "1421": "长期投资减值准备",
    "1501": "固定资产", "1502": "累计折旧", "1505": "在建工程", "1506": "文物文化资产", "1509": "固定资产清理",
    "1601": "无形资产", "1701": "受托代理资产", "2101": "短期借款", "2201": "应付票据", "2202": "应付账款",
    "2203": "预收账款", "2204": "应付工资", "2206": "应交税金", "2209": "其他应付款", "2301": "预提费用",
    "2401": "预计负债", "2501": "长期借款", "2502": "长期应付款", "2601": "受托代理负债", "3101": "非限定性净资产",
    "3102": "限定性净资产", "4101": "捐赠收入", "4201": "会费收入", "4301": "提供服务收入", "4401": "政府补助收入",
    "4501": "商品销售收入", "4601": "投资收益", "4901": "其他收入", "5101": "业务活动成本", "5201": "管理费用",
    "5301": "筹资费用", "5401": "其他费用",
}


def test_first_level_accounts_are_the_standards_and_sub_accounts_sit_under_them(oe):
    services.chart_install(oe.alliance)
    with scope(alliance=oe.alliance):
        accounts = {a.code: a for a in Account.objects.all()}
    assert {code: a.name for code, a in accounts.items() if "." not in code} == STANDARD
    subs = {code for code in accounts if "." in code}
    assert subs == {chart.INCOME_MEMBER, chart.INCOME_IP, chart.INCOME_OTHER, chart.EXPENSE_PROJECT, chart.EXPENSE_REVENUE_SHARE}
    assert all(chart.parent_code(code) in STANDARD for code in subs)
    assert all(a.chain_code == a.code for a in accounts.values())  # a fresh ledger renumbered nothing
    # Contra assets have a credit normal balance; other assets a debit one.
    assert not accounts["1502"].debit_normal and not accounts["1131"].debit_normal and accounts["1501"].debit_normal


@pytest.mark.parametrize("parent", [chart.INCOME_DUES, chart.INCOME_OTHER_PARENT, chart.EXPENSE_ACTIVITIES])
def test_an_account_with_sub_accounts_takes_no_postings(oe, api, parent):
    fund = services.fund_for(alliance=oe.alliance, source="unrestricted")
    debit, credit = (chart.BANK, parent) if parent < "5" else (parent, chart.BANK)
    payload = {"date": "2026-03-02", "description": "记入上级科目", "lines": [
        {"account": debit, "fund": fund.pk, "debit": "10.00", "currency": "CNY"},
        {"account": credit, "fund": fund.pk, "credit": "10.00", "currency": "CNY"}]}
    response = api(oe.user("sec")).post(f"/api/v1/alliances/{oe.alliance.slug}/ledger/entries/", payload, format="json")
    assert response.status_code == 400
    index = 1 if debit == chart.BANK else 0
    [message] = response.json()["error"]["fields"][f"lines.{index}.account"]
    assert "设有明细科目" in message and f"{parent}." in message
    # Its sub-account takes the same posting.
    child = {chart.INCOME_DUES: chart.INCOME_MEMBER, chart.INCOME_OTHER_PARENT: chart.INCOME_OTHER,
             chart.EXPENSE_ACTIVITIES: chart.EXPENSE_REVENUE_SHARE}[parent]
    lines = simple_lines(fund, 10, debit=child if debit == parent else debit, credit=child if credit == parent else credit)
    services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 3, 2),
                          description="记入明细科目", lines=lines)
