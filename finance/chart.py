"""The chart of accounts of 民间非营利组织会计制度 (accounting system for non-profit organisations).

First-level accounts are exactly the standard's codes and names. What an alliance needs beyond them
are sub-accounts (明细科目, `<code>.<nn>`) under the standard account they belong to (docs/finance.md
says why each sits where it does); an account with sub-accounts takes no postings itself.

Installed per alliance on first use (idempotent; a newer CHART_VERSION adds what is missing). The
constants name the accounts other code posts to.
"""

from django.utils.translation import gettext_lazy as _

CASH = "1001"
BANK = "1002"
OTHER_MONETARY = "1009"
RECEIVABLE = "1122"  # 其他应收款 (also clawbacks from departing participants)
FIXED_ASSETS = "1501"
ACCUMULATED_DEPRECIATION = "1502"
INTANGIBLE_ASSETS = "1601"
SHORT_LOAN = "2101"
PAYABLE = "2202"
OTHER_PAYABLE = "2209"
LONG_LOAN = "2501"
NET_UNRESTRICTED = "3101"
NET_RESTRICTED = "3102"
INCOME_DONATION = "4101"
INCOME_DUES = "4201"
INCOME_MEMBER = "4201.01"  # 会费收入—成员出资
INCOME_SERVICE = "4301"
INCOME_GOVERNMENT = "4401"
INCOME_SALES = "4501"
INCOME_INVESTMENT = "4601"
INCOME_OTHER_PARENT = "4901"
INCOME_IP = "4901.01"  # 其他收入—知识产权收益
INCOME_OTHER = "4901.02"  # 其他收入—其他
EXPENSE_ACTIVITIES = "5101"
EXPENSE_PROJECT = "5101.01"  # 业务活动成本—项目研发支出
EXPENSE_REVENUE_SHARE = "5101.02"  # 业务活动成本—知识产权收益分成
EXPENSE_OFFICE = "5201"  # 管理费用
EXPENSE_FINANCING = "5301"
EXPENSE_OTHER = "5401"

CASH_CODES = (CASH, BANK, OTHER_MONETARY)  # 货币资金 (the cash flow statement's cash)


def parent_code(code: str) -> str | None:
    """The standard account a sub-account sits under ("4201.01" -> "4201"); None for a first-level one."""
    head, dot, _rest = code.partition(".")
    return head if dot else None


# (code, name, kind, source, category, contra): `contra` marks a contra asset (备抵科目), whose
# normal balance is a credit.
TEMPLATE = [
    (CASH, _("现金"), "asset", "", "cash", False),
    (BANK, _("银行存款"), "asset", "", "cash", False),
    (OTHER_MONETARY, _("其他货币资金"), "asset", "", "cash", False),
    ("1101", _("短期投资"), "asset", "", "", False),
    ("1102", _("短期投资跌价准备"), "asset", "", "", True),
    ("1111", _("应收票据"), "asset", "", "", False),
    ("1121", _("应收账款"), "asset", "", "", False),
    (RECEIVABLE, _("其他应收款"), "asset", "", "", False),
    ("1131", _("坏账准备"), "asset", "", "", True),
    ("1141", _("预付账款"), "asset", "", "", False),
    ("1201", _("存货"), "asset", "", "", False),
    ("1202", _("存货跌价准备"), "asset", "", "", True),
    ("1301", _("待摊费用"), "asset", "", "", False),
    ("1401", _("长期股权投资"), "asset", "", "", False),
    ("1402", _("长期债权投资"), "asset", "", "", False),
    ("1421", _("长期投资减值准备"), "asset", "", "", True),
    (FIXED_ASSETS, _("固定资产"), "asset", "", "", False),
    (ACCUMULATED_DEPRECIATION, _("累计折旧"), "asset", "", "", True),
    ("1505", _("在建工程"), "asset", "", "", False),
    ("1506", _("文物文化资产"), "asset", "", "", False),
    ("1509", _("固定资产清理"), "asset", "", "", False),
    (INTANGIBLE_ASSETS, _("无形资产"), "asset", "", "", False),
    ("1701", _("受托代理资产"), "asset", "", "", False),
    (SHORT_LOAN, _("短期借款"), "liability", "loan", "", False),
    ("2201", _("应付票据"), "liability", "", "", False),
    (PAYABLE, _("应付账款"), "liability", "", "", False),
    ("2203", _("预收账款"), "liability", "", "", False),
    ("2204", _("应付工资"), "liability", "", "", False),
    ("2206", _("应交税金"), "liability", "", "", False),
    (OTHER_PAYABLE, _("其他应付款"), "liability", "", "", False),
    ("2301", _("预提费用"), "liability", "", "", False),
    ("2401", _("预计负债"), "liability", "", "", False),
    (LONG_LOAN, _("长期借款"), "liability", "loan", "", False),
    ("2502", _("长期应付款"), "liability", "", "", False),
    ("2601", _("受托代理负债"), "liability", "", "", False),
    (NET_UNRESTRICTED, _("非限定性净资产"), "net_unrestricted", "", "", False),
    (NET_RESTRICTED, _("限定性净资产"), "net_restricted", "", "", False),
    (INCOME_DONATION, _("捐赠收入"), "income", "", "", False),
    (INCOME_DUES, _("会费收入"), "income", "", "", False),
    (INCOME_MEMBER, _("成员出资"), "income", "member_contribution", "", False),
    (INCOME_SERVICE, _("提供服务收入"), "income", "", "", False),
    (INCOME_GOVERNMENT, _("政府补助收入"), "income", "government", "", False),
    (INCOME_SALES, _("商品销售收入"), "income", "", "", False),
    (INCOME_INVESTMENT, _("投资收益"), "income", "", "", False),
    (INCOME_OTHER_PARENT, _("其他收入"), "income", "", "", False),
    (INCOME_IP, _("知识产权收益"), "income", "other", "", False),
    (INCOME_OTHER, _("其他"), "income", "other", "", False),
    (EXPENSE_ACTIVITIES, _("业务活动成本"), "expense", "", "", False),
    (EXPENSE_PROJECT, _("项目研发支出"), "expense", "", "project", False),
    (EXPENSE_REVENUE_SHARE, _("知识产权收益分成"), "expense", "", "revenue_share", False),
    (EXPENSE_OFFICE, _("管理费用"), "expense", "", "office", False),
    (EXPENSE_FINANCING, _("筹资费用"), "expense", "", "office", False),
    (EXPENSE_OTHER, _("其他费用"), "expense", "", "other", False),
]
CHART_VERSION = 2

INCOME_ACCOUNT_OF_SOURCE = {
    "member_contribution": INCOME_MEMBER,
    "government": INCOME_GOVERNMENT,
    "other": INCOME_OTHER,
    "unrestricted": INCOME_OTHER,
}
