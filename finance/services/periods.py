"""Closing and reopening monthly periods."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import access, checkpoints
from alliances.errors import Conflict, ValidationFailed
from alliances.models import Role
from alliances.tenancy import tenant_service
from finance import chart
from finance.models import Account, Fund, JournalEntry, JournalLine, Ledger, Period
from finance.services._common import ZERO
from finance.services.approval import _approve_many
from finance.services.funds import chart_install
from finance.services.journal import _record


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
