"""The finance pages' charts (alliances.charts), each from one selector: fund balances over time
(home), contributions received against committed by unit (contributions)."""

from django.utils.translation import gettext as _

from alliances import charts
from finance import selectors


def fund_balances_chart(alliance, as_of) -> charts.Chart:
    history = selectors.fund_balance_history(alliance, as_of)
    labels = [point.strftime("%Y-%m") for point in history["points"][:-1]] + [as_of.strftime("%Y-%m-%d")]
    return charts.line_chart(
        chart_id="fund-balances", title=_("资金余额走势（元）"),
        desc=_("各资金每月末持有的资产（人民币），最后一点为截至日期；数据表列出相同数字。"),
        labels=labels, series=[(str(fund), values) for fund, values in history["funds"]], label_header=_("月末"))


def contributions_chart(alliance, as_of) -> charts.Chart:
    rows = selectors.contributions_by_unit(alliance, as_of)
    return charts.bar_chart(
        chart_id="contributions", title=_("成员出资：承诺与到账（元）"),
        desc=_("各成员单位截至该日累计承诺的出资与已到账的出资（人民币）；数据表列出相同数字。"),
        labels=[row["unit"].name for row in rows],
        series=[(_("承诺"), [row["committed"] for row in rows]), (_("已到账"), [row["paid"] for row in rows])],
        label_header=_("成员单位"))
