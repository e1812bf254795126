"""The annual report (年度报告) from live data, one function per section.

Each section returns `{"available": bool, "note": str, ...}`. A section whose app has nothing to
offer yet (its selectors or models have not landed) comes back empty with a note instead of
failing: the other sections are filled as the apps land, without touching the rest.

Deadline: the report for year Y is due on 31 March of Y+1 (`annual_report_deadline`); after that
day an alliance without a submitted report for Y is overdue on the bureau's console.
"""

import datetime
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext as _

from membership import selectors as membership_selectors
from membership.models import MemberUnit

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


def optional_selector(app: str, name: str):
    """`<app>.selectors.<name>` if that app has landed it, else None."""
    try:
        module = import_module(f"{app}.selectors")
    except ImportError:
        return None
    return getattr(module, name, None)


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _date_field(model, candidates) -> str | None:
    names = {f.name for f in model._meta.get_fields()}
    return next((c for c in candidates if c in names), None)


def _in_year(model, field: str, year: int) -> dict:
    internal = model._meta.get_field(field).get_internal_type()
    return {f"{field}__year": year} if internal in ("DateField", "DateTimeField") else {}


def _empty(note: str) -> dict:
    return {"available": False, "note": note, "items": []}


# ---------------------------------------------------------------- sections


def section_membership(alliance, year: int) -> dict:
    joined = MemberUnit.objects.filter(joined_on__year=year).order_by("joined_on", "name")
    left = MemberUnit.objects.filter(left_on__year=year).order_by("left_on", "name")
    year_end = datetime.date(year, 12, 31)
    gone = (MemberUnit.Status.WITHDRAWN, MemberUnit.Status.EXPELLED)
    current = (MemberUnit.Status.ACTIVE, MemberUnit.Status.WITHDRAWING)
    at_year_end = MemberUnit.objects.exclude(joined_on__gt=year_end).filter(
        Q(status__in=current) | Q(status__in=gone, left_on__gt=year_end)
    )
    counts = membership_selectors.count_by_kind(at_year_end)
    counts["by_kind"] = membership_selectors.kind_rows(counts)
    return {
        "available": True, "note": "",
        "joined": [{"name": u.name, "kind": str(u.get_kind_display()), "date": jsonable(u.joined_on)} for u in joined],
        "left": [{"name": u.name, "status": str(u.get_status_display()), "date": jsonable(u.left_on)} for u in left],
        "counts": counts,
    }


def section_meetings(alliance, year: int) -> dict:
    selector = optional_selector("governance", "annual_summary")
    if selector is not None:
        return {"available": True, "note": "", **jsonable(selector(alliance, year))}
    meeting, resolution = _model("governance", "Meeting"), _model("governance", "Resolution")
    result = {"available": False, "note": _("治理模块尚无会议和决议数据。"), "meetings": [], "resolutions": []}
    if meeting is not None and (field := _date_field(meeting, ("held_at", "starts_at", "held_on", "date", "scheduled_at"))):
        result["meetings"] = [{"title": str(m), "date": jsonable(getattr(m, field))}
                              for m in meeting.objects.filter(**_in_year(meeting, field, year)).order_by(field)]
        result["available"] = True
    if resolution is not None and (field := _date_field(resolution, ("issued_at", "passed_at", "adopted_at", "created_at", "date"))):
        result["resolutions"] = [{"number": str(getattr(r, "number", "")), "title": str(getattr(r, "title", r)),
                                  "date": jsonable(getattr(r, field))}
                                 for r in resolution.objects.filter(**_in_year(resolution, field, year)).order_by(field)]
        result["available"] = True
    if result["available"]:
        result["note"] = ""
    return result


def section_projects(alliance, year: int) -> dict:
    """Projects started (entered 实施中) and accepted (验收通过) in the year, read from project history."""
    project = _model("projects", "Project")
    if project is None or not hasattr(project, "history"):
        return _empty(_("项目模块尚无数据。"))
    started, accepted = {}, {}
    rows = project.history.filter(history_date__year=year, status__in=("in_progress", "accepted")).order_by("history_date")
    for row in rows:
        target = started if row.status == "in_progress" else accepted
        target.setdefault(row.id, row.history_date)
    projects = {p.pk: p for p in project.objects.filter(pk__in=set(started) | set(accepted)).select_related("lead_unit")}

    def describe(pk, when):
        p = projects.get(pk)
        return {"code": p.code, "title": p.title, "lead_unit": str(p.lead_unit), "date": jsonable(when.date())} if p else None

    return {
        "available": True, "note": "",
        "started": [d for pk, when in started.items() if (d := describe(pk, when))],
        "accepted": [d for pk, when in accepted.items() if (d := describe(pk, when))],
        "in_progress_at_year_end": project.objects.filter(status="in_progress").count(),
    }


def section_ip(alliance, year: int) -> dict:
    selector = optional_selector("ip_registry", "annual_summary")
    if selector is not None:
        return {"available": True, "note": "", **jsonable(selector(alliance, year))}
    asset, licence = _model("ip_registry", "IPAsset"), _model("ip_registry", "Licence")
    result = {"available": False, "note": _("知识产权模块尚无数据。"), "assets": [], "licences": []}
    if asset is not None and (field := _date_field(asset, ("registered_at", "created_at", "filing_date", "filed_on"))):
        result["assets"] = [{"title": str(a), "kind": str(a.get_kind_display()) if hasattr(a, "get_kind_display") else "",
                             "date": jsonable(getattr(a, field))}
                            for a in asset.objects.filter(**_in_year(asset, field, year)).order_by(field)]
        result["available"] = True
    if licence is not None and (field := _date_field(licence, ("granted_at", "created_at", "start_date", "starts_on"))):
        result["licences"] = [{"title": str(li), "date": jsonable(getattr(li, field))}
                              for li in licence.objects.filter(**_in_year(licence, field, year)).order_by(field)]
        result["available"] = True
    if result["available"]:
        result["note"] = ""
    return result


def _money_by(rows, key, fields) -> dict:
    out = {}
    for row in rows:
        item = out.setdefault(key(row), {name: Decimal(0) for name in fields})
        for name in fields:
            item[name] += Decimal(row[name])
    return out


def government_summary(alliance, as_of=None) -> dict | None:
    """finance.selectors.government_funds, JSON-safe: totals and one row per project (None if finance has not landed)."""
    selector = optional_selector("finance", "government_funds")
    if selector is None:
        return None
    data = selector(alliance, as_of=as_of)
    projects = [
        {"project": str(project) if project is not None else _("（未指定项目）"),
         **{name: jsonable(value) for name, value in item.items()}}
        for project, item in (data.get("projects") or {}).items()
    ]
    return {"currency": data.get("currency", "CNY"), "received": jsonable(data.get("received")),
            "spent": jsonable(data.get("spent")), "projects": projects}


def section_funds(alliance, year: int) -> dict:
    """The fund statement by source for the year (income and expense in the year, assets held at its
    end), with government money per project (received and spent in the year, held at its end)."""
    end, before = datetime.date(year, 12, 31), datetime.date(year - 1, 12, 31)
    balances = optional_selector("finance", "fund_balances")
    government = optional_selector("finance", "government_funds")
    if balances is None and government is None:
        return _empty(_("财务模块尚未提供资金数据。"))
    result = {"available": True, "note": "", "by_source": [], "government": []}
    if balances is not None:
        fields = ("income", "expense", "assets")

        def key(row):
            return (row["fund"].source, row["currency"])

        closing = _money_by(balances(alliance, as_of=end), key, fields)
        opening = _money_by(balances(alliance, as_of=before), key, fields)
        labels = dict(_source_choices())
        for (source, currency), item in sorted(closing.items()):
            start = opening.get((source, currency), {name: Decimal(0) for name in fields})
            result["by_source"].append({
                "source": source, "source_label": str(labels.get(source, source)), "currency": currency,
                "income": jsonable(item["income"] - start["income"]),
                "expense": jsonable(item["expense"] - start["expense"]),
                "assets": jsonable(item["assets"]),
            })
    if government is not None:
        closing, opening = government(alliance, as_of=end), government(alliance, as_of=before)
        for project, item in closing["projects"].items():
            start = opening["projects"].get(project, {"received": Decimal(0), "spent": Decimal(0)})
            result["government"].append({
                "project": str(project) if project is not None else _("（未指定项目）"),
                "received": jsonable(item["received"] - start["received"]),
                "spent": jsonable(item["spent"] - start["spent"]),
                "available": jsonable(item["available"]),
            })
    return result


def _source_choices():
    try:
        from finance.models import Source
    except ImportError:
        return []
    return Source.choices


SECTIONS = (
    ("membership", section_membership),
    ("meetings", section_meetings),
    ("projects", section_projects),
    ("ip", section_ip),
    ("funds", section_funds),
)


def annual_report(alliance, year: int) -> dict:
    return {"year": year, "deadline": annual_report_deadline(year).isoformat(),
            **{name: fn(alliance, year) for name, fn in SECTIONS}}
