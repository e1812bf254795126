"""现金流量表 (会民非03表) by the direct method. Cash is 1001 现金 + 1002 银行存款 + 1009 其他货币资金.

Each posted entry of the period that moves cash is classified by its contra (non-cash) lines: the
entry's net cash movement is shared among them in proportion to their signed amounts (credit minus
debit), which, since the entry balances, is each contra line's own amount. Money moved between cash
accounts or between funds of one cash account nets to zero in the entry and is no flow. Income
accounts feed their receipt rows and expense accounts their payment rows whatever the direction (a
refund reduces the row); asset and liability accounts go by direction. CNY only.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from finance.models import Account, JournalLine
from finance.statements import CASH_CODES, CURRENCY, DAY, ZERO, _layout_values, code_of, header, net_at

INVESTMENTS = ("1101", "1102", "1401", "1402", "1421")
LONG_LIVED = ("1501", "1502", "1505", "1506", "1509", "1601")
# code -> (row of a receipt, row of a payment)
FLOW_ROWS = {
    "4101": (1, 1), "4201": (2, 2), "4301": (3, 3), "4501": (4, 4), "4401": (5, 5), "4601": (26, 26),
    "2203": (3, 19), "2204": (8, 15), "2206": (8, 16), "2201": (8, 14), "2202": (8, 14), "1141": (8, 14),
    "1201": (4, 14), "1202": (4, 14),
    "5101": (14, 14), "5201": (19, 19), "5301": (52, 52), "5401": (19, 19),
    "2101": (45, 51), "2501": (45, 51), "2502": (48, 55),
    **{code: (25, 36) for code in INVESTMENTS}, **{code: (27, 35) for code in LONG_LIVED},
}
OUTFLOW_ROWS = {14, 15, 16, 19, 35, 36, 39, 51, 52, 55}

CASH_FLOW_LAYOUT = [
    (1, _("接受捐赠收到的现金"), "operating", None), (2, _("收取会费收到的现金"), "operating", None),
    (3, _("提供服务收到的现金"), "operating", None), (4, _("销售商品收到的现金"), "operating", None),
    (5, _("政府补助收到的现金"), "operating", None), (8, _("收到的其他与业务活动有关的现金"), "operating", None),
    (13, _("现金流入小计"), "operating", (1, 2, 3, 4, 5, 8)),
    (14, _("提供服务或者销售商品支付的现金"), "operating", None), (15, _("支付给员工以及为员工支付的现金"), "operating", None),
    (16, _("支付的各项税费"), "operating", None), (19, _("支付的其他与业务活动有关的现金"), "operating", None),
    (23, _("现金流出小计"), "operating", (14, 15, 16, 19)),
    (24, _("业务活动产生的现金流量净额"), "operating", (13, -23)),
    (25, _("收回投资所收到的现金"), "investing", None), (26, _("取得投资收益所收到的现金"), "investing", None),
    (27, _("处置固定资产和无形资产所收回的现金"), "investing", None), (30, _("收到的其他与投资活动有关的现金"), "investing", None),
    (34, _("现金流入小计"), "investing", (25, 26, 27, 30)),
    (35, _("购建固定资产和无形资产所支付的现金"), "investing", None), (36, _("对外投资所支付的现金"), "investing", None),
    (39, _("支付的其他与投资活动有关的现金"), "investing", None), (43, _("现金流出小计"), "investing", (35, 36, 39)),
    (44, _("投资活动产生的现金流量净额"), "investing", (34, -43)),
    (45, _("借款所收到的现金"), "financing", None), (48, _("收到的其他与筹资活动有关的现金"), "financing", None),
    (50, _("现金流入小计"), "financing", (45, 48)),
    (51, _("偿还借款所支付的现金"), "financing", None), (52, _("偿付利息所支付的现金"), "financing", None),
    (55, _("支付的其他与筹资活动有关的现金"), "financing", None), (58, _("现金流出小计"), "financing", (51, 52, 55)),
    (59, _("筹资活动产生的现金流量净额"), "financing", (50, -58)),
    (60, _("汇率变动对现金的影响额"), "other", None),
    (61, _("现金及现金等价物净增加额"), "other", (24, 44, 59, 60)),
]


def flow_row(account, amount: Decimal) -> int:
    """The row of a contra line bringing `amount` of cash in (positive) or taking it out (negative)."""
    rows = FLOW_ROWS.get(code_of(account))
    if rows is None:
        rows = (8, 19)
    if account.kind == Account.Kind.INCOME:
        return rows[0]
    if account.kind == Account.Kind.EXPENSE:
        return rows[1]
    return rows[0] if amount > 0 else rows[1]


def _cash(as_of, cash_ids) -> Decimal:
    return sum((net for (account_id, _fund), net in net_at(as_of).items() if account_id in cash_ids), ZERO)


def cash_flow(alliance, date_from: datetime.date, date_to: datetime.date) -> dict:
    """现金流量表 for the period, with the cash at the day before its start and at its end."""
    with scope(alliance=alliance):
        accounts = {a.pk: a for a in Account.objects.all()}
        cash_ids = {pk for pk, a in accounts.items() if code_of(a) in CASH_CODES}
        in_period = {"posted": True, "debit_currency": CURRENCY, "date__gte": date_from, "date__lte": date_to}
        moving = JournalLine.objects.filter(account_id__in=list(cash_ids), **in_period).values("entry_id")
        per_entry = defaultdict(list)
        for entry_id, account_id, debit, credit in (JournalLine.objects.filter(entry_id__in=moving, posted=True, debit_currency=CURRENCY)
                                                    .values_list("entry_id", "account_id", "debit", "credit")):
            per_entry[entry_id].append((account_id, credit - debit))
        cash_begin = _cash(date_from - DAY, cash_ids)
        cash_end = _cash(date_to, cash_ids)
    values = defaultdict(lambda: [ZERO])
    for items in per_entry.values():
        if not sum((-amount for account_id, amount in items if account_id in cash_ids), ZERO):
            continue  # between cash accounts or funds: no flow
        for account_id, amount in items:
            if account_id in cash_ids or not amount:
                continue
            row = flow_row(accounts[account_id], amount)
            values[row][0] += -amount if row in OUTFLOW_ROWS else amount
    values = _layout_values(CASH_FLOW_LAYOUT, values, 1)
    lines = [{"row": row, "label": label, "section": section, "is_total": parts is not None, "amount": values[row][0]}
             for row, label, section, parts in CASH_FLOW_LAYOUT]
    totals = {"operating": values[24][0], "investing": values[44][0], "financing": values[59][0],
              "net_cash_change": values[61][0], "cash_begin": cash_begin, "cash_end": cash_end}
    return {**header(alliance, "会民非03表", _("现金流量表"), date_from=date_from, date_to=date_to),
            "lines": lines, "totals": totals}
