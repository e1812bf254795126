"""The chart-of-accounts template, after 民间非营利组织会计制度 (accounting system for non-profit organisations).

Installed per alliance on first use (idempotent). Codes are the ones other parts of the code
post to; the constants below name them.
"""

from django.utils.translation import gettext_lazy as _

CASH = "1001"
BANK = "1002"
RECEIVABLE = "1122"  # 其他应收款 (also clawbacks from departing participants)
FIXED_ASSETS = "1501"
SHORT_LOAN = "2101"
PAYABLE = "2202"
OTHER_PAYABLE = "2209"
LONG_LOAN = "2501"
NET_UNRESTRICTED = "3101"
NET_RESTRICTED = "3102"
INCOME_MEMBER = "4101"
INCOME_GOVERNMENT = "4201"
INCOME_OTHER = "4901"
INCOME_IP = "4902"
EXPENSE_PROJECT = "5101"
EXPENSE_OFFICE = "5201"
EXPENSE_FINANCING = "5301"
EXPENSE_REVENUE_SHARE = "5401"
EXPENSE_OTHER = "5901"

# (code, name, kind, source, category)
TEMPLATE = [
    (CASH, _("库存现金"), "asset", "", "cash"),
    (BANK, _("银行存款"), "asset", "", "cash"),
    (RECEIVABLE, _("其他应收款"), "asset", "", ""),
    (FIXED_ASSETS, _("固定资产"), "asset", "", ""),
    (SHORT_LOAN, _("短期借款"), "liability", "loan", ""),
    (PAYABLE, _("应付账款"), "liability", "", ""),
    (OTHER_PAYABLE, _("其他应付款"), "liability", "", ""),
    (LONG_LOAN, _("长期借款"), "liability", "loan", ""),
    (NET_UNRESTRICTED, _("非限定性净资产"), "net_unrestricted", "", ""),
    (NET_RESTRICTED, _("限定性净资产"), "net_restricted", "", ""),
    (INCOME_MEMBER, _("成员出资收入"), "income", "member_contribution", ""),
    (INCOME_GOVERNMENT, _("政府补助收入"), "income", "government", ""),
    (INCOME_OTHER, _("其他收入"), "income", "other", ""),
    (INCOME_IP, _("知识产权收益"), "income", "other", ""),
    (EXPENSE_PROJECT, _("项目研发支出"), "expense", "", "project"),
    (EXPENSE_OFFICE, _("日常办公费用"), "expense", "", "office"),
    (EXPENSE_FINANCING, _("筹资费用"), "expense", "", "office"),
    (EXPENSE_REVENUE_SHARE, _("收益分成支出"), "expense", "", "revenue_share"),
    (EXPENSE_OTHER, _("其他费用"), "expense", "", "other"),
]
CHART_VERSION = 1

INCOME_ACCOUNT_OF_SOURCE = {
    "member_contribution": INCOME_MEMBER,
    "government": INCOME_GOVERNMENT,
    "other": INCOME_OTHER,
    "unrestricted": INCOME_OTHER,
}
