"""A ledger kept under the version-1 chart moves to the standard chart (migration 0009) and every
entry posted before still verifies: built at migration 0008 with the old codes, migrated forward."""

import datetime
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scope

from finance import chart, selectors, services
from finance.models import Account
from tests.finance.conftest import cny, make_project

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("finance", "0008_entry_kind")
OLD_CHART = [
    ("1001", "库存现金", "asset"), ("1002", "银行存款", "asset"), ("1122", "其他应收款", "asset"),
    ("1501", "固定资产", "asset"), ("2101", "短期借款", "liability"), ("2202", "应付账款", "liability"),
    ("2209", "其他应付款", "liability"), ("2501", "长期借款", "liability"), ("3101", "非限定性净资产", "net_unrestricted"),
    ("3102", "限定性净资产", "net_restricted"), ("4101", "成员出资收入", "income"), ("4201", "政府补助收入", "income"),
    ("4901", "其他收入", "income"), ("4902", "知识产权收益", "income"), ("5101", "项目研发支出", "expense"),
    ("5201", "日常办公费用", "expense"), ("5301", "筹资费用", "expense"), ("5401", "收益分成支出", "expense"),
    ("5901", "其他费用", "expense"),
]
DAY = datetime.date(2026, 3, 2)
# (description, fund, [(old code, debit, credit)])
OLD_ENTRIES = [
    ("成员出资到账", "member", [("1002", 1000, 0), ("4101", 0, 1000)]),
    ("市科技计划经费拨付", "government", [("1002", 5000, 0), ("4201", 0, 5000)]),
    ("项目材料费", "government", [("5101", 800, 0), ("1002", 0, 800)]),
    ("办公费", "member", [("5201", 100, 0), ("1002", 0, 100)]),
    ("专利许可收入与分成", "other", [("1002", 300, 0), ("4902", 0, 300), ("5401", 100, 0), ("1002", 0, 100)]),
    ("杂项收入", "other", [("1002", 50, 0), ("4901", 0, 50)]),
    ("杂项费用", "member", [("5901", 10, 0), ("1002", 0, 10)]),
]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _old_ledger(apps, oe, project) -> None:
    """The version-1 ledger as the services of 0008 left it: accounts, funds, posted entries hashed
    with the old codes, the balance table and the ledger head."""
    model = apps.get_model
    alliance_id, sec, sg = oe.alliance.pk, oe.user("sec").pk, oe.user("sg").pk
    ledger = model("finance", "Ledger").objects.create(alliance_id=alliance_id, chart_version=1)
    accounts = {code: model("finance", "Account").objects.create(alliance_id=alliance_id, code=code, name=name, kind=kind)
                for code, name, kind in OLD_CHART}
    Fund = model("finance", "Fund")
    funds = {
        "member": Fund.objects.create(alliance_id=alliance_id, source="member_contribution"),
        "other": Fund.objects.create(alliance_id=alliance_id, source="other"),
        "government": Fund.objects.create(alliance_id=alliance_id, source="government", project_id=project.pk, restricted=True),
    }
    Entry, Line, Balance = model("finance", "JournalEntry"), model("finance", "JournalLine"), model("finance", "LedgerBalance")
    previous, totals = "", defaultdict(lambda: [Decimal(0), Decimal(0)])
    for sequence, (description, fund_key, lines) in enumerate(OLD_ENTRIES, start=1):
        fund = funds[fund_key]
        rows = [(position, code, fund.pk, fund.source, fund.project_id, "CNY", Decimal(d), Decimal(c), None, None, None, "", "")
                for position, (code, d, c) in enumerate(lines)]
        digest = services.content_hash(services.entry_content_of_rows(
            (alliance_id, sequence, DAY, description, sec, sg, None), rows, []), previous)
        entry = Entry.objects.create(alliance_id=alliance_id, date=DAY, description=description, status="posted",
                                     recorded_by_id=sec, approved_by_id=sg, sequence=sequence, previous_hash=previous,
                                     hash=digest)
        for position, code, _fund, _source, _project, _currency, d, c, *_rest in rows:
            Line.objects.create(alliance_id=alliance_id, entry=entry, position=position, account=accounts[code], fund=fund,
                                debit=d, credit=c, date=DAY, posted=True)
            totals[(accounts[code].pk, fund.pk)][0] += d
            totals[(accounts[code].pk, fund.pk)][1] += c
        previous = digest
    for (account_id, fund_id), (d, c) in totals.items():
        Balance.objects.create(alliance_id=alliance_id, account_id=account_id, fund_id=fund_id, currency="CNY",
                               month=DAY.replace(day=1), debit=d, credit=c)
    model("finance", "Ledger").objects.filter(pk=ledger.pk).update(last_sequence=len(OLD_ENTRIES), last_hash=previous)


def test_a_ledger_of_the_old_chart_is_renumbered_and_still_verifies(oe):
    project = make_project(oe, code="P-MIG")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _old_ledger(_migrate([BEFORE]), oe, project)
    finally:
        _migrate(latest)

    call_command("verify_ledger", oe.alliance.slug, stdout=StringIO())  # exits 1 when broken
    with scope(alliance=oe.alliance):
        codes = {a.chain_code: (a.code, a.name) for a in Account.objects.all()}
        assert codes["4101"] == (chart.INCOME_MEMBER, "成员出资")
        assert codes["4201"] == (chart.INCOME_GOVERNMENT, "政府补助收入")
        assert codes["4902"] == (chart.INCOME_IP, "知识产权收益")
        assert codes["4901"] == (chart.INCOME_OTHER, "其他")
        assert codes["5101"] == (chart.EXPENSE_PROJECT, "项目研发支出")
        assert codes["5401"] == (chart.EXPENSE_REVENUE_SHARE, "知识产权收益分成")
        assert codes["5901"] == (chart.EXPENSE_OTHER, "其他费用")
        assert codes["1001"] == (chart.CASH, "现金") and codes["5201"] == (chart.EXPENSE_OFFICE, "管理费用")
        tb = {row["code"]: row for row in selectors.trial_balance(oe.alliance, DAY)["rows"]}
        assert tb[chart.INCOME_MEMBER]["balance_credit"] == 1000 and tb[chart.INCOME_GOVERNMENT]["balance_credit"] == 5000

    # The next use installs the rest of the standard chart; the new 4101 hashes as "4101@2".
    sec, sg = oe.user("sec"), oe.user("sg")
    fund = services.fund_for(alliance=oe.alliance, source="unrestricted")
    entry = services.entry_record(actor=sec, alliance=oe.alliance, date=DAY, description="社会捐赠", lines=[
        {"account": chart.BANK, "fund": fund, "debit": cny(20)}, {"account": chart.INCOME_DONATION, "fund": fund, "credit": cny(20)}])
    services.entry_approve(actor=sg, alliance=oe.alliance, entry=entry)
    with scope(alliance=oe.alliance):
        donation = Account.objects.get(code=chart.INCOME_DONATION)
        assert (donation.name, donation.chain_code) == ("捐赠收入", "4101@2")
        assert Account.objects.get(code=chart.INCOME_DUES).chain_code == "4201@2"
        assert {code for code, *_ in chart.TEMPLATE} <= set(Account.objects.values_list("code", flat=True))
        result = selectors.verify_chain(oe.alliance)
    assert result == {"ok": True, "count": len(OLD_ENTRIES) + 1, "broken": None}
