"""The project page's chart (alliances.charts): budget against actual per budget line."""

from django.utils.translation import gettext as _

from alliances import charts


def budget_chart(budget: dict) -> charts.Chart:
    """From `selectors.budget_vs_actual(project)` (already read for the page's table)."""
    rows = budget["rows"]
    return charts.bar_chart(
        chart_id="budget-vs-actual", title=_("预算与实际支出（元）"),
        desc=_("项目各预算科目（按资金来源）的预算与已过账的实际支出；数据表列出相同数字。"),
        labels=[_("%(category)s（%(source)s）") % {"category": row["category_label"], "source": row["source_label"]}
                for row in rows],
        series=[(_("预算"), [row["budget"] for row in rows]), (_("实际支出"), [row["actual"] for row in rows])],
        label_header=_("预算科目"))
