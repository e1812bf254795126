"""Constants and helpers shared by the IP register services."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import dates
from alliances.errors import ValidationFailed
from ip_registry.models import IPAsset, Licence


GATE_KIND = "ip_foreign_transfer"
CURRENCY = "CNY"
ASSET_DETAILS = (
    "application_number", "patent_number", "registration_number", "filing_date", "grant_date", "expiry_date",
    "status", "description", "cost_recovery_note",
)
# An asset in one of these states can no longer be licensed or transferred.
DEAD_ASSET = (IPAsset.Status.LAPSED, IPAsset.Status.EXPIRED, IPAsset.Status.TRANSFERRED, IPAsset.Status.ABANDONED)
LIVE_LICENCE = (Licence.Status.PENDING_BUREAU, Licence.Status.GRANTED, Licence.Status.ACTIVE)
EXCLUSIVE_KINDS = (Licence.Kind.EXCLUSIVE, Licence.Kind.SOLE)
LICENCE_START_AHEAD_YEARS = 5


def _asset_span(alliance, origin: str, *, ahead_days: int | None = None) -> dates.DateRange:
    """Dates of an asset's life: a project result's lie within the alliance's range; background IP
    may predate the alliance (from 1900). Both end at today + `ahead_days` (default: the horizon)."""
    span = dates.alliance_range(alliance, ahead_days=ahead_days)
    if origin == IPAsset.Origin.FOREGROUND:
        return span
    return dates.DateRange(dates.EARLIEST_HISTORIC, span.latest)


def _next_number(model, prefix: str, alliance, on: date) -> str:
    stem = f"{alliance.code}-{prefix}{on.year}-"
    count = model.objects.filter(number__startswith=stem).count()
    return f"{stem}{count + 1:03d}"


def _money(value, field: str) -> Money:
    if value is None:
        raise ValidationFailed(fields={field: [_("请填写金额。")]})
    if not isinstance(value, Money):
        try:
            value = Money(Decimal(str(value)), CURRENCY)
        except (InvalidOperation, TypeError):
            raise ValidationFailed(fields={field: [_("金额无效。")]}) from None
    if str(value.currency) != CURRENCY:
        raise ValidationFailed(fields={field: [_("金额须以人民币计。")]})
    if value.amount != value.amount.quantize(Decimal("0.01")) or not value.amount.is_finite():
        raise ValidationFailed(fields={field: [_("金额最多保留两位小数。")]})
    return value


def _request_bureau(*, actor, alliance, subject, title: str, payload: dict):
    from bureau import services as bureau_services

    return bureau_services.approval_request(
        actor=actor, alliance=alliance, kind=GATE_KIND, title=title[:200], subject=subject, payload=payload,
    )
