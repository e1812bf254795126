"""Licences: overlap rules, granting, terminating and expiring."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from ip_registry.models import HUNDRED, IPAsset, Licence, Licensor, Territory
from ip_registry.selectors import asset_is_government_funded, ownership_on
from ip_registry.services._common import (
    DEAD_ASSET, EXCLUSIVE_KINDS, LICENCE_START_AHEAD_YEARS, LIVE_LICENCE, _asset_span, _money, _next_number,
    _request_bureau,
)
from ip_registry.services.ownership import _clean_party, _clean_region, _key, party_is_foreign
from membership.models import MemberUnit


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
