"""Parties and shares: cleaning owners and writing dated ownership versions."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from alliances.errors import ValidationFailed
from ip_registry.models import HUNDRED, percent_text, OwnershipShare, OwnershipVersion, Region
from membership.models import MemberUnit


def _clean_party(unit, name, field: str, index: int | None = None) -> tuple:
    name = (name or "").strip()
    key = field if index is None else f"{field}[{index}]"
    if (unit is None) == (not name):
        raise ValidationFailed(fields={key: [_("须填写成员单位或联盟外单位名称之一（不能同时填写）。")]})
    if unit is not None and not isinstance(unit, MemberUnit):
        raise ValidationFailed(fields={key: [_("成员单位无效。")]})
    if unit is not None and not MemberUnit.objects.filter(pk=unit.pk).exists():
        # The scope is this alliance's: another alliance's unit is not found.
        raise ValidationFailed(fields={key: [_("成员单位不属于本联盟。")]})
    if len(name) > 200:
        raise ValidationFailed(fields={key: [_("单位名称不能超过200字。")]})
    return unit, name


def _clean_region(unit, region, key: str) -> str:
    """Where a party is registered decides whether it is foreign (第十六条(四)), not a flag: a member
    unit is a Chinese legal person (its unified social credit code); an outside party states its own."""
    if unit is not None:
        return ""
    region = (region or "").strip()
    if region not in Region.values:
        raise ValidationFailed(fields={key: [_("请选择联盟外单位的注册地（境内或境外）。")]})
    return region


def party_is_foreign(unit, region) -> bool:
    return unit is None and region == Region.FOREIGN


def _key(unit, name) -> tuple:
    return ("unit", unit.pk) if unit is not None else ("party", name.casefold())


def clean_owners(owners, field: str = "owners") -> list[tuple]:
    """[(MemberUnit|None, name, Decimal[, region])] validated: one party each, no repeats, shares > 0
    summing to 100, an outside party's registration region. Returns (unit, name, share, region) rows."""
    owners = list(owners or [])
    if not owners:
        raise ValidationFailed(fields={field: [_("至少需要一个权利人。")]})
    cleaned, seen = [], set()
    for index, owner in enumerate(owners):
        try:
            unit, name, share, *rest = owner
            if len(rest) > 1:
                raise ValueError
        except (TypeError, ValueError):
            raise ValidationFailed(fields={f"{field}[{index}]": [_("权利人格式无效。")]}) from None
        unit, name = _clean_party(unit, name, field, index)
        region = _clean_region(unit, rest[0] if rest else "", f"{field}[{index}]")
        try:
            share = Decimal(str(share))
        except (InvalidOperation, TypeError):
            raise ValidationFailed(fields={f"{field}[{index}]": [_("份额须为数字。")]}) from None
        if not share.is_finite() or share <= 0 or share > HUNDRED:
            raise ValidationFailed(fields={f"{field}[{index}]": [_("份额须大于0且不超过100。")]})
        if share != share.quantize(Decimal("0.0001")):
            raise ValidationFailed(fields={f"{field}[{index}]": [_("份额最多保留四位小数。")]})
        key = _key(unit, name)
        if key in seen:
            raise ValidationFailed(fields={f"{field}[{index}]": [_("同一权利人不能重复列出。")]})
        seen.add(key)
        cleaned.append((unit, name, share, region))
    total = sum((row[2] for row in cleaned), Decimal(0))
    if total != HUNDRED:
        raise ValidationFailed(fields={field: [_("各权利人份额之和须恰好为100%%，当前为%(total)s%%。") % {"total": percent_text(total)}]})
    return cleaned


def _write_version(*, actor, alliance, asset, owners, valid_from: date, reason: str) -> OwnershipVersion:
    latest = asset.ownership_versions.order_by("-number").first()
    if latest is not None and valid_from <= latest.valid_from:
        raise ValidationFailed(fields={"valid_from": [
            _("新的权属须晚于现行权属的生效日期（%(date)s）。") % {"date": latest.valid_from.isoformat()}
        ]})
    version = OwnershipVersion.objects.create(
        alliance=alliance, asset=asset, number=(latest.number + 1) if latest else 1, valid_from=valid_from,
        reason=reason, created_by=actor,
    )
    OwnershipShare.objects.bulk_create([
        OwnershipShare(alliance=alliance, version=version, position=position, member_unit=unit, party_name=name,
                       party_region=region, share=share)
        for position, (unit, name, share, region) in enumerate(owners)
    ])
    return version
