"""The motions page's chart (alliances.charts): closed motions by outcome per year."""

from django.utils.translation import gettext as _

from alliances import charts
from governance import selectors
from governance.models import Motion


def motion_outcomes_chart() -> charts.Chart:
    data = selectors.motion_outcomes_by_year()
    return charts.bar_chart(
        chart_id="motion-outcomes", title=_("各年度议案表决结果"),
        desc=_("每年结束表决的议案中通过与未通过的件数；数据表列出相同数字。"),
        labels=[str(year) for year in data["years"]],
        series=[(str(label), data["counts"][value]) for value, label in Motion.Result.choices],
        money=False, label_header=_("年度"))
