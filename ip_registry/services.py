"""IP register services: the only writers of assets, ownership, licences, transfers and revenue.

Rules (第十六条, 附件2 §7): co-owners' shares sum to exactly 100; ownership changes are new
dated versions; an exclusive or sole licence may not overlap another live licence; a foreign
transfer or exclusive foreign licence of a government-funded asset waits for the bureau
(第十六条(四)); revenue is shared by the ownership valid on the day it is received.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import current_actor, tenant_service
from ip_registry import distribution
from ip_registry.models import (
    HUNDRED, IPAsset, percent_text, Licence, Licensor, OwnershipShare, OwnershipVersion, Region, RevenueReceipt, RevenueShare,
    Territory, Transfer,
)
from membership.models import MemberUnit

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


# ---------------------------------------------------------------- government funding (第十六条(三)(四))


def projects_is_government_funded(project) -> bool:
    """Whether a project has government funding: the project's own `government_funded` flag
    (when the projects app sets one), or a government fund restricted to it in the ledger."""
    if project is None:
        return False
    return project_flagged_government(project) or project.pk in government_fund_project_ids([project.pk])


def project_flagged_government(project) -> bool:
    """The project's own flags: `government_funded` if it has one, or a government programme (第十七条)."""
    return bool(getattr(project, "government_funded", False) or getattr(project, "government_programme", False))


def government_fund_project_ids(project_ids=None) -> set[int]:
    """Projects (of the current scope) that have a government fund in the finance ledger (a read)."""
    from finance.models import Fund, Source

    funds = Fund.objects.filter(source=Source.GOVERNMENT, project__isnull=False)
    if project_ids is not None:
        funds = funds.filter(project_id__in=list(project_ids))
    return set(funds.values_list("project_id", flat=True))


def asset_is_government_funded(asset: IPAsset) -> bool:
    """Foreground IP of a government-funded project (background IP never is)."""
    return asset.origin == IPAsset.Origin.FOREGROUND and projects_is_government_funded(asset.project)


# ---------------------------------------------------------------- parties and shares


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


def ownership_on(asset: IPAsset, on: date) -> OwnershipVersion | None:
    """The ownership version valid on `on` (None before the first one)."""
    return asset.ownership_versions.filter(valid_from__lte=on).order_by("-valid_from").first()


def current_ownership(asset: IPAsset) -> OwnershipVersion | None:
    return asset.ownership_versions.order_by("-number").first()


# ---------------------------------------------------------------- assets


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


def _asset_span(alliance, origin: str, *, ahead_days: int | None = None) -> dates.DateRange:
    """Dates of an asset's life: a project result's lie within the alliance's range; background IP
    may predate the alliance (from 1900). Both end at today + `ahead_days` (default: the horizon)."""
    span = dates.alliance_range(alliance, ahead_days=ahead_days)
    if origin == IPAsset.Origin.FOREGROUND:
        return span
    return dates.DateRange(dates.EARLIEST_HISTORIC, span.latest)


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


# ---------------------------------------------------------------- licences


def fields_overlap(a: str, b: str) -> bool:
    """Blank is every field; otherwise the same field string, ignoring case and outer spaces."""
    a, b = (a or "").strip().casefold(), (b or "").strip().casefold()
    return not a or not b or a == b


def territories_overlap(a: str, b: str) -> bool:
    """Foreign never meets the city or the country; the country (domestic) contains the city."""
    return (a == Territory.FOREIGN) == (b == Territory.FOREIGN)


def terms_overlap(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """Closed date ranges intersect (an open end runs for ever)."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


def licences_overlap(a, b) -> bool:
    return (
        fields_overlap(a.field_of_use, b.field_of_use)
        and territories_overlap(a.territory, b.territory)
        and terms_overlap(a.start, a.end, b.start, b.end)
    )


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


@tenant_service
def licence_grant(
    *, actor, alliance, asset: IPAsset, kind: str, territory: str, start: date, licensors=(), licensee_unit=None,
    licensee_name: str = "", licensee_region: str = "", field_of_use: str = "", end: date | None = None, royalty_kind: str = Licence.Royalty.NONE,
    royalty_amount=None, royalty_rate=None, free_internal_rd: bool = False, rd_project=None,
) -> Licence:
    """Record a licence. licensors: [(MemberUnit|None, outside_party_name)], owners of the asset
    on the start date (default: all of them)."""
    access.require_secretariat(actor, alliance)
    asset = IPAsset.objects.select_for_update().get(pk=asset.pk)
    if asset.status in DEAD_ASSET:
        raise Conflict(_("该知识产权已失效、届满、放弃或转出，不能再许可。"))
    if kind not in Licence.Kind.values:
        raise ValidationFailed(fields={"kind": [_("许可方式无效。")]})
    if territory not in Territory.values:
        raise ValidationFailed(fields={"territory": [_("地域范围无效。")]})
    if not isinstance(start, date):
        raise ValidationFailed(fields={"start": [_("请填写起始日。")]})
    if end is not None and end < start:
        raise ValidationFailed(fields={"end": [_("终止日不能早于起始日。")]})
    # A licence may be signed to start some years ahead (granted now, in force from its start).
    window = _asset_span(alliance, asset.origin)
    dates.check_date(start, window._replace(latest=dates.term_end(timezone.localdate(), LICENCE_START_AHEAD_YEARS)),
                     field="start")
    dates.check_term(start, end)
    field_of_use = (field_of_use or "").strip()
    if len(field_of_use) > 200:
        raise ValidationFailed(fields={"field_of_use": [_("使用领域不能超过200字。")]})

    version = ownership_on(asset, start) or asset.ownership_versions.order_by("number").first()
    owner_keys = {share.party_key: share for share in version.shares.select_related("member_unit")}
    licensor_rows = []
    for index, item in enumerate(list(licensors) or [(s.member_unit, s.party_name) for s in owner_keys.values()]):
        try:
            unit, name = item
        except (TypeError, ValueError):
            raise ValidationFailed(fields={f"licensors[{index}]": [_("许可人格式无效。")]}) from None
        unit, name = _clean_party(unit, name, "licensors", index)
        key = _key(unit, name)
        if key not in owner_keys:
            raise ValidationFailed(fields={f"licensors[{index}]": [_("许可人须为该知识产权在起始日的权利人。")]})
        if any(_key(u, n) == key for u, n, _r in licensor_rows):
            raise ValidationFailed(fields={f"licensors[{index}]": [_("同一许可人不能重复列出。")]})
        licensor_rows.append((unit, name, owner_keys[key].party_region))

    licensee_name = (licensee_name or "").strip()
    licensee_unit, licensee_name = _clean_party(licensee_unit, licensee_name, "licensee")
    licensee_region = _clean_region(licensee_unit, licensee_region, "licensee_region")
    if any(_key(u, n) == _key(licensee_unit, licensee_name) for u, n, _r in licensor_rows):
        raise ValidationFailed(fields={"licensee": [_("被许可人不能是许可人自己。")]})

    if royalty_kind not in Licence.Royalty.values:
        raise ValidationFailed(fields={"royalty_kind": [_("许可费方式无效。")]})
    amount = rate = None
    if royalty_kind in (Licence.Royalty.LUMP_SUM, Licence.Royalty.PER_UNIT):
        amount = _money(royalty_amount, "royalty_amount")
        if amount.amount <= 0:
            raise ValidationFailed(fields={"royalty_amount": [_("许可费金额须大于0。")]})
    elif royalty_kind == Licence.Royalty.PERCENTAGE:
        try:
            rate = Decimal(str(royalty_rate))
        except (InvalidOperation, TypeError):
            raise ValidationFailed(fields={"royalty_rate": [_("请填写提成比例。")]}) from None
        if not rate.is_finite() or rate <= 0 or rate > HUNDRED or rate != rate.quantize(Decimal("0.0001")):
            raise ValidationFailed(fields={"royalty_rate": [_("提成比例须大于0且不超过100，最多四位小数。")]})
    if royalty_kind != Licence.Royalty.PERCENTAGE and royalty_rate not in (None, ""):
        raise ValidationFailed(fields={"royalty_rate": [_("只有按销售额提成才填写提成比例。")]})
    if royalty_kind not in (Licence.Royalty.LUMP_SUM, Licence.Royalty.PER_UNIT) and royalty_amount not in (None, ""):
        raise ValidationFailed(fields={"royalty_amount": [_("该许可费方式不填写金额。")]})

    if free_internal_rd:
        # 附件2 §7: members use each other's patents free of charge for alliance project R&D.
        problems = {}
        if licensee_unit is None:
            problems["licensee"] = [_("免费研发使用只适用于成员单位。")]
        elif licensee_unit.status != MemberUnit.Status.ACTIVE:
            problems["licensee"] = [_("免费研发使用只适用于正式成员单位。")]
        if royalty_kind != Licence.Royalty.NONE:
            problems["royalty_kind"] = [_("联盟项目研发使用是免费的。")]
        if kind != Licence.Kind.NON_EXCLUSIVE:
            problems["kind"] = [_("联盟项目研发使用只能是普通许可。")]
        if problems:
            raise ValidationFailed(fields=problems)
    if rd_project is not None:
        if not free_internal_rd:
            raise ValidationFailed(fields={"rd_project": [_("只有成员免费研发使用才关联研发项目。")]})
        if getattr(rd_project, "alliance_id", None) != alliance.pk:
            raise ValidationFailed(fields={"rd_project": [_("项目不属于本联盟。")]})

    candidate = Licence(alliance=alliance, asset=asset, kind=kind, field_of_use=field_of_use, territory=territory,
                        start=start, end=end, free_internal_rd=free_internal_rd)
    if not free_internal_rd:
        # Free R&D use under the agreement coexists with every licence; other licences may not
        # overlap an exclusive or sole one, in either order.
        live = asset.licences.filter(status__in=LIVE_LICENCE, free_internal_rd=False)
        for other in live:
            if (kind in EXCLUSIVE_KINDS or other.kind in EXCLUSIVE_KINDS) and licences_overlap(candidate, other):
                raise ValidationFailed(fields={"kind": [
                    _("与许可%(number)s（%(kind)s）在使用领域、地域和期限上重叠：独占或排他许可不能与其他许可重叠。")
                    % {"number": other.number, "kind": other.get_kind_display()}
                ]})

    # 第十六条(四): abroad is where the licensee is registered, or a territory abroad; never the territory alone.
    abroad = territory == Territory.FOREIGN or party_is_foreign(licensee_unit, licensee_region)
    gated = kind == Licence.Kind.EXCLUSIVE and abroad and asset_is_government_funded(asset)
    candidate.number = _next_number(Licence, "L", alliance, start)
    candidate.licensee_unit, candidate.licensee_name = licensee_unit, licensee_name
    candidate.licensee_region = licensee_region
    candidate.royalty_kind, candidate.royalty_amount, candidate.royalty_rate = royalty_kind, amount, rate
    candidate.rd_project = rd_project
    today = timezone.localdate()
    candidate.status = Licence.Status.PENDING_BUREAU if gated else (
        Licence.Status.GRANTED if start > today else Licence.Status.ACTIVE)
    candidate.granted_by = actor
    candidate.save()
    Licensor.objects.bulk_create([
        Licensor(alliance=alliance, licence=candidate, position=position, member_unit=unit, party_name=name, party_region=region)
        for position, (unit, name, region) in enumerate(licensor_rows)
    ])
    if gated:
        submission = _request_bureau(
            actor=actor, alliance=alliance, subject=candidate,
            title=_("政府资助知识产权境外独占许可：%(title)s") % {"title": asset.title},
            payload={"licence": candidate.number, "asset": asset.title, "licensee": candidate.licensee_label,
                     "field_of_use": field_of_use, "start": start.isoformat(), "end": end.isoformat() if end else None},
        )
        candidate.bureau_submission_id = submission.pk
        candidate.save(update_fields=["bureau_submission_id"])
    return candidate


def _in_force_status(licence: Licence, today: date) -> str:
    """Where the daily job moves a licence: granted until its start date, then active, expired after its end."""
    if licence.start > today:
        return Licence.Status.GRANTED
    if licence.end is not None and licence.end < today:
        return Licence.Status.EXPIRED
    return Licence.Status.ACTIVE


@tenant_service
def licence_terminate(*, actor, alliance, licence: Licence, on: date, reason: str) -> Licence:
    """End an active licence early (breach, agreement of the parties)."""
    access.require_secretariat(actor, alliance)
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if licence.status not in (Licence.Status.GRANTED, Licence.Status.ACTIVE):
        raise Conflict(_("只有已授予或有效的许可可以终止。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("请说明终止原因。")]})
    if not isinstance(on, date) or on < licence.start:
        raise ValidationFailed(fields={"on": [_("终止日期不能早于许可起始日。")]})
    dates.check_date(on, dates.DateRange(licence.start, dates.alliance_range(alliance).latest), field="on")
    licence.status = Licence.Status.TERMINATED
    licence.terminated_on = on
    licence.status_reason = reason[:300]
    licence.save()
    return licence


@tenant_service
def licences_expire(*, actor, alliance, today: date | None = None) -> int:
    """Move licences along their term (run daily: `manage.py ip_expire_licences`; idempotent): a granted
    licence comes into force on its start date, an active one expires after its end date.
    Returns how many changed status."""
    today = today or timezone.localdate()
    count = 0
    due = Licence.objects.select_for_update().filter(
        Q(status=Licence.Status.GRANTED, start__lte=today) | Q(status=Licence.Status.ACTIVE, end__lt=today)
    )
    for licence in due:
        licence.status = _in_force_status(licence, today)
        licence.save()
        count += 1
    return count


# ---------------------------------------------------------------- transfers


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


# ---------------------------------------------------------------- the bureau's decision (第十六条(四))


def gate_decided(submission) -> None:
    """Registered with `bureau.gates.on_decision("ip_foreign_transfer")`: approval lets the licence
    or transfer take effect; rejection voids it. Runs inside the bureau's deciding transaction."""
    subject = submission.subject
    if not isinstance(subject, (Licence, Transfer)):
        return
    # The deciding bureau officer is the actor; the recorded drafter stands in outside a decision.
    actor = current_actor() or (subject.granted_by if isinstance(subject, Licence) else subject.created_by)
    _gate_apply(actor=actor, alliance=subject.alliance, subject=subject, decision=submission.decision)


@tenant_service
def _gate_apply(*, actor, alliance, subject, decision: str) -> None:
    model = type(subject)
    subject = model.objects.select_for_update().get(pk=subject.pk)
    if subject.status != model.Status.PENDING_BUREAU:
        return
    today = timezone.localdate()
    if decision == "approved":
        if model is Licence:
            subject.status = Licence.Status.GRANTED if subject.start > today else Licence.Status.ACTIVE
            subject.status_reason = _("市科技局已批准（%(date)s）") % {"date": today.isoformat()}
            subject.save()
        else:
            subject.status_reason = _("市科技局已批准（%(date)s）") % {"date": today.isoformat()}
            _complete_transfer(actor=actor, alliance=alliance, transfer=subject, effective_on=today)
    elif decision == "rejected":
        subject.status = model.Status.VOID
        subject.status_reason = _("市科技局不予批准（%(date)s）") % {"date": today.isoformat()}
        subject.save()


# ---------------------------------------------------------------- revenue


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
