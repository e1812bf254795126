"""Transfers of an asset to new owners."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from ip_registry.models import IPAsset, Transfer
from ip_registry.selectors import asset_is_government_funded, current_ownership, ownership_on
from ip_registry.services._common import DEAD_ASSET, _asset_span, _money, _next_number, _request_bureau
from ip_registry.services.ownership import _write_version, clean_owners, party_is_foreign
from membership.models import MemberUnit


def _complete_transfer(*, actor, alliance, transfer: Transfer, effective_on: date) -> None:
    owners = [
        (MemberUnit.objects.get(pk=row["member_unit"]) if row["member_unit"] else None, row["party_name"], Decimal(row["share"]),
         row.get("party_region", ""))
        for row in transfer.transferees
    ]
    asset = IPAsset.objects.select_for_update().get(pk=transfer.asset_id)
    latest = current_ownership(asset)
    effective_on = max(effective_on, latest.valid_from + timedelta(days=1))
    transfer.to_version = _write_version(
        actor=actor, alliance=alliance, asset=asset, owners=owners, valid_from=effective_on,
        reason=_("转让%(number)s") % {"number": transfer.number},
    )
    transfer.effective_on = effective_on
    transfer.status = Transfer.Status.COMPLETED
    transfer.save()
    if not any(row[0] is not None for row in owners) and asset.status not in DEAD_ASSET:
        asset.status = IPAsset.Status.TRANSFERRED
        asset.save()


@tenant_service
def transfer_create(*, actor, alliance, asset: IPAsset, transferees, price, agreed_on: date) -> Transfer:
    """Assign the whole asset to `transferees` ([(MemberUnit|None, name, Decimal share[, region])] summing to 100).

    Takes effect at once, unless a transferee is registered abroad and the asset is government-funded:
    then it waits for the bureau (第十六条(四)) and the ownership changes only on approval.
    """
    access.require_secretariat(actor, alliance)
    asset = IPAsset.objects.select_for_update().get(pk=asset.pk)
    if asset.status in DEAD_ASSET:
        raise Conflict(_("该知识产权已失效、届满、放弃或转出，不能再转让。"))
    if not isinstance(agreed_on, date):
        raise ValidationFailed(fields={"agreed_on": [_("请填写签约日期。")]})
    dates.check_date(agreed_on, _asset_span(alliance, asset.origin, ahead_days=0), field="agreed_on")
    owners = clean_owners(transferees, field="transferees")
    price = _money(price, "price")
    if price.amount < 0:
        raise ValidationFailed(fields={"price": [_("转让价款不能为负。")]})
    return _transfer_open(actor=actor, alliance=alliance, asset=asset, owners=owners, price=price, agreed_on=agreed_on)


def _transfer_open(*, actor, alliance, asset: IPAsset, owners, price: Money, agreed_on: date, note: str = "") -> Transfer:
    """Every path that moves ownership to new owners (a transfer, an ownership change abroad): completed
    at once, or pending the bureau when a government-funded asset goes to a party registered abroad."""
    if asset.transfers.filter(status=Transfer.Status.PENDING_BUREAU).exists():
        raise Conflict(_("该知识产权已有待批准的转让。"))
    sellers = ownership_on(asset, agreed_on)
    if sellers is None:
        raise ValidationFailed(fields={"agreed_on": [_("签约日期早于该知识产权的首次权属登记。")]})
    if sellers.pk != current_ownership(asset).pk:
        raise ValidationFailed(fields={"agreed_on": [_("签约日期之后权属已变更，请按现行权属签约。")]})
    foreign = any(party_is_foreign(unit, region) for unit, _n, _s, region in owners)
    gated = foreign and asset_is_government_funded(asset)
    transfer = Transfer.objects.create(
        alliance=alliance, asset=asset, number=_next_number(Transfer, "T", alliance, agreed_on), foreign=foreign,
        transferees=[{"member_unit": u.pk if u else None, "party_name": n, "party_region": r, "share": str(s)}
                     for u, n, s, r in owners],
        price=price, agreed_on=agreed_on, from_version=sellers, created_by=actor, status_reason=note,
        status=Transfer.Status.PENDING_BUREAU if gated else Transfer.Status.COMPLETED,
    )
    if gated:
        submission = _request_bureau(
            actor=actor, alliance=alliance, subject=transfer,
            title=_("政府资助知识产权向境外转让：%(title)s") % {"title": asset.title},
            payload={"transfer": transfer.number, "asset": asset.title, "price": str(price.amount),
                     "transferees": [n or str(u) for u, n, _s, _r in owners],
                     "foreign_transferees": [n for u, n, _s, r in owners if party_is_foreign(u, r)]},
        )
        transfer.bureau_submission_id = submission.pk
        transfer.save(update_fields=["bureau_submission_id"])
    else:
        _complete_transfer(actor=actor, alliance=alliance, transfer=transfer, effective_on=agreed_on)
    return transfer
