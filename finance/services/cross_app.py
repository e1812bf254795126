"""Entries other apps record: project expenses, clawbacks, revenue shares, restriction releases."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import access
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role
from alliances.money import format_money
from alliances.tenancy import tenant_service
from finance import chart
from finance.models import Fund, JournalEntry, JournalLine, ReleaseCondition, RestrictionRelease, Source
from finance.services._common import ZERO
from finance.services.funds import fund_for
from finance.services.journal import _record
from finance.services.validation import _date_errors, _money, _positive, _require_recorder


def _require_writer(actor, alliance) -> None:
    """Entries recorded on behalf of another app's workflow: anyone of the alliance who may act,
    never an auditor-only or bureau user."""
    roles = access.roles_of(actor, alliance)
    if not roles or roles <= {Role.AUDITOR}:
        raise Forbidden()


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
