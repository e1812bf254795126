"""The three statutory statements of 民间非营利组织会计制度 (财会〔2004〕7号): 资产负债表 (会民非01表),
业务活动表 (会民非02表) and 现金流量表 (会民非03表), in the standard's rows (行次), CNY only.

An account goes to a statement line by its first-level code (`code[:4]`, so a sub-account such as
4201.01 rolls up into 4201); a code the standard does not know goes by its kind (other assets,
other liabilities, other income, other expenses). Balances come from the monthly balance table
plus, for a date inside a month, that month's posted lines of the keys active in it (`net_at`):
never a scan of the journal. Income and expenses not yet closed count in net assets by their
fund (unrestricted -> 101, restricted -> 105), and the activities statement leaves closing
entries (`JournalEntry.kind == "closing"`) out, so every figure is the same before and after
closing. The cash flow statement is in finance/cash_flow.py.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from finance.models import Account, Fund, JournalEntry, JournalLine, LedgerBalance

ZERO = Decimal(0)
CENT = Decimal("0.01")
CURRENCY = "CNY"
DAY = datetime.timedelta(days=1)
# More keys active in a month than this read the month's lines without naming each key.
KEYS_NAMED = 200

# ---------------------------------------------------------------- 资产负债表 (会民非01表)

BALANCE_ROW_OF_CODE = {
    "1001": 1, "1002": 1, "1009": 1, "1101": 2, "1102": 2, "1111": 3, "1121": 3, "1122": 3, "1131": 3,
    "1141": 4, "1201": 8, "1202": 8, "1301": 9,
    "1401": 21, "1421": 21, "1402": 24,  # 长期投资减值准备 nets into 长期股权投资
    "1501": 31, "1502": 32, "1505": 34, "1506": 35, "1509": 38, "1601": 41, "1701": 51,
    "2101": 61, "2201": 62, "2202": 62, "2209": 62, "2204": 63, "2206": 65, "2203": 66, "2301": 71, "2401": 72,
    "2501": 81, "2502": 84, "2601": 91,
    "3101": 101, "3102": 105,
}
BALANCE_ROW_OF_KIND = {"asset": 18, "liability": 78, "net_unrestricted": 101, "net_restricted": 105}
CASH_CODES = ("1001", "1002", "1009")

# (row, label, section, sum of rows or None for the accounts' own balances); -32: subtract row 32.
BALANCE_LAYOUT = [
    (1, _("货币资金"), "assets", None), (2, _("短期投资"), "assets", None), (3, _("应收款项"), "assets", None),
    (4, _("预付账款"), "assets", None), (8, _("存货"), "assets", None), (9, _("待摊费用"), "assets", None),
    (15, _("一年内到期的长期债权投资"), "assets", None), (18, _("其他流动资产"), "assets", None),
    (20, _("流动资产合计"), "assets", (1, 2, 3, 4, 8, 9, 15, 18)),
    (21, _("长期股权投资"), "assets", None), (24, _("长期债权投资"), "assets", None),
    (30, _("长期投资合计"), "assets", (21, 24)),
    (31, _("固定资产原价"), "assets", None), (32, _("减：累计折旧"), "assets", None),
    (33, _("固定资产净值"), "assets", (31, -32)), (34, _("在建工程"), "assets", None),
    (35, _("文物文化资产"), "assets", None), (38, _("固定资产清理"), "assets", None),
    (40, _("固定资产合计"), "assets", (33, 34, 35, 38)),
    (41, _("无形资产"), "assets", None), (51, _("受托代理资产"), "assets", None),
    (60, _("资产总计"), "assets", (20, 30, 40, 41, 51)),
    (61, _("短期借款"), "liabilities", None), (62, _("应付款项"), "liabilities", None),
    (63, _("应付工资"), "liabilities", None), (65, _("应交税金"), "liabilities", None),
    (66, _("预收账款"), "liabilities", None), (71, _("预提费用"), "liabilities", None),
    (72, _("预计负债"), "liabilities", None), (74, _("一年内到期的长期负债"), "liabilities", None),
    (78, _("其他流动负债"), "liabilities", None),
    (80, _("流动负债合计"), "liabilities", (61, 62, 63, 65, 66, 71, 72, 74, 78)),
    (81, _("长期借款"), "liabilities", None), (84, _("长期应付款"), "liabilities", None),
    (88, _("其他长期负债"), "liabilities", None), (90, _("长期负债合计"), "liabilities", (81, 84, 88)),
    (91, _("受托代理负债"), "liabilities", None), (100, _("负债合计"), "liabilities", (80, 90, 91)),
    (101, _("非限定性净资产"), "net_assets", None), (105, _("限定性净资产"), "net_assets", None),
    (110, _("净资产合计"), "net_assets", (101, 105)),
    (120, _("负债和净资产总计"), "net_assets", (100, 110)),
]

# ---------------------------------------------------------------- 业务活动表 (会民非02表)

INCOME_ROW_OF_CODE = {"4101": 1, "4201": 2, "4301": 3, "4501": 4, "4401": 5, "4601": 6, "4901": 9}
EXPENSE_ROW_OF_CODE = {"5101": 12, "5201": 21, "5301": 24, "5401": 28}
PROJECT_COST_CODE = "5101"
ACTIVITY_LAYOUT = [
    (1, _("捐赠收入"), "income", None), (2, _("会费收入"), "income", None), (3, _("提供服务收入"), "income", None),
    (4, _("商品销售收入"), "income", None), (5, _("政府补助收入"), "income", None), (6, _("投资收益"), "income", None),
    (9, _("其他收入"), "income", None), (11, _("收入合计"), "income", (1, 2, 3, 4, 5, 6, 9)),
    (12, _("业务活动成本"), "expense", None), (21, _("管理费用"), "expense", None), (24, _("筹资费用"), "expense", None),
    (28, _("其他费用"), "expense", None), (40, _("费用合计"), "expense", (12, 21, 24, 28)),
    (45, _("限定性净资产转为非限定性净资产"), "net_assets", None),
    (46, _("净资产变动额（若为净资产减少额，以“-”号填列）"), "net_assets", (11, -40, 45)),
]


FIRST_DATE, LAST_DATE = datetime.date(1900, 1, 1), datetime.date(9998, 12, 31)


def dates_errors(as_of=None, date_from=None, date_to=None) -> dict:
    """{field: [message]} for statement dates a report cannot have: outside 1900–9998, a range
    backwards, or a period not yet begun (starting after today). The API and the pages share it."""
    errors = {}
    for field, value in (("as_of", as_of), ("date_from", date_from), ("date_to", date_to)):
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            errors[field] = [_("日期须在%(first)s至%(last)s之间。") % {"first": FIRST_DATE, "last": LAST_DATE}]
    if errors or date_from is None:
        return errors
    today = timezone.localdate()
    if date_from > today:
        errors["date_from"] = [_("该期间尚未开始：开始日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}]
    if date_to is not None and date_to < date_from:
        errors["date_to"] = [_("结束日期不能早于开始日期。")]
    return errors


def period_of(date_from=None, date_to=None) -> tuple[datetime.date, datetime.date]:
    """The period asked for: by default from the first day of the year of its end, to today."""
    date_to = date_to or max(timezone.localdate(), date_from or FIRST_DATE)
    return date_from or date_to.replace(month=1, day=1), date_to


def code_of(account) -> str:
    """The first-level code an account rolls up to."""
    return account.code[:4]


def balance_row(account, restricted_fund: bool) -> int:
    """The balance sheet row of an account's balance in a fund."""
    if account.kind in (Account.Kind.INCOME, Account.Kind.EXPENSE):
        return 105 if restricted_fund else 101
    return BALANCE_ROW_OF_CODE.get(code_of(account)) or BALANCE_ROW_OF_KIND[account.kind]


def activity_row(account) -> int | None:
    """The 业务活动表 row of an income or expense account (None for every other kind)."""
    if account.kind == Account.Kind.INCOME:
        return INCOME_ROW_OF_CODE.get(code_of(account), 9)
    if account.kind == Account.Kind.EXPENSE:
        return EXPENSE_ROW_OF_CODE.get(code_of(account), 28)
    return None


def _add(out, rows):
    for account_id, fund_id, debit, credit in rows:
        # To the cent: SQLite sums decimals as floats.
        out[(account_id, fund_id)] += ((debit or ZERO) - (credit or ZERO)).quantize(CENT)


def net_at(as_of: datetime.date) -> dict:
    """(account_id, fund_id) -> posted CNY debit minus credit at the end of `as_of`, for the alliance
    in scope: whole months from the balance table (the month of `as_of` too when it is the month's
    last day), else that month's lines of the (account, fund) keys the table says were active in it,
    each key read by its index range (`finance_line_account_idx`)."""
    month = as_of.replace(day=1)
    month_end = (as_of + DAY).day == 1
    out = defaultdict(Decimal)
    table = LedgerBalance.objects.filter(currency=CURRENCY)
    whole = table.filter(month__lte=month) if month_end else table.filter(month__lt=month)
    _add(out, whole.values_list("account_id", "fund_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by())
    if month_end:
        return out
    keys = list(table.filter(month=month).values_list("account_id", "fund_id").distinct())
    if not keys:
        return out
    lines = JournalLine.objects.filter(posted=True)
    in_month = {"debit_currency": CURRENCY, "date__gte": month, "date__lte": as_of}
    if len(keys) <= KEYS_NAMED:
        condition = Q()
        for account_id, fund_id in keys:
            condition |= Q(account_id=account_id, fund_id=fund_id, **in_month)
        lines = lines.filter(condition)
    else:
        lines = lines.filter(**in_month)
    _add(out, lines.values_list("account_id", "fund_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by())
    return out


def closing_lines(date_from, date_to) -> list:
    """(account_id, fund_id, debit, credit) of the posted closing entries dated in the range (few)."""
    entries = JournalEntry.objects.filter(kind=JournalEntry.Kind.CLOSING, status=JournalEntry.Status.POSTED,
                                          date__gte=date_from, date__lte=date_to).values("pk")
    return list(JournalLine.objects.filter(entry__in=entries, debit_currency=CURRENCY)
                .values_list("account_id", "fund_id", "debit", "credit"))


def _lookups():
    accounts = {a.pk: a for a in Account.objects.all()}
    funds = {f.pk: f for f in Fund.objects.select_related("project")}
    return accounts, funds


def _layout_values(layout, values: dict, width: int) -> dict:
    """Fill the total rows of `layout` (their sums of rows) into `values`: row -> [column values]."""
    for row, _label, _section, parts in layout:
        if parts is None:
            values.setdefault(row, [ZERO] * width)
            continue
        total = [ZERO] * width
        for part in parts:
            sign = -1 if part < 0 else 1
            for i, value in enumerate(values[abs(part)]):
                total[i] += sign * value
        values[row] = total
    return values


def header(alliance, form: str, title, **dates) -> dict:
    return {"form": form, "title": title, "organisation": alliance.name, "unit": _("元"), "currency": CURRENCY, **dates}


def _balance_values(as_of, accounts, funds) -> dict:
    values = defaultdict(lambda: [ZERO])
    for (account_id, fund_id), net in net_at(as_of).items():
        account = accounts[account_id]
        row = balance_row(account, funds[fund_id].restricted)
        # Assets read debit minus credit (contra accounts reduce their line); 累计折旧 is shown as the
        # positive amount row 33 subtracts; liabilities and net assets read credit minus debit.
        values[row][0] += net if row <= 60 and row != 32 else -net
    return _layout_values(BALANCE_LAYOUT, values, 1)


def _balance_totals(values) -> dict:
    return {"assets": values[60][0], "liabilities": values[100][0], "net_assets": values[110][0],
            "unrestricted_net_assets": values[101][0], "restricted_net_assets": values[105][0]}


def balance_sheet(alliance, as_of: datetime.date) -> dict:
    """资产负债表 at the end of `as_of`: 年初数 (the end of the previous year) and 期末数 per row."""
    opening_date = as_of.replace(month=1, day=1) - DAY
    with scope(alliance=alliance):
        accounts, funds = _lookups()
        opening = _balance_values(opening_date, accounts, funds)
        closing = _balance_values(as_of, accounts, funds)
    lines = [{"row": row, "label": label, "section": section, "is_total": parts is not None,
              "opening": opening[row][0], "closing": closing[row][0]}
             for row, label, section, parts in BALANCE_LAYOUT]
    return {**header(alliance, "会民非01表", _("资产负债表"), as_of=as_of, opening_date=opening_date),
            "lines": lines, "totals": {**_balance_totals(closing), "opening_totals": _balance_totals(opening)}}


def net_asset_movements(date_from, date_to, net_ids) -> tuple[list, list]:
    """The period's posted lines on net asset accounts outside closing entries (few: releases and
    direct adjustments), as ([u, r] of releases, [u, r] of the rest), credit minus debit. An entry
    that moves both 3101 and 3102 is a release (or the reversal of one)."""
    per_entry = defaultdict(list)
    rows = (JournalLine.objects.filter(posted=True, account_id__in=list(net_ids), debit_currency=CURRENCY,
                                       date__gte=date_from, date__lte=date_to)
            .exclude(entry__kind=JournalEntry.Kind.CLOSING).values_list("entry_id", "account_id", "debit", "credit"))
    for entry_id, account_id, debit, credit in rows:
        per_entry[entry_id].append((net_ids[account_id], credit - debit))
    releases, other = [ZERO, ZERO], [ZERO, ZERO]
    for items in per_entry.values():
        target = releases if {column for column, _amount in items} == {0, 1} else other
        for column, amount in items:
            target[column] += amount
    return releases, other


def activities(alliance, date_from: datetime.date, date_to: datetime.date) -> dict:
    """业务活动表 for the period: income and expense movements per row, by the column of the line's
    fund (非限定性/限定性), closing entries left out; 业务活动成本 split by the project of its fund."""
    with scope(alliance=alliance):
        accounts, funds = _lookups()
        before = net_at(date_from - DAY)
        movement = defaultdict(Decimal)
        for key, net in net_at(date_to).items():
            movement[key] += net
        for key, net in before.items():
            movement[key] -= net
        for account_id, fund_id, debit, credit in closing_lines(date_from, date_to):
            movement[(account_id, fund_id)] -= debit - credit
        net_ids = {pk: 0 if a.kind == Account.Kind.NET_UNRESTRICTED else 1 for pk, a in accounts.items()
                   if a.kind in (Account.Kind.NET_UNRESTRICTED, Account.Kind.NET_RESTRICTED)}
        releases, adjustments = net_asset_movements(date_from, date_to, net_ids)
    values = defaultdict(lambda: [ZERO, ZERO])
    projects = defaultdict(lambda: [ZERO, ZERO])
    for (account_id, fund_id), net in movement.items():
        account, fund = accounts[account_id], funds[fund_id]
        row = activity_row(account)
        if row is None or not net:
            continue
        column = 1 if fund.restricted else 0
        amount = -net if account.kind == Account.Kind.INCOME else net
        values[row][column] += amount
        if row == 12:
            projects[fund.project][column] += amount
    values[45] = releases
    values = _layout_values(ACTIVITY_LAYOUT, values, 2)
    # Net assets moved directly (an opening balance, a correction of an earlier year) are no
    # business activity; shown on their own line so 净资产变动额 still equals the movement of net assets.
    adjusted = any(adjustments)
    values[46] = [values[46][i] + adjustments[i] for i in range(2)]

    def line(row, label, section, column_values, total=False):
        u, r = column_values
        return {"row": row, "label": label, "section": section, "is_total": total,
                "unrestricted": u, "restricted": r, "total": u + r}

    lines = []
    for row, label, section, parts in ACTIVITY_LAYOUT:
        if row == 46 and adjusted:
            lines.append(line(None, _("直接计入净资产的调整"), section, adjustments))
        lines.append(line(row, label, section, values[row], parts is not None))
        if row == 12 and any(project is not None for project in projects):
            for project, amounts in sorted(projects.items(), key=lambda kv: (kv[0] is None, getattr(kv[0], "code", ""))):
                label_of = (_("其中：%(project)s") % {"project": f"{project.code} {project.title}"} if project
                            else _("其中：未限定于项目"))
                lines.append(line(None, label_of, section, amounts))

    def split(row):
        u, r = values[row]
        return {"unrestricted": u, "restricted": r, "total": u + r}

    return {**header(alliance, "会民非02表", _("业务活动表"), date_from=date_from, date_to=date_to),
            "lines": lines, "totals": {"income": split(11), "expense": split(40), "net_asset_change": split(46)}}


def cash_flow(alliance, date_from: datetime.date, date_to: datetime.date) -> dict:
    """现金流量表 (会民非03表): finance/cash_flow.py."""
    from finance import cash_flow as module

    return module.cash_flow(alliance, date_from, date_to)
