"""Revenue: receipts shared by the ownership valid on the day, posted to the ledger."""

from datetime import date

from django.db import IntegrityError
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from ip_registry import distribution
from ip_registry.models import Licence, RevenueReceipt, RevenueShare, Transfer
from ip_registry.selectors import ownership_on
from ip_registry.services._common import CURRENCY, _money


def _post_to_ledger(*, actor, alliance, receipt: RevenueReceipt, rows: list) -> int:
    """Record the receipt and its distribution in the ledger (finance posts it on approval)."""
    from finance import services as finance_services

    entry = finance_services.revenue_distribution_record(
        actor=actor, alliance=alliance, date=receipt.received_on,
        description=_("知识产权收益分配：%(source)s（%(reference)s）") % {"source": receipt.source_label, "reference": receipt.reference},
        gross=receipt.gross, shares=[(row.member_unit, row.amount) for row in rows],
        asset_label=str(receipt.asset),
    )
    return entry.pk


@tenant_service
def receipt_record(
    *, actor, alliance, reference: str, received_on: date, gross, cost_recovery=None, licence: Licence | None = None,
    transfer: Transfer | None = None,
) -> RevenueReceipt:
    """Record a licence fee or transfer price once, and share what is left after cost recovery.

    A licence fee is shared by the ownership valid on the day it was received; a transfer price by
    the sellers (the ownership valid when the transfer was agreed). Rounding: see `distribution`.
    """
    access.require_secretariat(actor, alliance)
    if (licence is None) == (transfer is None):
        raise ValidationFailed(fields={"licence": [_("收益须对应一项许可或一项转让。")]})
    reference = (reference or "").strip()
    if not reference or len(reference) > 80:
        raise ValidationFailed(fields={"reference": [_("请填写不超过80字的收款凭证号。")]})
    if not isinstance(received_on, date):
        raise ValidationFailed(fields={"received_on": [_("请填写收款日期。")]})
    dates.check_date(received_on, dates.alliance_range(alliance, ahead_days=0), field="received_on")
    gross = _money(gross, "gross")
    if gross.amount <= 0:
        raise ValidationFailed(fields={"gross": [_("收入须大于0。")]})
    cost = _money(cost_recovery if cost_recovery is not None else Money(0, CURRENCY), "cost_recovery")
    if cost.amount < 0 or cost.amount > gross.amount:
        raise ValidationFailed(fields={"cost_recovery": [_("成本回收须在0与收入总额之间。")]})

    if licence is not None:
        source = Licence.objects.select_for_update().get(pk=licence.pk)
        if source.status in (Licence.Status.PENDING_BUREAU, Licence.Status.VOID):
            raise Conflict(_("该许可尚未生效或已被认定无效，不能收取许可费。"))
        if source.free_internal_rd or source.royalty_kind == Licence.Royalty.NONE:
            raise Conflict(_("免费许可没有许可费。"))
        duplicate = RevenueReceipt.objects.filter(licence=source, reference=reference)
        version = ownership_on(source.asset, received_on)
        if version is None:
            raise ValidationFailed(fields={"received_on": [_("收款日期早于该知识产权的首次权属登记。")]})
    else:
        source = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if source.status != Transfer.Status.COMPLETED:
            raise Conflict(_("该转让尚未生效或已被认定无效，不能收取转让价款。"))
        duplicate = RevenueReceipt.objects.filter(transfer=source, reference=reference)
        version = source.from_version
    if duplicate.exists():
        raise Conflict(_("凭证号%(reference)s的收款已登记，不能重复登记。") % {"reference": reference})

    net = gross - cost
    shares = list(version.shares.select_related("member_unit").order_by("position"))
    amounts = distribution.split_amount(net.amount, [s.share for s in shares])
    try:
        receipt = RevenueReceipt.objects.create(
            alliance=alliance, asset_id=source.asset_id, licence=source if licence is not None else None,
            transfer=source if transfer is not None else None, reference=reference, received_on=received_on,
            gross=gross, cost_recovery=cost, net=net, ownership_version=version, recorded_by=actor,
        )
    except IntegrityError:
        raise Conflict(_("凭证号%(reference)s的收款已登记，不能重复登记。") % {"reference": reference}) from None
    rows = RevenueShare.objects.bulk_create([
        RevenueShare(alliance=alliance, receipt=receipt, position=s.position, member_unit=s.member_unit,
                     party_name=s.party_name, party_region=s.party_region, share=s.share, amount=Money(amount, CURRENCY))
        for s, amount in zip(shares, amounts)
    ])
    receipt.journal_entry_id = _post_to_ledger(actor=actor, alliance=alliance, receipt=receipt, rows=rows)
    receipt.save(update_fields=["journal_entry_id"])
    return receipt
