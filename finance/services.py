"""Finance services: the only writers of the ledger.

Rules enforced here (DESIGN §3 Finance, 第八条(五), 附件2 §5):
- every entry balances per currency, and each restricted fund's own lines balance per currency
  (money leaves a restriction only through an explicit release entry on 限定性净资产);
- a restricted fund pays only its own project's R&D, and never below zero;
- the recorder never approves; only approved entries post; posted entries never change;
- posting takes the alliance's ledger row lock, numbers the entry without gaps and chains its hash;
- nothing posts into a closed month.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope
from djmoney.money import Money

from alliances import access, checkpoints, dates, raw_history, uploads
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role
from alliances.money import format_money
from alliances.tenancy import tenant_service
from finance import chart
from finance.models import (
    Account, Attachment, Commitment, Fund, JournalEntry, JournalLine, Ledger, LedgerBalance, MemberBalance, Period,
    ReleaseCondition, RestrictionRelease, Source,
)

CENT = Decimal("0.01")
ZERO = Decimal(0)
APPROVER_ROLES = (Role.STAFF, Role.SECRETARY_GENERAL)
RECORDER_ROLES = (Role.STAFF, Role.SECRETARY_GENERAL)


# ---------------------------------------------------------------- chart, ledger, funds


def chart_install(alliance) -> Ledger:
    """Create the alliance's ledger head and chart of accounts from the template (idempotent)."""
    with scope(alliance=alliance):
        # Fast path, run on every posting: one read, no savepoint (see docs/bench.md).
        ledger = Ledger.objects.filter(alliance=alliance).first()
        if ledger is not None and ledger.chart_version >= chart.CHART_VERSION:
            return ledger
    with scope(alliance=alliance), transaction.atomic():
        ledger = Ledger.objects.filter(alliance=alliance).first()
        if ledger is not None and ledger.chart_version >= chart.CHART_VERSION:
            return ledger
        if ledger is None:
            try:
                with transaction.atomic():
                    ledger = Ledger.objects.create(alliance=alliance)
            except IntegrityError:
                ledger = Ledger.objects.get(alliance=alliance)
        existing = set(Account.objects.values_list("code", flat=True))
        chain_codes = set(Account.objects.values_list("chain_code", flat=True))
        for code, name, kind, source, category, contra in chart.TEMPLATE:
            if code in existing:
                continue
            # A renumbered account may still hash as this code (the old 4101 now 4201.01): take the next free one.
            chain_code, n = code, 1
            while chain_code in chain_codes:
                n += 1
                chain_code = f"{code}@{n}"
            chain_codes.add(chain_code)
            Account.objects.create(alliance=alliance, code=code, chain_code=chain_code, name=str(name), kind=kind,
                                   source=source, category=category, contra=contra)
        Ledger.objects.filter(pk=ledger.pk).update(chart_version=chart.CHART_VERSION)
        ledger.chart_version = chart.CHART_VERSION
        return ledger


def fund_for(*, alliance, source, project=None) -> Fund:
    """The fund of `source`, restricted to `project` when one is given (get or create)."""
    if source not in Source.values:
        raise ValidationFailed(fields={"source": [_("未知的资金来源。")]})
    if project is not None and source == Source.UNRESTRICTED:
        raise ValidationFailed(fields={"source": [_("项目资金必须注明来源，不能是非限定性资金。")]})
    if project is not None and project.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"project": [_("项目不属于本联盟。")]})
    chart_install(alliance)
    with scope(alliance=alliance), transaction.atomic():
        fund = Fund.objects.filter(source=source, project=project).first()
        if fund is None:
            try:
                with transaction.atomic():
                    fund = Fund.objects.create(alliance=alliance, source=source, project=project, restricted=project is not None)
            except IntegrityError:  # created concurrently
                fund = Fund.objects.get(source=source, project=project)
        return fund


# ---------------------------------------------------------------- validation helpers


def _money(value, field: str, errors: dict) -> Money | None:
    """Money|Decimal|str|None -> Money (CNY for bare numbers), or an error under `field`."""
    if value is None or value == "":
        return None
    if isinstance(value, Money):
        amount, currency = value.amount, str(value.currency)
    else:
        amount, currency = value, "CNY"
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field, []).append(_("金额格式无效。"))
        return None
    if not amount.is_finite():
        errors.setdefault(field, []).append(_("金额格式无效。"))
        return None
    if currency not in settings.CURRENCIES:
        errors.setdefault(field, []).append(_("不支持的币种：%(c)s。") % {"c": currency})
        return None
    if amount < 0:
        errors.setdefault(field, []).append(_("金额不能为负数。"))
        return None
    if amount != amount.quantize(CENT):
        errors.setdefault(field, []).append(_("金额最多保留两位小数。"))
        return None
    if abs(amount) >= Decimal("1e16"):
        errors.setdefault(field, []).append(_("金额过大。"))
        return None
    return Money(amount, currency)


def _closed_months() -> set:
    """(year, month) of every closed period of the alliance in scope (one small query)."""
    return set(Period.objects.filter(status=Period.Status.CLOSED).values_list("year", "month"))


# Accounts whose credit-minus-debit makes a restricted fund's net assets (限定性净资产): 3102 itself,
# and the income and expenses not yet closed into it.
NET_KINDS = (Account.Kind.INCOME, Account.Kind.EXPENSE, Account.Kind.NET_RESTRICTED)


def _restricted_balances(fund_ids) -> dict:
    """(fund_id, currency, measure) -> posted balance from the balance table, for the measures
    "assets" (debit - credit on asset accounts) and "net" (credit - debit on NET_KINDS)."""
    rows = (
        LedgerBalance.objects.filter(fund_id__in=list(fund_ids), account__kind__in=(Account.Kind.ASSET, *NET_KINDS))
        .values("fund_id", "currency", "account__kind").annotate(d=Sum("debit"), c=Sum("credit")).order_by()
    )
    out = defaultdict(Decimal)
    for row in rows:
        held = (row["d"] or Decimal(0)) - (row["c"] or Decimal(0))
        if row["account__kind"] == Account.Kind.ASSET:
            out[(row["fund_id"], row["currency"], "assets")] += held
        else:
            out[(row["fund_id"], row["currency"], "net")] -= held
    return out


def _restricted_effects(prepared) -> tuple[dict, dict]:
    """Per (fund_id, currency, measure): the change of a restricted fund's assets by one entry and,
    when the entry moves its 限定性净资产 (a release, a closing), of its net assets; and where
    (line index, fund) each first appears."""
    effect = defaultdict(Decimal)
    where = {}
    moves_net = {line["fund"].pk for line in prepared
                 if line["fund"].restricted and line["account"].kind == Account.Kind.NET_RESTRICTED}
    for index, line in enumerate(prepared):
        fund, kind = line["fund"], line["account"].kind
        if not fund.restricted:
            continue
        if kind == Account.Kind.ASSET:
            key = (fund.pk, line["currency"], "assets")
            effect[key] += line["debit"] - line["credit"]
            where.setdefault(key, (index, fund))
        if fund.pk in moves_net and kind in NET_KINDS:
            key = (fund.pk, line["currency"], "net")
            effect[key] += line["credit"] - line["debit"]
            where.setdefault(key, (index, fund))
    return effect, where


def _check_restricted_running(prepared_entries) -> dict:
    """No restricted fund may go below zero at any point of the batch, in batch order (the posted
    balance first, then each entry's effect as if the ones before it had posted): neither its
    assets (spending) nor its restricted net assets (releases). Runs when entries are recorded and
    again when they post. Returns {entry index: {"lines.<i>.fund": [message]}}."""
    effects = [_restricted_effects(prepared) for prepared in prepared_entries]
    keys = {key for effect, _where in effects for key in effect}
    if not keys:
        return {}
    running = _restricted_balances({fund_id for fund_id, _c, _m in keys})
    failures: dict = {}
    for index, (effect, where) in enumerate(effects):
        for key, change in effect.items():
            before = running.get(key, Decimal(0))
            running[key] = before + change
            if change < 0 and before + change < 0:
                line_index, fund = where[key]
                if key[2] == "assets":
                    message = _("限定性资金“%(fund)s”余额不足：可用 %(available)s %(currency)s，本次支出 %(spend)s %(currency)s。")
                else:
                    message = _("限定性资金“%(fund)s”的限定性净资产不足：现有 %(available)s %(currency)s，本次转出 %(spend)s %(currency)s；限定性净资产不能为负数。")
                failures.setdefault(index, {}).setdefault(f"lines.{line_index}.fund", []).append(
                    message % {"fund": fund, "available": before, "currency": key[1], "spend": -change}
                )
    return failures


def _prepare_lines(alliance, date, lines, accounts=None, check_restricted=True, release=False) -> list[dict]:
    """Validate the proposed lines and return them normalised; raise ValidationFailed with every reason.
    A batch passes the active accounts it read once and checks restricted funds on the aggregate.
    Only `restriction_release` (and a reversal) may debit 限定性净资产: `release` says it is one."""
    from membership.models import MemberUnit
    from projects.models import Project

    errors: dict[str, list] = {}
    if not isinstance(lines, (list, tuple)) or len(lines) < 2:
        raise ValidationFailed(fields={"lines": [_("一张凭证至少需要两行分录。")]})
    if accounts is None:
        accounts = {a.code: a for a in Account.objects.filter(is_active=True)}
    parents = {chart.parent_code(code) for code in accounts} - {None}
    prepared = []
    for index, raw in enumerate(lines):
        prefix = f"lines.{index}"
        if not isinstance(raw, dict):
            errors.setdefault(prefix, []).append(_("分录格式无效。"))
            continue
        code = raw.get("account")
        if isinstance(code, Account):
            code = code.code
        account = accounts.get(str(code or ""))
        if account is None:
            errors.setdefault(f"{prefix}.account", []).append(_("未知科目：%(code)s。") % {"code": str(code)[:40]})
        elif account.code in parents:
            children = sorted(c for c in accounts if chart.parent_code(c) == account.code)
            errors.setdefault(f"{prefix}.account", []).append(
                _("科目“%(account)s”设有明细科目，不能直接记账，请记入其明细科目：%(children)s。") % {
                    "account": account, "children": "、".join(str(accounts[c]) for c in children)})
            account = None
        fund = raw.get("fund")
        if not isinstance(fund, Fund) or fund.alliance_id != alliance.pk:
            errors.setdefault(f"{prefix}.fund", []).append(_("请选择本联盟的资金。"))
            fund = None
        debit = _money(raw.get("debit"), f"{prefix}.debit", errors)
        credit = _money(raw.get("credit"), f"{prefix}.credit", errors)
        if debit is not None and debit.amount == 0:
            debit = None
        if credit is not None and credit.amount == 0:
            credit = None
        if (debit is None) == (credit is None) and f"{prefix}.debit" not in errors and f"{prefix}.credit" not in errors:
            errors.setdefault(f"{prefix}.debit", []).append(_("每行须且只能填写借方或贷方中的一个正数金额。"))
        unit = raw.get("member_unit")
        if unit is not None and (not isinstance(unit, MemberUnit) or unit.alliance_id != alliance.pk):
            errors.setdefault(f"{prefix}.member_unit", []).append(_("成员单位不属于本联盟。"))
        project = raw.get("project")
        if project is not None and (not isinstance(project, Project) or project.alliance_id != alliance.pk):
            errors.setdefault(f"{prefix}.project", []).append(_("项目不属于本联盟。"))
            project = None
        commitment = raw.get("commitment")
        if commitment is not None and (not isinstance(commitment, Commitment) or commitment.alliance_id != alliance.pk):
            errors.setdefault(f"{prefix}.commitment", []).append(_("出资承诺不属于本联盟。"))
        elif commitment is not None and unit is None:
            unit = commitment.member_unit  # a receipt against a commitment is the committing unit's
        elif commitment is not None and isinstance(unit, MemberUnit) and unit.pk != commitment.member_unit_id:
            errors.setdefault(f"{prefix}.member_unit", []).append(_("成员单位与出资承诺的单位不一致。"))
        if account is None or fund is None or (debit is None and credit is None):
            continue
        money = debit or credit
        if fund.restricted:
            if project is not None and project.pk != fund.project_id:
                errors.setdefault(f"{prefix}.fund", []).append(
                    _("限定性资金“%(fund)s”只能用于其项目，不能用于其他项目。") % {"fund": fund}
                )
            if account.kind == Account.Kind.EXPENSE and account.category != Account.Category.PROJECT:
                errors.setdefault(f"{prefix}.fund", []).append(
                    _("限定性资金“%(fund)s”专款专用，只能用于项目研发支出。") % {"fund": fund}
                )
            if account.kind == Account.Kind.NET_UNRESTRICTED:
                errors.setdefault(f"{prefix}.fund", []).append(_("限定性资金不能记入非限定性净资产。"))
            if account.kind == Account.Kind.NET_RESTRICTED and debit is not None and not release:
                errors.setdefault(f"{prefix}.account", []).append(
                    _("限定性净资产只能在限制解除条件满足时，通过“解除限制”转为非限定性净资产。"))
            if project is None and account.kind == Account.Kind.EXPENSE:
                project = fund.project
        elif account.kind == Account.Kind.NET_RESTRICTED:
            errors.setdefault(f"{prefix}.fund", []).append(_("限定性净资产只能记入限定性资金。"))
        prepared.append({
            "account": account, "fund": fund, "currency": str(money.currency),
            "debit": debit.amount if debit else Decimal(0), "credit": credit.amount if credit else Decimal(0),
            "member_unit": unit, "project": project, "commitment": commitment,
            "category": str(raw.get("category") or "")[:60], "memo": str(raw.get("memo") or "")[:300],
        })
    if errors:
        raise ValidationFailed(fields=errors)

    per_currency = defaultdict(lambda: [Decimal(0), Decimal(0)])
    per_fund = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in prepared:
        per_currency[line["currency"]][0] += line["debit"]
        per_currency[line["currency"]][1] += line["credit"]
        if line["fund"].restricted:
            per_fund[(line["fund"], line["currency"])][0] += line["debit"]
            per_fund[(line["fund"], line["currency"])][1] += line["credit"]
    for currency, (debit, credit) in sorted(per_currency.items()):
        if debit != credit:
            errors.setdefault("lines", []).append(
                _("借贷不平衡（%(currency)s）：借方 %(debit)s，贷方 %(credit)s。")
                % {"currency": currency, "debit": debit, "credit": credit}
            )
    for (fund, currency), (debit, credit) in per_fund.items():
        if debit != credit:
            errors.setdefault("lines", []).append(
                _("限定性资金“%(fund)s”的分录必须自身平衡（%(currency)s）：资金只能通过解除限制的分录转出。")
                % {"fund": fund, "currency": currency}
            )
    if not errors and check_restricted:
        for field, messages in _check_restricted_running([prepared]).get(0, {}).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(fields=errors)
    return prepared


def _date_errors(alliance, date, closed: set) -> dict:
    """An entry's date: a real date within the alliance's range (first accounting period to the
    configured horizon, alliances/dates.py), in a month that is not closed."""
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        return {"date": [_("日期无效。")]}
    errors = dates.date_errors(date, dates.alliance_range(alliance), field="date")
    if errors:
        return errors
    if (date.year, date.month) in closed:
        return {"date": [_("%(y)s年%(m)s月已结账，不能记入该期间。") % {"y": date.year, "m": date.month}]}
    return {}


def _require_recorder(actor, alliance) -> None:
    if not access.has_role(actor, alliance, *RECORDER_ROLES):
        raise Forbidden(_("只有秘书处人员可以制单。"))


MAX_BATCH = 5000  # entries per batch (one transaction, one ledger lock)


def _in_batch(exc, index: int, single: bool):
    """The error of entry `index` of a batch: its fields under `entries.<index>.` and its message
    naming the entry (a single entry keeps the plain error)."""
    if single:
        return exc
    fields = {f"entries.{index}.{key}": value for key, value in exc.fields.items()}
    message = _("第%(n)s张凭证：%(message)s") % {"n": index + 1, "message": exc.message}
    out = type(exc)(message, fields=fields or {f"entries.{index}": [exc.message]})
    out.code = exc.code
    return out


def _batch_size_check(items) -> None:
    if not isinstance(items, (list, tuple)) or not items:
        raise ValidationFailed(fields={"entries": [_("请至少提供一张凭证。")]})
    if len(items) > MAX_BATCH:
        raise ValidationFailed(fields={"entries": [_("一批最多%(n)s张凭证。") % {"n": MAX_BATCH}]})


# ---------------------------------------------------------------- journal


def _insert_rows(model, columns: list[str], rows: list[tuple], returning: str | None = None) -> list:
    """INSERT many rows of `model` (values as Python values in `columns` order); returns the
    `returning` column in row order. PostgreSQL: COPY when nothing is returned, else one statement
    per 5,000 rows with one array parameter per column (`unnest`), so neither Django's bulk_create
    (which compiles every value through the model layer) nor psycopg's placeholder parser (slow for
    thousands of `%s`) costs per value. Elsewhere: Django's adaptation and one multi-row INSERT per
    200 rows."""
    out = []
    if not rows:
        return out
    table = model._meta.db_table
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = [by_column[c] for c in columns]
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    tail = f" RETURNING {connection.ops.quote_name(returning)}" if returning else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not returning:
            # COPY: psycopg formats each row in C, the server skips the executor's per-row work.
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection) or f.rel_db_type(connection)}[]" for f in fields)
            for start in range(0, len(rows), 5000):
                chunk = rows[start:start + 5000]
                cursor.execute(f"INSERT INTO {table} ({cols}) SELECT * FROM unnest({arrays}){tail}",
                               [list(column) for column in zip(*chunk)])
                if returning:
                    out.extend(row[0] for row in cursor.fetchall())
        else:
            row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for start in range(0, len(rows), 200):
                chunk = rows[start:start + 200]
                cursor.execute(f"INSERT INTO {table} ({cols}) VALUES {', '.join([row_sql] * len(chunk))}{tail}",
                               [f.get_db_prep_save(v, connection) for row in chunk for f, v in zip(fields, row)])
                if returning:
                    out.extend(row[0] for row in cursor.fetchall())
    return out


def _history_rows(entries, history_type: str, user, when) -> None:
    """One simple-history row per entry (what bulk_history_create writes), inserted in bulk."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    model = raw_history.history_model(JournalEntry)
    fields = raw_history.insert_fields(JournalEntry)
    extra = {"history_date": when, "history_change_reason": "", "history_type": history_type,
             "history_user_id": getattr(user, "pk", None)}
    attnames = [f.attname for f in fields]
    rows = [tuple(extra[a] if a in extra else getattr(e, a) for a in attnames) for e in entries]
    _insert_rows(model, [f.column for f in fields], rows)


def _record_many(*, actor, alliance, specs, truncate=False, single=False) -> list[JournalEntry]:
    """Validate and record `specs` (dicts: date, description, lines, optional reverses) in order:
    all or nothing. Bulk inserts of the entries (with their history rows) and of the lines."""
    chart_install(alliance)
    accounts = {a.code: a for a in Account.objects.filter(is_active=True)}
    closed = _closed_months()
    prepared_entries, cleaned = [], []
    reversed_here = set()
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise _in_batch(ValidationFailed(fields={"entry": [_("凭证格式无效。")]}), index, single)
        description = str(spec.get("description") or "").strip()
        if truncate:  # descriptions composed by other apps' workflows are cut, not refused
            description = description[:300]
        if not description:
            raise _in_batch(ValidationFailed(fields={"description": [_("请填写摘要。")]}), index, single)
        if len(description) > 300:
            raise _in_batch(ValidationFailed(fields={"description": [_("摘要不能超过300个字符。")]}), index, single)
        date = spec.get("date")
        errors = _date_errors(alliance, date, closed)
        if errors:
            raise _in_batch(ValidationFailed(fields=errors), index, single)
        reverses = spec.get("reverses")
        if reverses is not None:
            if not isinstance(reverses, JournalEntry) or reverses.alliance_id != alliance.pk:
                raise _in_batch(ValidationFailed(fields={"reverses": [_("凭证不属于本联盟。")]}), index, single)
            if reverses.status != JournalEntry.Status.POSTED:
                raise _in_batch(ValidationFailed(fields={"reverses": [_("只能冲销已过账的凭证。")]}), index, single)
            if reverses.pk in reversed_here or JournalEntry.objects.filter(reverses=reverses).exclude(
                status=JournalEntry.Status.REJECTED
            ).exists():
                raise _in_batch(Conflict(_("该凭证已有冲销凭证。")), index, single)
            reversed_here.add(reverses.pk)
        try:
            prepared = _prepare_lines(alliance, date, spec.get("lines"), accounts=accounts, check_restricted=False,
                                      release=spec.get("release") is _RELEASE or reverses is not None
                                      or spec.get("closing") is _CLOSING)
        except ValidationFailed as exc:
            raise _in_batch(exc, index, single) from None
        prepared_entries.append(prepared)
        cleaned.append((date, description, reverses, spec.get("closing") is _CLOSING))
    failures = _check_restricted_running(prepared_entries)
    if failures:
        index = min(failures)
        raise _in_batch(ValidationFailed(fields=failures[index]), index, single)

    now = timezone.now()
    entries = [
        JournalEntry(alliance=alliance, date=date, description=description, recorded_by=actor, reverses=reverses,
                     recorded_at=now, kind=JournalEntry.Kind.CLOSING if closing else JournalEntry.Kind.REGULAR)
        for date, description, reverses, closing in cleaned
    ]
    fields = [f for f in JournalEntry._meta.concrete_fields if not f.primary_key]
    ids = _insert_rows(JournalEntry, [f.column for f in fields],
                       [tuple(getattr(e, f.attname) for f in fields) for e in entries], returning="id")
    for entry, pk in zip(entries, ids):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias
    _history_rows(entries, "+", actor, now)
    line_columns = ["alliance_id", "entry_id", "position", "account_id", "fund_id", "debit_currency", "debit",
                    "credit_currency", "credit", "member_unit_id", "project_id", "category", "commitment_id", "memo",
                    "date", "posted"]
    _insert_rows(JournalLine, line_columns, [
        (
            alliance.pk, entry.pk, position, line["account"].pk, line["fund"].pk, line["currency"], line["debit"],
            line["currency"], line["credit"], getattr(line["member_unit"], "pk", None), getattr(line["project"], "pk", None),
            line["category"], getattr(line["commitment"], "pk", None), line["memo"], entry.date, False,
        )
        for entry, prepared in zip(entries, prepared_entries)
        for position, line in enumerate(prepared)
    ])
    return entries


_RELEASE = object()  # marks the spec of a conditioned release (never from callers' dicts)
_CLOSING = object()  # marks the spec of a closing entry (结转凭证), made by the period services only


def _record(*, actor, alliance, date, description, lines, reverses=None, truncate=False, release=False,
            closing=False) -> JournalEntry:
    spec = {"date": date, "description": description, "lines": lines, "reverses": reverses,
            "release": _RELEASE if release else None, "closing": _CLOSING if closing else None}
    return _record_many(actor=actor, alliance=alliance, specs=[spec], truncate=truncate, single=True)[0]


@tenant_service
def entry_record(*, actor, alliance, date, description, lines, reverses=None) -> JournalEntry:
    """Record an entry (not posted). `lines`: dicts with account code, fund, debit or credit (Money),
    optional member_unit, project, category, commitment, memo."""
    _require_recorder(actor, alliance)
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines, reverses=reverses)


@tenant_service
def entries_record_batch(*, actor, alliance, entries) -> list[JournalEntry]:
    """Record many entries at once (a voucher import, 批量录入): each item a dict as `entry_record`
    takes (date, description, lines). One transaction: one bad entry refuses the whole batch, its
    index in the error (fields under `entries.<i>.`). Restricted funds are checked on the batch's
    running total in its order. The entries wait for approval by someone else."""
    _require_recorder(actor, alliance)
    _batch_size_check(entries)
    return _record_many(actor=actor, alliance=alliance, specs=list(entries))


def entry_content(entry, lines) -> dict:
    """The canonical content an entry's hash covers (see docs/finance.md), from model instances;
    defined once, by `entry_content_of_rows`."""
    return entry_content_of_rows(
        (entry.alliance_id, entry.sequence, entry.date, entry.description, entry.recorded_by_id,
         entry.approved_by_id, entry.reverses_id),
        [(line.position, line.account.chain_code, line.fund_id, line.fund.source, line.fund.project_id,
          str(line.debit.currency), line.debit.amount, line.credit.amount, line.member_unit_id, line.project_id,
          line.commitment_id, line.category, line.memo) for line in lines],
        [(a.name, a.sha256) for a in entry.attachments.all()],
        kind=entry.kind,
    )


def content_hash(content: dict, previous_hash: str) -> str:
    """sha256(previous hash + "\n" + canonical JSON of `entry_content`)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous_hash + "\n" + canonical).encode("utf-8")).hexdigest()


def entry_hash(entry, lines, previous_hash: str) -> str:
    return content_hash(entry_content(entry, lines), previous_hash)


def entry_content_of_rows(entry_row: tuple, line_rows: list, attachments: list, kind: str = "regular") -> dict:
    """The canonical content an entry's hash covers, from plain rows (what verification at scale
    reads; `entry_content` adapts model instances to it). `entry_row` = (alliance_id, sequence,
    date, description, recorded_by_id, approved_by_id, reverses_id); each line row = (position, account
    chain code, fund_id, fund source, fund project_id, currency, debit, credit, member_unit_id, project_id,
    commitment_id, category, memo); `attachments` = [(name, sha256)]. The entry's `kind` is covered
    when it is not "regular" (so entries hashed before kinds existed keep verifying)."""
    alliance_id, sequence, date, description, recorded_by_id, approved_by_id, reverses_id = entry_row
    extra = {} if kind == JournalEntry.Kind.REGULAR else {"kind": kind}
    return {
        **extra,
        "alliance": alliance_id,
        "sequence": sequence,
        "date": date.isoformat(),
        "description": description,
        "recorded_by": recorded_by_id,
        "approved_by": approved_by_id,
        "reverses": reverses_id,
        "attachments": sorted([name, digest] for name, digest in attachments),
        "lines": [
            [position, code, fund_id, source, fund_project_id, currency, f"{debit:.2f}", f"{credit:.2f}",
             unit_id, project_id, commitment_id, category, memo]
            for (position, code, fund_id, source, fund_project_id, currency, debit, credit, unit_id, project_id,
                 commitment_id, category, memo) in line_rows
        ],
    }


class _Amount:
    """A line's amount as `entry_content` reads it (`.amount`, `.currency`), without Money."""

    __slots__ = ("amount", "currency")

    def __init__(self, amount, currency):
        self.amount = amount
        self.currency = currency


class _PlainLine:
    """A posted-to-be line read as a plain row: the attributes `entry_content` and `balance_deltas` read."""

    __slots__ = ("position", "account_id", "account", "fund_id", "fund", "debit", "credit", "member_unit_id",
                 "project_id", "commitment_id", "category", "memo", "date")


def balance_deltas(lines) -> dict:
    """(account_id, fund_id, currency, month) -> [debit, credit] of `lines` (model instances)."""
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        key = (line.account_id, line.fund_id, str(line.debit.currency), line.date.replace(day=1))
        totals[key][0] += line.debit.amount
        totals[key][1] += line.credit.amount
    return totals


def _add_totals(model, keys: list[str], sums: list[str], pg_types: list[str], conflict: str, rows: list[tuple]) -> None:
    """Add `rows` (the `keys` columns, then the `sums` columns) to a totals table in one upsert
    (PostgreSQL: one array per column through `unnest`; elsewhere a multi-row upsert per 500 rows)."""
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(keys + sums)
    upsert = f" ON CONFLICT ({conflict}) DO UPDATE SET " + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in pg_types)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}){upsert}",
                           [list(column) for column in zip(*rows)])
            return
        placeholders = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(chunk))}{upsert}",
                           [connection.ops.adapt_datefield_value(v) if isinstance(v, datetime.date) else v
                            for row in chunk for v in row])


def _apply_balances(alliance, lines) -> None:
    """Add posted lines to the monthly balance table and, for lines that name a member unit, to
    the member balance table."""
    _add_totals(
        LedgerBalance, ["alliance_id", "account_id", "fund_id", "currency", "month"], ["debit", "credit"],
        ["bigint", "bigint", "bigint", "varchar(3)", "date", "numeric", "numeric"],
        "account_id, fund_id, currency, month",
        [(alliance.pk, account_id, fund_id, currency, month, debit, credit)
         for (account_id, fund_id, currency, month), (debit, credit) in sorted(balance_deltas(lines).items())],
    )
    per_unit = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for line in lines:
        if line.member_unit_id is not None:
            key = (line.member_unit_id, line.account_id, line.commitment_id, str(line.debit.currency), line.date.replace(day=1))
            per_unit[key][0] += line.debit.amount
            per_unit[key][1] += line.credit.amount
            per_unit[key][2] += 1
    _add_totals(
        MemberBalance, ["alliance_id", "member_unit_id", "account_id", "commitment_id", "currency", "month"],
        ["debit", "credit", "lines"],
        ["bigint", "bigint", "bigint", "bigint", "varchar(3)", "date", "numeric", "numeric", "integer"],
        "member_unit_id, account_id, COALESCE(commitment_id, 0), currency, month",
        [(alliance.pk, *key, debit, credit, count)
         for key, (debit, credit, count) in sorted(per_unit.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0))],
    )


def _mark_posted(entries, actor, posted_at) -> None:
    """Write sequence, hashes, approver and status of the entries in one statement (PostgreSQL:
    arrays joined through `unnest`; elsewhere Django's bulk_update)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {JournalEntry._meta.db_table} AS e SET sequence = v.seq, previous_hash = v.prev, hash = v.hash, "
                "approved_by_id = %s, posted_at = %s, status = %s "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS v(id, seq, prev, hash) WHERE e.id = v.id",
                [actor.pk, posted_at, JournalEntry.Status.POSTED, [e.pk for e in entries], [e.sequence for e in entries],
                 [e.previous_hash for e in entries], [e.hash for e in entries]],
            )
    else:
        JournalEntry.objects.bulk_update(entries, ["sequence", "previous_hash", "hash", "approved_by", "posted_at", "status"],
                                         batch_size=500)


def _approve_many(*, actor, alliance, entries, single=False, system=False) -> list[JournalEntry]:
    """Post recorded entries in the given order under one ledger lock: gapless sequence, the hash
    chain computed in order, restricted funds checked on the running total, the balance table
    updated once per (account, fund, currency, month) touched. All or nothing."""
    if not access.has_role(actor, alliance, *APPROVER_ROLES):
        raise Forbidden(_("只有秘书长或秘书处人员可以审核凭证。"))
    ledger = chart_install(alliance)
    # One posting at a time per alliance: the sequence is gapless and the chain linear.
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    ids = [getattr(item, "pk", item) for item in entries]
    seen = set()
    for index, pk in enumerate(ids):
        if not isinstance(pk, int) or pk in seen:
            raise _in_batch(ValidationFailed(fields={"entry": [_("凭证不存在或重复。")]}), index, single)
        seen.add(pk)
    locked = {
        e.pk: e for e in JournalEntry.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    attachments = defaultdict(list)
    for attachment in Attachment.objects.filter(entry_id__in=ids):
        attachments[attachment.entry_id].append(attachment)
    closed = _closed_months()
    ordered = []
    for index, pk in enumerate(ids):
        entry = locked.get(pk)
        if entry is None:
            raise _in_batch(ValidationFailed(fields={"entry": [_("凭证不存在。")]}), index, single)
        if entry.status != JournalEntry.Status.RECORDED:
            raise _in_batch(Conflict(_("只有待审核的凭证可以审核。")), index, single)
        if system != (entry.kind == JournalEntry.Kind.CLOSING):  # closing entries post only as the system's
            raise _in_batch(Conflict(_("结转凭证由结账自动生成并过账，不能人工审核。")), index, single)
        if entry.recorded_by_id == getattr(actor, "pk", None) and not system:
            raise _in_batch(Forbidden(_("制单人不能审核自己录入的凭证。")), index, single)
        errors = _date_errors(alliance, entry.date, closed)
        if errors:
            raise _in_batch(ValidationFailed(fields=errors), index, single)
        ordered.append(entry)
    # Lines as plain rows (no model instances): a batch of 1,000 entries reads 2,000 of them.
    accounts = {a.pk: a for a in Account.objects.all()}
    funds = {f.pk: f for f in Fund.objects.select_related("project")}
    lines_of = defaultdict(list)
    all_lines = []
    for (entry_id, position, account_id, fund_id, currency, debit, credit, unit_id, project_id, commitment_id,
         category, memo, date) in JournalLine.objects.filter(entry_id__in=ids).order_by("entry_id", "position").values_list(
            "entry_id", "position", "account_id", "fund_id", "debit_currency", "debit", "credit", "member_unit_id",
            "project_id", "commitment_id", "category", "memo", "date"):
        line = _PlainLine()
        line.position, line.account_id, line.account, line.fund_id, line.fund = (
            position, account_id, accounts[account_id], fund_id, funds[fund_id])
        line.debit, line.credit = _Amount(debit, currency), _Amount(credit, currency)
        line.member_unit_id, line.project_id, line.commitment_id = unit_id, project_id, commitment_id
        line.category, line.memo, line.date = category, memo, date
        lines_of[entry_id].append(line)
        all_lines.append(line)
    restricted = sorted({line.fund_id for line in all_lines if line.fund.restricted})
    if restricted:
        list(Fund.objects.select_for_update().filter(pk__in=restricted).order_by("pk"))
    failures = _check_restricted_running([
        [{"fund": line.fund, "account": line.account, "currency": str(line.debit.currency),
          "debit": line.debit.amount, "credit": line.credit.amount} for line in lines_of[entry.pk]]
        for entry in ordered
    ])
    if failures:
        index = min(failures)
        raise _in_batch(ValidationFailed(fields=failures[index]), index, single)
    reversing = [entry.reverses_id for entry in ordered if entry.reverses_id]
    if reversing:
        already = set(JournalEntry.objects.filter(
            reverses_id__in=reversing, status=JournalEntry.Status.POSTED
        ).values_list("reverses_id", flat=True))
        for index, entry in enumerate(ordered):
            if entry.reverses_id and entry.reverses_id in already:
                raise _in_batch(Conflict(_("该凭证已被冲销。")), index, single)
            if entry.reverses_id:
                already.add(entry.reverses_id)

    posted_at = timezone.now()
    sequence, previous = ledger.last_sequence, ledger.last_hash
    for entry in ordered:
        sequence += 1
        entry._prefetched_objects_cache = {"attachments": attachments[entry.pk]}
        entry.sequence = sequence
        entry.approved_by = actor
        entry.previous_hash = previous
        entry.hash = entry_hash(entry, lines_of[entry.pk], previous)
        entry.posted_at = posted_at
        entry.status = JournalEntry.Status.POSTED
        previous = entry.hash
    _mark_posted(ordered, actor, posted_at)
    _history_rows(ordered, "~", actor, posted_at)
    JournalLine.objects.filter(entry_id__in=ids).update(posted=True)
    Ledger.objects.filter(pk=ledger.pk).update(last_sequence=sequence, last_hash=previous)
    _apply_balances(alliance, all_lines)
    return ordered


@tenant_service
def entry_approve(*, actor, alliance, entry) -> JournalEntry:
    """A second person approves a recorded entry, which posts it."""
    return _approve_many(actor=actor, alliance=alliance, entries=[entry], single=True)[0]


@tenant_service
def entries_approve_batch(*, actor, alliance, entries) -> list[JournalEntry]:
    """Batch approval (批量审核): post recorded entries (objects or ids) in the given order in one
    transaction under one ledger lock. The approver recorded none of them; no restricted fund goes
    below zero at any point of the batch; one bad entry refuses the whole batch, its index in the error."""
    _batch_size_check(entries)
    return _approve_many(actor=actor, alliance=alliance, entries=list(entries))


@tenant_service
def attachment_add(*, actor, alliance, entry, upload) -> Attachment:
    """Attach a voucher file to an entry that has not posted yet."""
    _require_recorder(actor, alliance)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != JournalEntry.Status.RECORDED:
        raise Conflict(_("只能为待审核的凭证添加附件。"))
    errors = uploads.upload_errors(upload)
    if errors:
        raise ValidationFailed(fields={"file": errors})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (getattr(upload, "name", "") or "voucher").replace("/", "_")[-200:]
    return Attachment.objects.create(alliance=alliance, entry=entry, file=upload, name=name, sha256=digest.hexdigest(),
                                     size=upload.size, uploaded_by=actor)


@tenant_service
def entry_reject(*, actor, alliance, entry, reason: str = "") -> JournalEntry:
    """The approver sends a recorded entry back; it never posts."""
    if not access.has_role(actor, alliance, *APPROVER_ROLES):
        raise Forbidden()
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != JournalEntry.Status.RECORDED:
        raise Conflict(_("只有待审核的凭证可以退回。"))
    entry.status = JournalEntry.Status.REJECTED
    entry.rejection_reason = (reason or "").strip()[:2000]
    entry.save()
    return entry


@tenant_service
def entry_reverse(*, actor, alliance, entry, date=None, description: str = "") -> JournalEntry:
    """Record the reversing entry of a posted one (debits and credits swapped), linked to it.
    It posts when another person approves it."""
    _require_recorder(actor, alliance)
    if entry.status != JournalEntry.Status.POSTED:
        raise ValidationFailed(fields={"reverses": [_("只能冲销已过账的凭证。")]})
    if entry.kind == JournalEntry.Kind.CLOSING:
        raise Conflict(_("结转凭证不能手工冲销：重新开放该期间即自动冲销。"), code="closing_entry")
    date = date or timezone.localdate()
    lines = [
        {
            "account": line.account.code, "fund": line.fund,
            "debit": line.credit if line.credit.amount else None, "credit": line.debit if line.debit.amount else None,
            "member_unit": line.member_unit, "project": line.project, "commitment": line.commitment,
            "category": line.category, "memo": line.memo,
        }
        for line in entry.lines.select_related("account", "fund").order_by("position")
    ]
    description = description or _("冲销凭证 #%(seq)s：%(text)s") % {"seq": entry.sequence, "text": entry.description}
    return _record(actor=actor, alliance=alliance, date=date, description=description[:300], lines=lines, reverses=entry)


# ---------------------------------------------------------------- helpers other apps call


def _require_writer(actor, alliance) -> None:
    """Entries recorded on behalf of another app's workflow: anyone of the alliance who may act,
    never an auditor-only or bureau user."""
    roles = access.roles_of(actor, alliance)
    if not roles or roles <= {Role.AUDITOR}:
        raise Forbidden()


def _positive(amount, field="amount") -> Money:
    errors = {}
    money = _money(amount, field, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    if money is None or money.amount <= 0:
        raise ValidationFailed(fields={field: [_("金额必须大于零。")]})
    return money


@tenant_service
def project_expense_record(*, actor, alliance, project, source, amount, date, description, category) -> JournalEntry:
    """An R&D expense of `project` paid from its restricted fund of `source`."""
    _require_writer(actor, alliance)
    money = _positive(amount)
    fund = fund_for(alliance=alliance, source=source, project=project)
    lines = [
        {"account": chart.EXPENSE_PROJECT, "fund": fund, "debit": money, "project": project, "category": category or ""},
        {"account": chart.BANK, "fund": fund, "credit": money, "project": project, "category": category or ""},
    ]
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines, truncate=True)


@tenant_service
def clawback_record(*, actor, alliance, member_unit, project, amount, date, description) -> JournalEntry:
    """A departing participant owes back project money: a receivable from the unit, reducing the
    project's R&D cost in the restricted fund most charged for that project."""
    _require_writer(actor, alliance)
    money = _positive(amount)
    spent = (
        JournalLine.objects.filter(posted=True, fund__project=project, account__code=chart.EXPENSE_PROJECT,
                                   entry__kind=JournalEntry.Kind.REGULAR)
        .values("fund").annotate(total=Sum("debit")).order_by("-total").first()
    )
    fund = Fund.objects.get(pk=spent["fund"]) if spent else fund_for(alliance=alliance, source=Source.OTHER, project=project)
    lines = [
        {"account": chart.RECEIVABLE, "fund": fund, "debit": money, "member_unit": member_unit, "project": project,
         "memo": _("追回款")},
        {"account": chart.EXPENSE_PROJECT, "fund": fund, "credit": money, "member_unit": member_unit, "project": project,
         "category": "clawback"},
    ]
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines, truncate=True)


@tenant_service
def revenue_distribution_record(*, actor, alliance, date, description, gross, shares, asset_label="") -> JournalEntry:
    """IP revenue received (`gross`) and distributed (`shares`: (MemberUnit|None, Money)); what is not
    distributed stays with the alliance as IP income."""
    _require_writer(actor, alliance)
    gross = _positive(gross, "gross")
    fund = fund_for(alliance=alliance, source=Source.OTHER)
    errors = {}
    parsed = []
    for index, (unit, share) in enumerate(shares):
        money = _money(share, f"shares.{index}", errors)
        if money is not None and money.currency != gross.currency:
            errors.setdefault(f"shares.{index}", []).append(_("分成币种必须与收入一致。"))
        if money is not None:
            parsed.append((unit, money))
    if errors:
        raise ValidationFailed(fields=errors)
    distributed = sum((m.amount for _u, m in parsed), Decimal(0))
    if distributed > gross.amount:
        raise ValidationFailed(fields={"shares": [_("分配总额不能超过收入总额。")]})
    memo = (asset_label or "")[:300]
    lines = [
        {"account": chart.BANK, "fund": fund, "debit": gross, "memo": memo},
        {"account": chart.INCOME_IP, "fund": fund, "credit": gross, "memo": memo},
    ]
    for unit, money in parsed:
        if money.amount:
            lines.append({"account": chart.EXPENSE_REVENUE_SHARE, "fund": fund, "debit": money, "member_unit": unit,
                          "memo": memo if unit is not None else (_("联盟外单位") + (" · " + memo if memo else ""))[:300]})
    if distributed:
        lines.append({"account": chart.BANK, "fund": fund, "credit": Money(distributed, gross.currency), "memo": memo})
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines, truncate=True)


def _released(fund_filter: dict, currency: str) -> Decimal:
    """What releases not rejected have already taken (recorded or posted), in `currency`."""
    total = RestrictionRelease.objects.filter(**fund_filter, amount_currency=currency).exclude(
        entry__status=JournalEntry.Status.REJECTED).aggregate(t=Sum("amount"))["t"]
    return total or ZERO


def _qualifying_expenses(project, currency: str, date) -> Decimal:
    """The project's posted R&D expenses (5101.01) paid from money that is not restricted, up to `date`:
    what the alliance advanced for the restricted purpose and may take back from the restriction."""
    row = JournalLine.objects.filter(
        posted=True, project=project, account__code=chart.EXPENSE_PROJECT, fund__restricted=False,
        debit_currency=currency, date__lte=date, entry__kind=JournalEntry.Kind.REGULAR,
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (row["d"] or ZERO) - (row["c"] or ZERO)


def _release_evidence(*, alliance, fund, money, date, condition, submission) -> dict:
    """The evidence the condition rests on, found by the service (never typed), or the refusal."""
    from bureau import selectors as bureau_selectors
    from projects import selectors as project_selectors

    currency = str(money.currency)
    if condition == ReleaseCondition.PURPOSE_SPENT:
        qualifying = _qualifying_expenses(fund.project, currency, date)
        available = qualifying - _released({"fund__project": fund.project, "condition": condition}, currency)
        if money.amount > available:
            raise Conflict(
                _("按限定用途支出解除限制的金额不能超过项目“%(project)s”尚未解除的合规支出：%(available)s %(currency)s"
                  "（截至%(date)s以非限定性资金支付的项目研发支出 %(qualifying)s %(currency)s）。") % {
                    "project": fund.project.code, "available": format_money(max(available, ZERO)), "currency": currency,
                    "date": date.isoformat(), "qualifying": format_money(qualifying)},
                code="release_condition_unmet", fields={"amount": [_("超过尚未解除的合规支出。")]})
        return {"qualifying_expenses": qualifying,
                "evidence": "%s %s ≤ %s: %s %s" % (
                    chart.EXPENSE_PROJECT, fund.project.code, date.isoformat(), format_money(qualifying), currency)}
    if condition == ReleaseCondition.PROJECT_ACCEPTED:
        status = project_selectors.finished_status(fund.project)
        if status is None:
            raise Conflict(_("项目“%(project)s”尚未验收或结题，不能以此解除限制。") % {"project": fund.project.code},
                           code="release_condition_unmet", fields={"condition": [_("项目尚未验收或结题。")]})
        label = type(fund.project).Status(status).label  # labels, never codes: the evidence is sealed text
        return {"project_status": status, "evidence": "%s：%s" % (fund.project.code, label)}
    # bureau decision: government money only, on the bureau's approved decision about this project
    if fund.source != Source.GOVERNMENT:
        raise Conflict(_("市科技局批准解除限制只适用于政府资助资金。"), code="release_condition_unmet",
                       fields={"condition": [_("该资金不是政府资助资金。")]})
    decision = bureau_selectors.approved_fund_release(submission, fund.project) if submission not in (None, "") else None
    if decision is None:
        raise Conflict(_("没有市科技局已批准的、关于项目“%(project)s”的解除限制核准。") % {"project": fund.project.code},
                       code="release_condition_unmet", fields={"submission": [_("请选择市科技局已批准的解除限制核准。")]})
    approved = decision.payload.get("amount") if isinstance(decision.payload, dict) else None
    if approved not in (None, ""):
        try:
            approved = Decimal(str(approved))
        except (InvalidOperation, ValueError):
            approved = None
    if isinstance(approved, Decimal):
        available = approved - _released({"submission": decision}, currency)
        if money.amount > available:
            raise Conflict(_("解除金额超过市科技局批准的尚未解除金额 %(available)s %(currency)s。") % {
                "available": format_money(max(available, ZERO)), "currency": currency},
                code="release_condition_unmet", fields={"amount": [_("超过批准金额。")]})
    return {"submission": decision, "evidence": ("%s：%s" % (_("市科技局批复"), decision.title))[:300]}


@tenant_service
def restriction_release(*, actor, alliance, fund, amount, date, description, condition, submission=None) -> JournalEntry:
    """Release money from a restriction (限定性净资产转为非限定性净资产, with the cash) when the
    restriction is met: `condition` purpose_spent (up to the qualifying expenses not yet released),
    project_accepted (the project accepted or closed: the remainder), or bureau_decision (government
    money, `submission` the bureau's approved decision about the project). The condition and its
    evidence are kept in a RestrictionRelease beside the entry, which waits for a second person's
    approval; the posting check keeps the fund's restricted net assets from going below zero."""
    _require_recorder(actor, alliance)
    if not isinstance(fund, Fund) or fund.alliance_id != alliance.pk or not fund.restricted:
        raise ValidationFailed(fields={"fund": [_("请选择一个限定性资金。")]})
    if condition not in ReleaseCondition.values:
        raise ValidationFailed(fields={"condition": [_("请说明解除限制的条件：已按限定用途支出、项目已验收或结题、或市科技局批准。")]})
    money = _positive(amount)
    errors = _date_errors(alliance, date, set())
    if errors:
        raise ValidationFailed(fields=errors)
    # One release at a time per fund: two cannot both fit into the same qualifying amount.
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    evidence = _release_evidence(alliance=alliance, fund=fund, money=money, date=date, condition=condition,
                                 submission=submission)
    with translation.override(settings.LANGUAGE_CODE):  # the hashed memo is kept in the source language
        memo = ("%s（%s）：%s" % (_("解除限制"), ReleaseCondition(condition).label, evidence["evidence"]))[:300]
    target = fund_for(alliance=alliance, source=Source.UNRESTRICTED)
    lines = [
        {"account": chart.NET_RESTRICTED, "fund": fund, "debit": money, "memo": memo},
        {"account": chart.BANK, "fund": fund, "credit": money},
        {"account": chart.BANK, "fund": target, "debit": money},
        {"account": chart.NET_UNRESTRICTED, "fund": target, "credit": money, "memo": memo},
    ]
    try:
        entry = _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines, release=True)
    except ValidationFailed as exc:  # the fund's own checks speak of the amount released
        if any(key.startswith("lines.") for key in exc.fields):
            raise ValidationFailed(exc.message, fields={"amount": [m for key, ms in exc.fields.items() for m in ms]}) from None
        raise
    RestrictionRelease.objects.create(alliance=alliance, entry=entry, fund=fund, condition=condition, amount=money, **evidence)
    return entry


# ---------------------------------------------------------------- periods


def _period(alliance, year, month) -> Period:
    if not (1 <= int(month) <= 12) or not (1900 <= int(year) <= 9999):
        raise ValidationFailed(fields={"month": [_("期间无效。")]})
    period = Period.objects.select_for_update().filter(year=year, month=month).first()
    return period or Period.objects.create(alliance=alliance, year=year, month=month)


PENDING_LISTED = 20  # entries named in a refusal; the count says how many there are in all


def _refuse_pending_entries(year: int, month: int) -> None:
    """A month closes only once every entry dated in it is approved or rejected: one still awaiting
    approval could never post afterwards. The refusal lists them (id, date, description)."""
    first = datetime.date(year, month, 1)
    end = datetime.date(year + month // 12, month % 12 + 1, 1)
    pending = JournalEntry.objects.filter(status=JournalEntry.Status.RECORDED, date__gte=first, date__lt=end).order_by("date", "id")
    rows = list(pending.values_list("id", "date", "description")[:PENDING_LISTED])
    if not rows:
        return
    total = pending.count() if len(rows) == PENDING_LISTED else len(rows)
    listed = [_("凭证ID %(id)s（%(date)s）%(text)s") % {"id": pk, "date": date.isoformat(), "text": text} for pk, date, text in rows]
    raise Conflict(
        _("%(year)s年%(month)s月尚有%(n)s张待审核的凭证，审核过账或退回后方可结账：%(list)s") % {
            "year": year, "month": month, "n": total, "list": "；".join(listed)},
        code="pending_entries", fields={"pending_entries": listed},
    )


def _month_span(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of a month."""
    first = datetime.date(year, month, 1)
    return first, datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def _live_closing(year: int, month: int) -> JournalEntry | None:
    """The month's posted closing entry that no posted reversal cancels (at most one)."""
    first, last = _month_span(year, month)
    return (JournalEntry.objects.filter(kind=JournalEntry.Kind.CLOSING, status=JournalEntry.Status.POSTED,
                                        reverses__isnull=True, date__gte=first, date__lte=last)
            .exclude(reversals__status=JournalEntry.Status.POSTED).first())


def _post_system_entry(actor, alliance, **spec) -> JournalEntry:
    """Record and post an entry the service makes itself (结转凭证): the closing actor records and
    posts it, hash-chained like every entry; no second person is asked."""
    entry = _record(actor=actor, alliance=alliance, closing=True, **spec)
    return _approve_many(actor=actor, alliance=alliance, entries=[entry], single=True, system=True)[0]


def _close_into_net_assets(actor, alliance, year: int, month: int) -> JournalEntry | None:
    """Close the month's income and expense movement (the lines of its entries that are not closing
    entries) per (account, fund, currency) into 3102 on restricted funds and 3101 on the others, on
    the same fund, dated the month's last day. Nothing to close: no entry."""
    first, last = _month_span(year, month)
    rows = (
        JournalLine.objects.filter(posted=True, date__gte=first, date__lte=last,
                                   account__kind__in=(Account.Kind.INCOME, Account.Kind.EXPENSE))
        .exclude(entry__kind=JournalEntry.Kind.CLOSING)
        .values("account__code", "fund_id", "debit_currency").annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by("account__code", "fund_id", "debit_currency")
    )
    funds = {f.pk: f for f in Fund.objects.all()}
    lines, net_assets = [], defaultdict(Decimal)
    for row in rows:
        net = (row["d"] or ZERO) - (row["c"] or ZERO)
        if not net:
            continue
        fund, currency = funds[row["fund_id"]], row["debit_currency"]
        side = "credit" if net > 0 else "debit"  # the opposite of the account's balance
        lines.append({"account": row["account__code"], "fund": fund, side: Money(abs(net), currency)})
        net_assets[(fund.pk, currency)] += net
    for (fund_id, currency), net in sorted(net_assets.items()):
        fund = funds[fund_id]
        if net:
            side = "debit" if net > 0 else "credit"  # expenses exceeding income reduce net assets
            lines.append({"account": chart.NET_RESTRICTED if fund.restricted else chart.NET_UNRESTRICTED, "fund": fund,
                          side: Money(abs(net), currency)})
    if not lines:
        return None
    with translation.override(settings.LANGUAGE_CODE):  # the hashed description is kept in the source language
        description = _("%(year)s年%(month)s月收入、费用结转净资产") % {"year": year, "month": month}
    return _post_system_entry(actor, alliance, date=last, description=description, lines=lines)


def _reverse_closing(actor, alliance, year: int, month: int) -> JournalEntry | None:
    """Reverse the month's live closing entry (once the month is open again), dated as it is."""
    closing = _live_closing(year, month)
    if closing is None:
        return None
    lines = [
        {"account": line.account.code, "fund": line.fund,
         "debit": line.credit if line.credit.amount else None, "credit": line.debit if line.debit.amount else None}
        for line in closing.lines.select_related("account", "fund").order_by("position")
    ]
    with translation.override(settings.LANGUAGE_CODE):
        description = _("冲销凭证 #%(seq)s：%(text)s") % {"seq": closing.sequence, "text": closing.description}
    return _post_system_entry(actor, alliance, date=closing.date, description=description[:300], lines=lines,
                              reverses=closing)


@tenant_service
def period_close(*, actor, alliance, year: int, month: int) -> Period:
    """Close a month: no entry may await approval in it; its income and expenses are closed into net
    assets by a closing entry (结转凭证) the service records and posts; nothing posts into it afterwards."""
    access.require_secretariat(actor, alliance)
    chart_install(alliance)
    # Closing takes the ledger lock so no posting into the month races with it.
    Ledger.objects.select_for_update().get(alliance=alliance)
    period = _period(alliance, year, month)
    if period.status == Period.Status.CLOSED:
        raise Conflict(_("该期间已结账。"))
    _refuse_pending_entries(int(year), int(month))
    _close_into_net_assets(actor, alliance, int(year), int(month))
    period.status = Period.Status.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = actor
    period.save()
    checkpoints.checkpoint_on_commit(alliance, "period_close", names=["ledger"])
    return period


@tenant_service
def period_reopen(*, actor, alliance, year: int, month: int, reason: str) -> Period:
    """Only the secretary-general reopens a closed month, with a reason kept in the history."""
    access.require_role(actor, alliance, Role.SECRETARY_GENERAL)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("请说明重新开放的理由。")]})
    chart_install(alliance)
    Ledger.objects.select_for_update().get(alliance=alliance)
    period = _period(alliance, year, month)
    if period.status != Period.Status.CLOSED:
        raise Conflict(_("该期间未结账。"))
    period.status = Period.Status.OPEN
    period.reopened_at = timezone.now()
    period.reopened_by = actor
    period.reopen_reason = reason.strip()[:2000]
    period.save()
    _reverse_closing(actor, alliance, int(year), int(month))
    return period


# ---------------------------------------------------------------- member contributions


@tenant_service
def commitment_set(*, actor, alliance, member_unit, year: int, amount, committed_on=None, note: str = "") -> Commitment:
    """Set (or change) a member unit's contribution for a year, as the agreement sets it."""
    access.require_secretariat(actor, alliance)
    if member_unit.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"member_unit": [_("成员单位不属于本联盟。")]})
    money = _positive(amount)
    span = dates.alliance_range(alliance)
    if not (span.earliest.year <= int(year) <= span.latest.year):
        raise ValidationFailed(fields={"year": [_("年度须在%(first)s至%(last)s之间。") % {
            "first": span.earliest.year, "last": span.latest.year}]})
    dates.check_date(committed_on, span, field="committed_on")
    commitment = Commitment.objects.select_for_update().filter(member_unit=member_unit, year=year).first()
    if commitment is None:
        commitment = Commitment(alliance=alliance, member_unit=member_unit, year=year)
    commitment.amount = money
    commitment.committed_on = committed_on or timezone.localdate()
    commitment.note = (note or "")[:300]
    commitment.save()
    return commitment


def _contribution_received(commitment) -> Decimal:
    """What is paid, or on its way, against a commitment: posted receipts net of posted reversals, plus
    receipts still awaiting approval (a pending reversal frees nothing until it posts)."""
    lines = JournalLine.objects.filter(commitment=commitment, account__code=chart.INCOME_MEMBER)
    posted = lines.filter(posted=True).aggregate(c=Sum("credit"), d=Sum("debit"))
    pending = lines.filter(entry__status=JournalEntry.Status.RECORDED).aggregate(c=Sum("credit"))
    return (posted["c"] or ZERO) - (posted["d"] or ZERO) + (pending["c"] or ZERO)


@tenant_service
def contribution_receive(*, actor, alliance, commitment, amount, date, description: str = "",
                         prepayment_year: int | None = None) -> JournalEntry:
    """Record a receipt against a commitment: bank / member contribution income (unrestricted).

    A receipt never exceeds what is outstanding on the commitment it pays. Money beyond that is a
    prepayment only when the treasurer says so: `prepayment_year` names the later year, and the
    receipt is then recorded against that year's commitment (which must be set first)."""
    _require_recorder(actor, alliance)
    if not isinstance(commitment, Commitment) or commitment.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"commitment": [_("出资承诺不属于本联盟。")]})
    money = _positive(amount)
    if money.currency != commitment.amount.currency:
        raise ValidationFailed(fields={"amount": [_("币种必须与承诺一致。")]})
    unit = commitment.member_unit
    if prepayment_year not in (None, ""):
        if int(prepayment_year) <= commitment.year:
            raise ValidationFailed(fields={"prepayment_year": [_("预缴年度须晚于%(year)s年。") % {"year": commitment.year}]})
        later = Commitment.objects.filter(member_unit=unit, year=int(prepayment_year)).first()
        if later is None:
            raise ValidationFailed(fields={"prepayment_year": [
                _("请先设定%(unit)s %(year)s年度的出资承诺，再录入预缴。") % {"unit": unit.name, "year": prepayment_year}]})
        if later.amount.currency != money.currency:
            raise ValidationFailed(fields={"amount": [_("币种必须与承诺一致。")]})
        commitment = later
    # Locked: two receipts recorded at once cannot both fit into the same outstanding amount.
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    outstanding = commitment.amount.amount - _contribution_received(commitment)
    if money.amount > outstanding:
        if outstanding <= 0:
            message = _("%(unit)s %(year)s年度出资已缴清（含待审核的到账）；如为以后年度预缴，请注明预缴年度。")
        else:
            message = _("到账金额超过%(unit)s %(year)s年度尚未缴纳的%(outstanding)s元；超出部分如为以后年度预缴，请分笔录入并注明预缴年度。")
        raise ValidationFailed(fields={"amount": [message % {
            "unit": unit.name, "year": commitment.year, "outstanding": format_money(max(outstanding, ZERO))}]})
    fund = fund_for(alliance=alliance, source=Source.MEMBER_CONTRIBUTION)
    lines = [
        {"account": chart.BANK, "fund": fund, "debit": money, "member_unit": unit, "commitment": commitment},
        {"account": chart.INCOME_MEMBER, "fund": fund, "credit": money, "member_unit": unit, "commitment": commitment},
    ]
    if prepayment_year not in (None, ""):
        default = _("%(unit)s 预缴%(year)s年度出资") % {"unit": unit.name, "year": commitment.year}
    else:
        default = _("%(unit)s %(year)s年度出资") % {"unit": unit.name, "year": commitment.year}
    description = description or default
    return _record(actor=actor, alliance=alliance, date=date, description=description[:300], lines=lines)


@tenant_service
def grant_receive(*, actor, alliance, project, amount, date, description: str, source: str = Source.GOVERNMENT) -> JournalEntry:
    """Money received for a project (government funding by default): restricted to it."""
    _require_recorder(actor, alliance)
    money = _positive(amount)
    fund = fund_for(alliance=alliance, source=source, project=project)
    income = chart.INCOME_ACCOUNT_OF_SOURCE.get(source)
    if source == Source.LOAN:
        income = chart.LONG_LOAN
    lines = [
        {"account": chart.BANK, "fund": fund, "debit": money, "project": project},
        {"account": income, "fund": fund, "credit": money, "project": project},
    ]
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines)
