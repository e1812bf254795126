"""Validation of entries before they are recorded: amounts, dates, restricted funds, batches."""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import access, dates
from alliances.errors import Forbidden, ValidationFailed
from finance import chart
from finance.models import Account, Commitment, Fund, LedgerBalance, Period
from finance.services._common import CENT, RECORDER_ROLES


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


def _positive(amount, field="amount") -> Money:
    errors = {}
    money = _money(amount, field, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    if money is None or money.amount <= 0:
        raise ValidationFailed(fields={field: [_("金额必须大于零。")]})
    return money


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
