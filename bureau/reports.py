"""The annual report (年度报告) from live data, one function per section.

Each section reads the owning app's named selector (`<app>.selectors.annual_summary` and the
like) and returns `{"available": True, "note": "", ...}`; the snapshot is JSON-safe (`jsonable`).

Deadline: the report for year Y is due on 31 March of Y+1 (`annual_report_deadline`); after that
day an alliance without a submitted report for Y is overdue on the bureau's console.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.money import to_cents
from finance import selectors as finance_selectors
from finance import statements as finance_statements
from governance import selectors as governance_selectors
from ip_registry import selectors as ip_selectors
from membership import selectors as membership_selectors
from projects import selectors as project_selectors

DEADLINE_MONTH, DEADLINE_DAY = 3, 31


def annual_report_deadline(year: int) -> datetime.date:
    return datetime.date(year + 1, DEADLINE_MONTH, DEADLINE_DAY)


def jsonable(value):
    """Money, Decimal, dates and model instances -> JSON-safe values for the frozen snapshot."""
    if isinstance(value, dict):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "amount") and hasattr(value, "currency"):  # Money
        return f"{value.amount} {value.currency}"
    return str(value)


def _section(data: dict) -> dict:
    return {"available": True, "note": "", **jsonable(data)}


# ---------------------------------------------------------------- sections


def section_membership(alliance, year: int) -> dict:
    return _section(membership_selectors.annual_changes(alliance, year))


def section_meetings(alliance, year: int) -> dict:
    return _section(governance_selectors.annual_summary(alliance, year))


def section_projects(alliance, year: int) -> dict:
    """Projects started (entered 实施中) and accepted (验收通过) in the year, read from project history."""
    return _section(project_selectors.annual_summary(alliance, year))


def section_ip(alliance, year: int) -> dict:
    return _section(ip_selectors.annual_summary(alliance, year))


def _money_by(rows, key, fields) -> dict:
    out = {}
    for row in rows:
        item = out.setdefault(key(row), {name: Decimal(0) for name in fields})
        for name in fields:
            item[name] += Decimal(row[name])
    return out


def government_summary(alliance, as_of=None) -> dict:
    """finance.selectors.government_funds, JSON-safe: totals and one row per project."""
    data = finance_selectors.government_funds(alliance, as_of=as_of)
    projects = [
        {"project": str(project) if project is not None else _("（未指定项目）"),
         **{name: jsonable(value) for name, value in item.items()}}
        for project, item in data["projects"].items()
    ]
    return {"currency": data["currency"], "received": jsonable(data["received"]),
            "spent": jsonable(data["spent"]), "projects": projects}


def section_funds(alliance, year: int) -> dict:
    """The fund statement by source for the year (income and expense in the year, assets held at its
    end), with government money per project (received and spent in the year, held at its end)."""
    end, before = datetime.date(year, 12, 31), datetime.date(year - 1, 12, 31)
    result = {"available": True, "note": "", "by_source": [], "government": []}
    fields = ("income", "expense", "assets")
    labels = {}

    def key(row):
        labels[row["fund"].source] = str(row["fund"].get_source_display())
        return (row["fund"].source, row["currency"])

    closing = _money_by(finance_selectors.fund_balances(alliance, as_of=end), key, fields)
    opening = _money_by(finance_selectors.fund_balances(alliance, as_of=before), key, fields)
    for (source, currency), item in sorted(closing.items()):
        start = opening.get((source, currency), {name: Decimal(0) for name in fields})
        result["by_source"].append({
            "source": source, "source_label": labels[source], "currency": currency,
            "income": jsonable(item["income"] - start["income"]),
            "expense": jsonable(item["expense"] - start["expense"]),
            "assets": jsonable(item["assets"]),
        })
    closing = finance_selectors.government_funds(alliance, as_of=end)
    opening = finance_selectors.government_funds(alliance, as_of=before)
    for project, item in closing["projects"].items():
        start = opening["projects"].get(project, {"received": Decimal(0), "spent": Decimal(0)})
        result["government"].append({
            "project": str(project) if project is not None else _("（未指定项目）"),
            "received": jsonable(item["received"] - start["received"]),
            "spent": jsonable(item["spent"] - start["spent"]),
            "available": jsonable(item["available"]),
        })
    return result


def statement_jsonable(value):
    """A statement as frozen in the snapshot: every amount a two-decimal string, dates ISO."""
    if isinstance(value, dict):
        return {str(k): statement_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [statement_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(to_cents(value))
    return jsonable(value)


def statements_period(year: int, today=None) -> tuple[datetime.date, datetime.date] | None:
    """1 January to 31 December of the year, or to today while the year runs; None before it begins."""
    start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today or timezone.localdate())
    return (start, end) if end >= start else None


def section_statements(alliance, year: int) -> dict:
    """The year's three statutory statements (finance.statements): 资产负债表 at the end of the period,
    业务活动表 and 现金流量表 for it."""
    period = statements_period(year)
    if period is None:
        return {"available": False, "note": _("该年度尚未开始，无会计报表。")}
    start, end = period
    return {"available": True, "note": "", "date_from": start.isoformat(), "date_to": end.isoformat(),
            "balance_sheet": statement_jsonable(finance_statements.balance_sheet(alliance, end)),
            "activities": statement_jsonable(finance_statements.activities(alliance, start, end)),
            "cash_flow": statement_jsonable(finance_statements.cash_flow(alliance, start, end))}


SECTIONS = (
    ("membership", section_membership),
    ("meetings", section_meetings),
    ("projects", section_projects),
    ("ip", section_ip),
    ("funds", section_funds),
    ("statements", section_statements),
)


def annual_report(alliance, year: int) -> dict:
    return {"year": year, "deadline": annual_report_deadline(year).isoformat(),
            **{name: fn(alliance, year) for name, fn in SECTIONS}}
