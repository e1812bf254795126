"""The alliance's activity log: who changed what and when, with before and after, read from the
simple-history tables of every tenant model (issue #20, point 7).

The tenant core must not import the domain apps: the tracked models are discovered through
django.apps (tenant models with a history). Each history table is queried with the filters in SQL
and the alliance's id (history rows copy the tracked row's `alliance_id`); a page takes the newest
page*size (date, id) pairs of each table and merges them in Python, then loads only the rows shown.
"""

import datetime
import heapq
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import OuterRef, Q, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from djmoney.models.fields import MoneyField

from alliances.money import format_money
from alliances.raw_history import history_model
from alliances.tenancy import TenantModel

EXPORT_LIMIT = 5000
EMPTY = "—"


def tracked_models() -> dict[str, type]:
    """{`app_label.model_name`: model} of every tenant model with a history, by verbose name."""
    found = [m for m in apps.get_models()
             if issubclass(m, TenantModel) and hasattr(m._meta, "simple_history_manager_attribute")]
    return {m._meta.label_lower: m for m in sorted(found, key=lambda m: str(m._meta.verbose_name))}


def kind_choices() -> list[tuple[str, str]]:
    return [(label, str(model._meta.verbose_name)) for label, model in tracked_models().items()]


@dataclass
class Filters:
    person: int | None = None
    kind: str | None = None
    object: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Activity:
    key: str
    date: datetime.datetime
    user_id: int | None
    user: str
    kind: str
    kind_label: str
    object_id: int
    object: str
    action: str
    action_label: str
    changes: list[Change] = field(default_factory=list)


def _action_label(code: str) -> str:
    return {"+": _("创建"), "~": _("修改"), "-": _("删除")}.get(code, code)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _querysets(alliance, filters: Filters) -> dict[str, object]:
    models = tracked_models()
    if filters.kind:
        models = {filters.kind: models[filters.kind]} if filters.kind in models else {}
    out = {}
    for label, model in models.items():
        rows = history_model(model).objects.filter(alliance_id=alliance.pk)
        if filters.person:
            rows = rows.filter(history_user_id=filters.person)
        if filters.object and filters.kind:
            rows = rows.filter(id=filters.object)
        if filters.date_from:
            rows = rows.filter(history_date__gte=_day_start(filters.date_from))
        if filters.date_to:
            rows = rows.filter(history_date__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
        out[label] = rows
    return out


def activity_page(alliance, filters: Filters, page: int = 1, size: int = 50) -> tuple[list[Activity], int]:
    """One page of the log, newest first, and the number of rows the filters select."""
    with scope(alliance=alliance):
        querysets = _querysets(alliance, filters)
        counts = {label: rows.count() for label, rows in querysets.items()}
        total = sum(counts.values())
        need = page * size
        heads = []
        for label, rows in querysets.items():
            if counts[label] and (page - 1) * size < total:
                newest = rows.order_by("-history_date", "-history_id").values_list("history_date", "history_id")[:need]
                heads.extend((when, pk, label) for when, pk in newest)
        chosen = heapq.nlargest(need, heads)[(page - 1) * size:]
        by_label: dict[str, list[int]] = {}
        for _when, pk, label in chosen:
            by_label.setdefault(label, []).append(pk)
        loaded = {}
        for label, pks in by_label.items():
            loaded.update({a.key: a for a in _load(tracked_models()[label], label, alliance, pks)})
        return [loaded[f"{label}:{pk}"] for _when, pk, label in chosen], total


def _load(model, label: str, alliance, pks: list[int]) -> list[Activity]:
    """The history rows `pks` of `model` as activities, each diffed against the object's previous row."""
    history = history_model(model)
    previous = (history.objects.filter(alliance_id=alliance.pk, id=OuterRef("id"))
                .filter(Q(history_date__lt=OuterRef("history_date"))
                        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")))
                .order_by("-history_date", "-history_id").values("history_id")[:1])
    records = list(history.objects.filter(alliance_id=alliance.pk, history_id__in=pks)
                   .select_related("history_user").annotate(previous_id=Subquery(previous)))
    older = history.objects.filter(alliance_id=alliance.pk).in_bulk([r.previous_id for r in records if r.previous_id])
    diffs = {r.pk: r.diff_against(older[r.previous_id]).changes
             for r in records if r.history_type == "~" and r.previous_id in older}
    names = _related_names(model, [c for changes in diffs.values() for c in changes])
    current = model._default_manager.select_related().in_bulk({r.id for r in records})  # names read their relations
    out = []
    for record in records:
        obj = current.get(record.id) or record.instance
        out.append(Activity(
            key=f"{label}:{record.pk}", date=record.history_date, user_id=record.history_user_id,
            user=str(record.history_user) if record.history_user else _("系统"),
            kind=label, kind_label=str(model._meta.verbose_name), object_id=record.id, object=str(obj),
            action=record.history_type, action_label=_action_label(record.history_type),
            changes=[Change(str(_field(model, c.field).verbose_name), _display(model, c.field, c.old, names),
                            _display(model, c.field, c.new, names)) for c in diffs.get(record.pk, [])],
        ))
    return out


def _field(model, name):
    return model._meta.get_field(name)


def _related_names(model, changes) -> dict[tuple, str]:
    """{(related model, pk): its name} for the foreign keys among `changes`, one query per model
    (a tenant model's rows through its scoped manager: another alliance's never get a name)."""
    wanted: dict[type, set] = {}
    for change in changes:
        f = _field(model, change.field)
        if f.is_relation:
            wanted.setdefault(f.related_model, set()).update(v for v in (change.old, change.new) if v is not None)
    return {(related, pk): str(obj) for related, pks in wanted.items()
            for pk, obj in related._default_manager.in_bulk(pks).items()}


def _display(model, name: str, value, names) -> str:
    """A value as a reader reads it: an enum by its label, an amount formatted, a row by its name."""
    if value is None or value == "":
        return EMPTY
    f = _field(model, name)
    if f.is_relation:
        return names.get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, MoneyField) or hasattr(value, "currency"):
        return format_money(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def export(alliance, filters: Filters):
    """The rows the filters select as a spreadsheet (one line per changed field), newest first, at
    most EXPORT_LIMIT rows; a cut export says so on its last line."""
    from alliances.exports import Spreadsheet

    rows, total = activity_page(alliance, filters, 1, EXPORT_LIMIT)
    sheet = Spreadsheet(_("活动日志"))
    sheet.row([_("时间"), _("操作人"), _("对象类型"), _("对象"), _("操作"), _("字段"), _("修改前"), _("修改后")], bold=True)
    for a in rows:
        when = timezone.localtime(a.date).replace(tzinfo=None)
        for change in a.changes or [None]:
            sheet.row([when, a.user, a.kind_label, a.object, a.action_label,
                       *((change.field, change.before, change.after) if change else ("", "", ""))])
    if total > len(rows):
        sheet.row([_("仅导出最新 %(shown)d 条，共 %(total)d 条；请缩小筛选范围。") % {"shown": len(rows), "total": total}])
    sheet.widths([18, 14, 16, 30, 8, 16, 30, 30])
    return sheet


EXPORT_JOB = "alliances.activity_xlsx"


def count(alliance, filters: Filters) -> int:
    """How many rows the filters select (what decides between the request and the worker)."""
    with scope(alliance=alliance):
        return min(EXPORT_LIMIT, sum(rows.count() for rows in _querysets(alliance, filters).values()))


def export_job(job, progress) -> tuple[str, bytes]:
    """The worker's side of a large export (alliances/jobs.py): the page's filters, checked again."""
    from alliances.forms import ActivityFilterForm

    form = ActivityFilterForm(job.params, alliance=job.alliance)
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    progress(10, _("正在读取活动日志"))
    return f"activity-{job.alliance.slug}.xlsx", export(job.alliance, form.filters()).to_bytes()
