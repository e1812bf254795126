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
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from djmoney.money import Money

from alliances import access
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role
from alliances.tenancy import tenant_service
from finance import chart
from finance.models import (
    Account, Attachment, Commitment, Fund, JournalEntry, JournalLine, Ledger, LedgerBalance, Period, Source,
)

CENT = Decimal("0.01")
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
        for code, name, kind, source, category in chart.TEMPLATE:
            if code not in existing:
                Account.objects.create(alliance=alliance, code=code, name=str(name), kind=kind, source=source, category=category)
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


def _period_is_closed(alliance, date) -> bool:
    return Period.objects.filter(year=date.year, month=date.month, status=Period.Status.CLOSED).exists()


def _asset_balance_of_fund(fund, currency) -> Decimal:
    """Posted assets held by the fund (debit - credit on asset accounts), from the balance table."""
    totals = LedgerBalance.objects.filter(fund=fund, currency=currency, account__kind=Account.Kind.ASSET).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (totals["d"] or Decimal(0)) - (totals["c"] or Decimal(0))


def _check_restricted_balances(prepared, errors: dict) -> None:
    """A restricted fund may not end below zero in any currency after this entry."""
    effect = defaultdict(Decimal)  # (fund, currency) -> change of its assets
    where = {}
    for index, line in enumerate(prepared):
        if line["fund"].restricted and line["account"].kind == Account.Kind.ASSET:
            key = (line["fund"].pk, line["currency"])
            effect[key] += line["debit"] - line["credit"]
            where.setdefault(key, (index, line["fund"]))
    for (fund_id, currency), change in effect.items():
        if change >= 0:
            continue
        index, fund = where[(fund_id, currency)]
        available = _asset_balance_of_fund(fund, currency)
        if available + change < 0:
            errors.setdefault(f"lines.{index}.fund", []).append(
                _("限定性资金“%(fund)s”余额不足：可用 %(available)s %(currency)s，本次支出 %(spend)s %(currency)s。")
                % {"fund": fund, "available": available, "currency": currency, "spend": -change}
            )


def _prepare_lines(alliance, date, lines) -> list[dict]:
    """Validate the proposed lines and return them normalised; raise ValidationFailed with every reason."""
    from membership.models import MemberUnit
    from projects.models import Project

    errors: dict[str, list] = {}
    if not isinstance(lines, (list, tuple)) or len(lines) < 2:
        raise ValidationFailed(fields={"lines": [_("一张凭证至少需要两行分录。")]})
    accounts = {a.code: a for a in Account.objects.filter(is_active=True)}
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
    if not errors:
        _check_restricted_balances(prepared, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return prepared


def _check_date(alliance, date) -> None:
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ValidationFailed(fields={"date": [_("日期无效。")]})
    if _period_is_closed(alliance, date):
        raise ValidationFailed(fields={"date": [_("%(y)s年%(m)s月已结账，不能记入该期间。") % {"y": date.year, "m": date.month}]})


def _require_recorder(actor, alliance) -> None:
    if not access.has_role(actor, alliance, *RECORDER_ROLES):
        raise Forbidden(_("只有秘书处人员可以制单。"))


# ---------------------------------------------------------------- journal


def _record(*, actor, alliance, date, description, lines, reverses=None, truncate=False) -> JournalEntry:
    chart_install(alliance)
    description = (description or "").strip()
    if truncate:  # descriptions composed by other apps' workflows are cut, not refused
        description = description[:300]
    errors = {}
    if not description:
        errors["description"] = [_("请填写摘要。")]
    elif len(description) > 300:
        errors["description"] = [_("摘要不能超过300个字符。")]
    if errors:
        raise ValidationFailed(fields=errors)
    _check_date(alliance, date)
    if reverses is not None:
        if reverses.alliance_id != alliance.pk:
            raise ValidationFailed(fields={"reverses": [_("凭证不属于本联盟。")]})
        if reverses.status != JournalEntry.Status.POSTED:
            raise ValidationFailed(fields={"reverses": [_("只能冲销已过账的凭证。")]})
        if JournalEntry.objects.filter(reverses=reverses).exclude(status=JournalEntry.Status.REJECTED).exists():
            raise Conflict(_("该凭证已有冲销凭证。"))
    prepared = _prepare_lines(alliance, date, lines)
    entry = JournalEntry.objects.create(
        alliance=alliance, date=date, description=description, recorded_by=actor, reverses=reverses,
    )
    JournalLine.objects.bulk_create([
        JournalLine(
            alliance=alliance, entry=entry, position=position, account=line["account"], fund=line["fund"],
            debit=Money(line["debit"], line["currency"]), credit=Money(line["credit"], line["currency"]),
            member_unit=line["member_unit"], project=line["project"], commitment=line["commitment"],
            category=line["category"], memo=line["memo"], date=date,
        )
        for position, line in enumerate(prepared)
    ])
    return entry


@tenant_service
def entry_record(*, actor, alliance, date, description, lines, reverses=None) -> JournalEntry:
    """Record an entry (not posted). `lines`: dicts with account code, fund, debit or credit (Money),
    optional member_unit, project, category, commitment, memo."""
    _require_recorder(actor, alliance)
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines, reverses=reverses)


def entry_content(entry, lines) -> dict:
    """The canonical content an entry's hash covers (see docs/finance.md)."""
    return {
        "alliance": entry.alliance_id,
        "sequence": entry.sequence,
        "date": entry.date.isoformat(),
        "description": entry.description,
        "recorded_by": entry.recorded_by_id,
        "approved_by": entry.approved_by_id,
        "reverses": entry.reverses_id,
        "attachments": sorted([a.name, a.sha256] for a in entry.attachments.all()),
        "lines": [
            [
                line.position, line.account.code, line.fund_id, line.fund.source, line.fund.project_id,
                str(line.debit.currency), f"{line.debit.amount:.2f}", f"{line.credit.amount:.2f}",
                line.member_unit_id, line.project_id, line.commitment_id, line.category, line.memo,
            ]
            for line in lines
        ],
    }


def entry_hash(entry, lines, previous_hash: str) -> str:
    canonical = json.dumps(entry_content(entry, lines), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous_hash + "\n" + canonical).encode("utf-8")).hexdigest()


def _apply_balances(alliance, lines) -> None:
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        key = (line.account_id, line.fund_id, str(line.debit.currency), line.date.replace(day=1))
        totals[key][0] += line.debit.amount
        totals[key][1] += line.credit.amount
    for (account_id, fund_id, currency, month), (debit, credit) in totals.items():
        updated = LedgerBalance.objects.filter(account_id=account_id, fund_id=fund_id, currency=currency, month=month).update(
            debit=F("debit") + debit, credit=F("credit") + credit
        )
        if not updated:  # the ledger lock is held: nobody else creates this row meanwhile
            LedgerBalance.objects.create(
                alliance=alliance, account_id=account_id, fund_id=fund_id, currency=currency, month=month, debit=debit, credit=credit
            )


@tenant_service
def entry_approve(*, actor, alliance, entry) -> JournalEntry:
    """A second person approves a recorded entry, which posts it."""
    if not access.has_role(actor, alliance, *APPROVER_ROLES):
        raise Forbidden(_("只有秘书长或秘书处人员可以审核凭证。"))
    ledger = chart_install(alliance)
    # One posting at a time per alliance: the sequence is gapless and the chain linear.
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    entry = JournalEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if entry is None:
        raise ValidationFailed(fields={"entry": [_("凭证不存在。")]})
    if entry.status != JournalEntry.Status.RECORDED:
        raise Conflict(_("只有待审核的凭证可以审核。"))
    if entry.recorded_by_id == getattr(actor, "pk", None):
        raise Forbidden(_("制单人不能审核自己录入的凭证。"))
    _check_date(alliance, entry.date)
    lines = list(entry.lines.select_related("account", "fund").order_by("position"))
    restricted = sorted({line.fund_id for line in lines if line.fund.restricted})
    if restricted:
        list(Fund.objects.select_for_update().filter(pk__in=restricted).order_by("pk"))
    errors: dict = {}
    prepared = [
        {"fund": line.fund, "account": line.account, "currency": str(line.debit.currency),
         "debit": line.debit.amount, "credit": line.credit.amount}
        for line in lines
    ]
    _check_restricted_balances(prepared, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    if entry.reverses_id and JournalEntry.objects.filter(
        reverses_id=entry.reverses_id, status=JournalEntry.Status.POSTED
    ).exists():
        raise Conflict(_("该凭证已被冲销。"))

    entry.sequence = ledger.last_sequence + 1
    entry.approved_by = actor
    entry.previous_hash = ledger.last_hash
    entry.hash = entry_hash(entry, lines, ledger.last_hash)
    entry.posted_at = timezone.now()
    entry.status = JournalEntry.Status.POSTED
    JournalEntry.objects.filter(pk=entry.pk).update(
        sequence=entry.sequence, approved_by=actor, previous_hash=entry.previous_hash, hash=entry.hash,
        posted_at=entry.posted_at, status=entry.status,
    )
    JournalLine.objects.filter(entry=entry).update(posted=True)
    Ledger.objects.filter(pk=ledger.pk).update(last_sequence=entry.sequence, last_hash=entry.hash)
    for line in lines:
        line.posted = True
    _apply_balances(alliance, lines)
    return entry


MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@tenant_service
def attachment_add(*, actor, alliance, entry, upload) -> Attachment:
    """Attach a voucher file to an entry that has not posted yet."""
    _require_recorder(actor, alliance)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != JournalEntry.Status.RECORDED:
        raise Conflict(_("只能为待审核的凭证添加附件。"))
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationFailed(fields={"file": [_("请选择文件。")]})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(fields={"file": [_("附件不能超过20MB。")]})
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
        JournalLine.objects.filter(posted=True, fund__project=project, account__code=chart.EXPENSE_PROJECT)
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


@tenant_service
def restriction_release(*, actor, alliance, fund, amount, date, description) -> JournalEntry:
    """Release money from a restriction (explicit entry): 限定性净资产 → 非限定性净资产, with the cash."""
    _require_recorder(actor, alliance)
    if not isinstance(fund, Fund) or fund.alliance_id != alliance.pk or not fund.restricted:
        raise ValidationFailed(fields={"fund": [_("请选择一个限定性资金。")]})
    money = _positive(amount)
    target = fund_for(alliance=alliance, source=Source.UNRESTRICTED)
    lines = [
        {"account": chart.NET_RESTRICTED, "fund": fund, "debit": money, "memo": _("解除限制")},
        {"account": chart.BANK, "fund": fund, "credit": money},
        {"account": chart.BANK, "fund": target, "debit": money},
        {"account": chart.NET_UNRESTRICTED, "fund": target, "credit": money, "memo": _("解除限制")},
    ]
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines)


# ---------------------------------------------------------------- periods


def _period(alliance, year, month) -> Period:
    if not (1 <= int(month) <= 12) or not (1900 <= int(year) <= 9999):
        raise ValidationFailed(fields={"month": [_("期间无效。")]})
    period = Period.objects.select_for_update().filter(year=year, month=month).first()
    return period or Period.objects.create(alliance=alliance, year=year, month=month)


@tenant_service
def period_close(*, actor, alliance, year: int, month: int) -> Period:
    access.require_secretariat(actor, alliance)
    chart_install(alliance)
    # Closing takes the ledger lock so no posting into the month races with it.
    Ledger.objects.select_for_update().get(alliance=alliance)
    period = _period(alliance, year, month)
    if period.status == Period.Status.CLOSED:
        raise Conflict(_("该期间已结账。"))
    period.status = Period.Status.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = actor
    period.save()
    return period


@tenant_service
def period_reopen(*, actor, alliance, year: int, month: int, reason: str) -> Period:
    """Only the secretary-general reopens a closed month, with a reason kept in the history."""
    access.require_role(actor, alliance, Role.SECRETARY_GENERAL)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("请说明重新开放的理由。")]})
    period = _period(alliance, year, month)
    if period.status != Period.Status.CLOSED:
        raise Conflict(_("该期间未结账。"))
    period.status = Period.Status.OPEN
    period.reopened_at = timezone.now()
    period.reopened_by = actor
    period.reopen_reason = reason.strip()[:2000]
    period.save()
    return period


# ---------------------------------------------------------------- member contributions


@tenant_service
def commitment_set(*, actor, alliance, member_unit, year: int, amount, committed_on=None, note: str = "") -> Commitment:
    """Set (or change) a member unit's contribution for a year, as the agreement sets it."""
    access.require_secretariat(actor, alliance)
    if member_unit.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"member_unit": [_("成员单位不属于本联盟。")]})
    money = _positive(amount)
    if not (2000 <= int(year) <= 2200):
        raise ValidationFailed(fields={"year": [_("年度无效。")]})
    commitment = Commitment.objects.select_for_update().filter(member_unit=member_unit, year=year).first()
    if commitment is None:
        commitment = Commitment(alliance=alliance, member_unit=member_unit, year=year)
    commitment.amount = money
    commitment.committed_on = committed_on or timezone.localdate()
    commitment.note = (note or "")[:300]
    commitment.save()
    return commitment


@tenant_service
def contribution_receive(*, actor, alliance, commitment, amount, date, description: str = "") -> JournalEntry:
    """Record a receipt against a commitment: bank / member contribution income (unrestricted)."""
    _require_recorder(actor, alliance)
    if not isinstance(commitment, Commitment) or commitment.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"commitment": [_("出资承诺不属于本联盟。")]})
    money = _positive(amount)
    if money.currency != commitment.amount.currency:
        raise ValidationFailed(fields={"amount": [_("币种必须与承诺一致。")]})
    fund = fund_for(alliance=alliance, source=Source.MEMBER_CONTRIBUTION)
    unit = commitment.member_unit
    lines = [
        {"account": chart.BANK, "fund": fund, "debit": money, "member_unit": unit, "commitment": commitment},
        {"account": chart.INCOME_MEMBER, "fund": fund, "credit": money, "member_unit": unit, "commitment": commitment},
    ]
    description = description or _("%(unit)s %(year)s年度出资") % {"unit": unit.name, "year": commitment.year}
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
