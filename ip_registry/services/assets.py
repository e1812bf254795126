"""Assets: registering, updating and changing their ownership."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from ip_registry.models import IPAsset, OwnershipVersion, Transfer
from ip_registry.selectors import asset_is_government_funded, current_ownership
from ip_registry.services._common import ASSET_DETAILS, CURRENCY, _asset_span
from ip_registry.services.ownership import _key, _write_version, clean_owners, party_is_foreign
from ip_registry.services.transfers import _transfer_open


def _clean_details(details: dict, *, creating: bool) -> dict:
    unknown = set(details) - set(ASSET_DETAILS)
    if unknown:
        raise ValidationFailed(fields={name: [_("未知字段。")] for name in sorted(unknown)})
    clean = {}
    for name, value in details.items():
        if name in ("filing_date", "grant_date", "expiry_date"):
            if isinstance(value, str):  # ISO dates from other apps' stored forms
                try:
                    value = date.fromisoformat(value) if value.strip() else None
                except ValueError:
                    raise ValidationFailed(fields={name: [_("日期无效。")]}) from None
            if value is not None and not isinstance(value, date):
                raise ValidationFailed(fields={name: [_("日期无效。")]})
        elif name == "status":
            if value not in IPAsset.Status.values:
                raise ValidationFailed(fields={name: [_("状态无效。")]})
        else:
            value = (value or "").strip()
        clean[name] = value
    return clean


def _check_dates(asset: IPAsset) -> None:
    past = _asset_span(asset.alliance, asset.origin, ahead_days=0)
    dates.check_date(asset.filing_date, past, field="filing_date")
    dates.check_date(asset.grant_date, past, field="grant_date")
    if asset.expiry_date and not (asset.grant_date or asset.filing_date):
        dates.check_date(asset.expiry_date, dates.DateRange(past.earliest, dates.term_end(past.latest)), field="expiry_date")
    if asset.filing_date and asset.grant_date and asset.grant_date < asset.filing_date:
        raise ValidationFailed(fields={"grant_date": [_("授权日不能早于申请日。")]})
    start = asset.grant_date or asset.filing_date
    if start and asset.expiry_date and asset.expiry_date < start:
        raise ValidationFailed(fields={"expiry_date": [_("届满日不能早于申请日或授权日。")]})
    dates.check_term(start, asset.expiry_date, start_field="filing_date", end_field="expiry_date")


def _check_result_owners(project, owners) -> None:
    """第十六条(一): a project's results belong to its undertaking units; an outside owner only when
    the project's IP agreement names it."""
    from projects.selectors import result_owners

    unit_ids, names = result_owners(project)
    for index, (unit, name, _share, _region) in enumerate(owners):
        if unit is not None and unit.pk not in unit_ids:
            raise ValidationFailed(fields={f"owners[{index}]": [
                _("%(unit)s不是该项目的承担单位：项目成果归承担单位所有（第十六条(一)）。") % {"unit": unit.name}]})
        if unit is None and name.casefold() not in names:
            raise ValidationFailed(fields={f"owners[{index}]": [
                _("项目知识产权约定未列明%(name)s为权利人：项目成果归承担单位所有（第十六条(一)）。") % {"name": name}]})


@tenant_service
def asset_register(*, actor, alliance, kind, title, origin, owners, project=None, valid_from=None, **details) -> IPAsset:
    """Register an asset with its first ownership version.

    owners: [(MemberUnit|None, outside_party_name, Decimal share_percent)] summing to 100.
    Background IP is brought by a member, which keeps it: at least one owner is a member unit
    and there is no project. Foreground IP comes from an alliance project: `project` is required
    and the owners are the shares of that project's IP agreement.
    """
    access.require_secretariat(actor, alliance)
    if kind not in IPAsset.Kind.values:
        raise ValidationFailed(fields={"kind": [_("类型无效。")]})
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(fields={"title": [_("请填写名称。")]})
    if len(title) > 300:
        raise ValidationFailed(fields={"title": [_("名称不能超过300字。")]})
    if origin not in IPAsset.Origin.values:
        raise ValidationFailed(fields={"origin": [_("来源无效。")]})
    if origin == IPAsset.Origin.FOREGROUND and project is None:
        raise ValidationFailed(fields={"project": [_("联盟项目成果须关联来源项目。")]})
    if origin == IPAsset.Origin.BACKGROUND and project is not None:
        raise ValidationFailed(fields={"project": [_("背景知识产权不关联联盟项目。")]})
    if project is not None and getattr(project, "alliance_id", None) != alliance.pk:
        raise ValidationFailed(fields={"project": [_("项目不属于本联盟。")]})
    owners = clean_owners(owners)
    if origin == IPAsset.Origin.BACKGROUND and not any(row[0] is not None for row in owners):
        raise ValidationFailed(fields={"owners": [_("背景知识产权须由成员单位带入，至少一个权利人为成员单位。")]})
    if origin == IPAsset.Origin.FOREGROUND:
        _check_result_owners(project, owners)
    details = _clean_details(details, creating=True)
    asset = IPAsset(alliance=alliance, kind=kind, title=title, origin=origin, project=project, registered_by=actor, **details)
    _check_dates(asset)
    asset.save()
    dates.check_date(valid_from, _asset_span(alliance, origin), field="valid_from")
    start = valid_from or asset.filing_date or timezone.localdate()
    _write_version(actor=actor, alliance=alliance, asset=asset, owners=owners, valid_from=start,
                   reason=_("登记"))
    return asset


@tenant_service
def asset_update(*, actor, alliance, asset: IPAsset, **details) -> IPAsset:
    """Correct or advance an asset's numbers, dates, status and notes (ownership has its own service)."""
    access.require_secretariat(actor, alliance)
    asset = IPAsset.objects.select_for_update().get(pk=asset.pk)
    details = _clean_details(details, creating=False)
    if "title" in details:
        raise ValidationFailed(fields={"title": [_("未知字段。")]})
    for name, value in details.items():
        setattr(asset, name, value)
    _check_dates(asset)
    asset.save()
    return asset


@tenant_service
def ownership_change(*, actor, alliance, asset: IPAsset, owners, valid_from: date, reason: str) -> OwnershipVersion | Transfer:
    """A dated change of co-owners or shares: a new version; the old ones stay as they were.

    A government-funded asset whose change gives a foreign party ownership (a new foreign owner or a
    larger share) is not changed: a pending transfer (price 0) opens the bureau's approval and is returned."""
    access.require_secretariat(actor, alliance)
    asset = IPAsset.objects.select_for_update().get(pk=asset.pk)
    if asset.transfers.filter(status=Transfer.Status.PENDING_BUREAU).exists():
        raise Conflict(_("该知识产权已有待批准的转让。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("请说明变更原因。")]})
    if not isinstance(valid_from, date):
        raise ValidationFailed(fields={"valid_from": [_("日期无效。")]})
    dates.check_date(valid_from, _asset_span(alliance, asset.origin), field="valid_from")
    owners = clean_owners(owners)
    if asset_is_government_funded(asset) and _moves_abroad(asset, owners):
        # 第十六条(四): handing a foreign party ownership waits for the bureau like any transfer abroad.
        latest = current_ownership(asset)
        if latest is not None and valid_from <= latest.valid_from:
            raise ValidationFailed(fields={"valid_from": [
                _("新的权属须晚于现行权属的生效日期（%(date)s）。") % {"date": latest.valid_from.isoformat()}
            ]})
        return _transfer_open(actor=actor, alliance=alliance, asset=asset, owners=owners, price=Money(0, CURRENCY),
                              agreed_on=valid_from, note=reason[:300])
    return _write_version(actor=actor, alliance=alliance, asset=asset, owners=owners, valid_from=valid_from, reason=reason[:300])


def _moves_abroad(asset: IPAsset, owners) -> bool:
    """Whether the new owners give a party registered abroad more than it holds now."""
    current = current_ownership(asset)
    held = {share.party_key: share.share for share in current.shares.all()} if current else {}
    return any(party_is_foreign(unit, region) and share > held.get(_key(unit, name), 0)
               for unit, name, share, region in owners)
