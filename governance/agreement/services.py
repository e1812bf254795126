"""The agreement's writers: drafting a version, the founding parties' signatures, amendments put to
the council, and the coming into force that derives the charter (the voting rules).

Founding: draft -> signing (clauses fixed, complete) -> adopted when every party has signed.
Amendment: draft (based on the version in force) -> voting (an `agreement_amendment` motion) ->
adopted or rejected by its resolution. An adopted version is in force from its effective date, and
the charter version it writes applies from that date too (`governance.services.current_charter`).
"""

import datetime
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances import access, checkpoints, dates, uploads
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role, RoleGrant
from alliances.tenancy import tenant_service
from governance import services as governance
from governance.agreement import chains, selectors
from governance.agreement import clauses as c
from governance.agreement.models import AgreementSignature, AgreementVersion
from governance.models import CharterVersion, Motion, MotionKind, Threshold
from membership.models import MemberUnit

Status = AgreementVersion.Status


def _check_fields(alliance, clauses, effective_on, *, today=None) -> dict:
    errors = c.validate(clauses, selectors.unit_names(alliance))
    if effective_on is not None:
        if not isinstance(effective_on, datetime.date):
            errors["effective_on"] = [_("请填写有效日期。")]
        else:
            errors.update(dates.date_errors(effective_on, dates.alliance_range(alliance), field="effective_on"))
    return errors


def _locked(alliance, version) -> AgreementVersion:
    if version is None or version.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"version": [_("协议版本不属于本联盟。")]})
    return AgreementVersion.objects.select_for_update().get(pk=version.pk)


@tenant_service
def agreement_draft(*, actor, alliance, clauses: dict | None = None, note: str = "", effective_on=None) -> AgreementVersion:
    """A new draft: the founding agreement when none is in force, else an amendment starting from
    the version in force with `clauses` applied."""
    access.require_secretariat(actor, alliance)
    if selectors.pending(alliance) is not None:
        raise Conflict(_("已有一份协议草案正在起草、签署或表决中。"))
    base = selectors.in_force(alliance)
    if base is None and AgreementVersion.objects.filter(status=Status.ADOPTED).exists():
        raise Conflict(_("已通过的协议版本尚未生效，生效后才能起草新的修订。"))
    errors = _check_fields(alliance, clauses or {}, effective_on)
    if errors:
        raise ValidationFailed(fields=errors)
    number = (AgreementVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    return AgreementVersion.objects.create(
        alliance=alliance, number=number, based_on=base, clauses=c.merged(base.clauses if base else {}, clauses or {}),
        note=(note or "").strip(), effective_on=effective_on, created_by=actor,
    )


@tenant_service
def agreement_draft_update(*, actor, alliance, version: AgreementVersion, clauses: dict | None = None,
                           note: str | None = None, effective_on=None) -> AgreementVersion:
    """Edit a draft: the clauses given replace the draft's, field by field."""
    access.require_secretariat(actor, alliance)
    version = _locked(alliance, version)
    if version.status != Status.DRAFT:
        raise Conflict(_("只有草稿可以修改。"))
    errors = _check_fields(alliance, clauses or {}, effective_on)
    if errors:
        raise ValidationFailed(fields=errors)
    version.clauses = c.merged(version.clauses, clauses or {})
    if note is not None:
        version.note = note.strip()
    if effective_on is not None:
        version.effective_on = effective_on
    version.save()
    return version


def _require_complete(version) -> None:
    missing = c.missing(version.clauses)
    if missing:
        raise ValidationFailed(fields={"clauses": [_("协议不完整，缺少附件2要求的条款：%(c)s") % {"c": "；".join(missing)}]})


@tenant_service
def agreement_open_for_signature(*, actor, alliance, version: AgreementVersion) -> AgreementVersion:
    """The founding agreement, complete, is fixed and put to every party's signature."""
    access.require_secretariat(actor, alliance)
    version = _locked(alliance, version)
    if version.status != Status.DRAFT or not version.is_founding:
        raise Conflict(_("只有联盟协议的首个版本由各方签署生效；修订须经理事会表决。"))
    _require_complete(version)
    if not selectors.parties(alliance):
        raise ValidationFailed(fields={"parties": [_("联盟尚无成员单位，无法签署协议。")]})
    version.status = Status.SIGNING
    version.save(update_fields=["status"])
    return version


def _may_sign_for(actor, alliance, unit) -> bool:
    """The secretariat records signatures made on paper; a unit's representative records its own."""
    if access.has_role(actor, alliance, *access.SECRETARIAT):
        return True
    return RoleGrant.objects.filter(user=actor, role=Role.REPRESENTATIVE, member_unit=unit, revoked_at__isnull=True).exists()


def registered_proxies(unit) -> set[str]:
    """The names of the unit's registered people (its representatives in the alliance): who may
    sign for it as proxy, with the legal representative's letter."""
    grants = RoleGrant.objects.filter(role=Role.REPRESENTATIVE, member_unit=unit, revoked_at__isnull=True).select_related("user")
    names = set()
    for grant in grants:
        user = grant.user
        names |= {n for n in (f"{user.last_name}{user.first_name}".strip(), str(user)) if n}
    return names


def _signer_errors(unit, signer_name: str, capacity: str, proxy_letter) -> dict:
    name = (signer_name or "").strip()
    if capacity not in AgreementSignature.Capacity.values:
        return {"capacity": [_("签署身份须为法定代表人或授权委托人。")]}
    if not name:
        return {"signer_name": [_("请填写签署人姓名。")]}
    if capacity == AgreementSignature.Capacity.LEGAL_REPRESENTATIVE:
        if name != unit.legal_representative.strip():
            return {"signer_name": [_("签署人不是%(u)s登记的法定代表人。") % {"u": unit.name}]}
        return {}
    errors = {}
    if name not in registered_proxies(unit):
        errors["signer_name"] = [_("签署人不是%(u)s登记的授权委托人。") % {"u": unit.name}]
    letter_errors = uploads.upload_errors(proxy_letter)
    if letter_errors:
        errors["proxy_letter"] = [_("授权委托人签署须附法定代表人出具的授权委托书。"), *letter_errors]
    return errors


@tenant_service
def agreement_sign(*, actor, alliance, version: AgreementVersion, unit: MemberUnit, signer_name: str, capacity: str,
                   signed_on=None, proxy_letter=None) -> AgreementSignature:
    """A party signs a version: its legal representative, or a registered proxy with the letter of
    authorisation (附件2 六). The founding version comes into force when the last party signs."""
    if unit is None or unit.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"unit": [_("成员单位不属于本联盟。")]})
    if not _may_sign_for(actor, alliance, unit):
        raise Forbidden(_("只有秘书处或该成员单位的联系人可以记录其签署。"))
    version = _locked(alliance, version)
    if version.status not in (Status.SIGNING, Status.ADOPTED):
        raise Conflict(_("该协议版本不在签署阶段。"))
    if unit.status not in selectors.PARTY_STATUSES:
        raise ValidationFailed(fields={"unit": [_("该单位不是联盟成员，不是协议缔约方。")]})
    if AgreementSignature.objects.filter(version=version, unit=unit).exists():
        raise Conflict(_("%(u)s已签署该协议版本。") % {"u": unit.name})
    signed_on = signed_on or timezone.localdate()
    errors = _signer_errors(unit, signer_name, capacity, proxy_letter)
    errors.update(dates.date_errors(signed_on, dates.historic_range(), field="signed_on"))
    if errors:
        raise ValidationFailed(fields=errors)
    signature = AgreementSignature(
        alliance=alliance, version=version, unit=unit, signer_name=signer_name.strip(), capacity=capacity,
        signed_on=signed_on, recorded_by=actor,
        proxy_letter=proxy_letter if capacity == AgreementSignature.Capacity.PROXY else None,
    )
    if signature.proxy_letter:
        # The stored name is part of the link: store the file first (FileField.pre_save would rename it later).
        signature.proxy_letter.save(proxy_letter.name, proxy_letter, save=False)
    for name, value in chains.signatures.append(alliance, chains.signature_content(signature)).items():
        setattr(signature, name, value)
    signature.save()
    checkpoints.checkpoint_on_commit(alliance, "agreement_signature", names=["agreement_signatures"])
    if version.status == Status.SIGNING and not selectors.unsigned(version):
        last = max(s.signed_on for s in selectors.signatures(version))
        version.effective_on = max(version.effective_on or last, last)
        _adopt(actor, version, resolution_number="")
    return signature


@tenant_service
def agreement_propose(*, actor, alliance, version: AgreementVersion, closes_at=None) -> Motion:
    """Put an amendment to the council. Refused before the vote when it would leave the agreement
    incomplete, changes nothing, or no longer starts from the version in force. It passes by the
    threshold the agreement sets for amendments; a change of the amending rules needs every seat (附件2 §10)."""
    access.require_secretariat(actor, alliance)
    version = _locked(alliance, version)
    if version.status != Status.DRAFT or version.is_founding:
        raise Conflict(_("只有修订草案可以提交理事会表决。"))
    base = selectors.in_force(alliance)
    if base is None or base.pk != version.based_on_id:
        raise Conflict(_("草案所依据的版本已不是现行版本，请重新起草。"))
    _require_complete(version)
    changes = c.diff(base.clauses, version.clauses, selectors.unit_names(alliance))
    if not changes:
        raise ValidationFailed(fields={"clauses": [_("修订草案与现行版本相同。")]})
    if version.effective_on and version.effective_on < timezone.localdate():
        raise ValidationFailed(fields={"effective_on": [_("生效日期不能早于今天。")]})
    body = "\n".join([version.note, _("修改的条款："), *[f"{row['section_title']}：{row['label']}" for row in changes]]).strip()
    motion = governance.process_motion_open(
        actor=actor, alliance=alliance, kind=MotionKind.AGREEMENT_AMENDMENT,
        title=_("关于修改联盟协议（第%(n)d版）的议案") % {"n": version.number}, body=body, subject=version,
        closes_at=closes_at or timezone.now() + timedelta(days=7),
        threshold=Threshold.UNANIMITY_SEATS if c.entrenched_change(base.clauses, version.clauses) else "",
    )
    version.status, version.motion = Status.VOTING, motion
    version.save(update_fields=["status", "motion"])
    return motion


def agreement_amendment_decided(motion) -> None:
    """Outcome handler of `agreement_amendment`: the resolution adopts (or rejects) the version."""
    version = AgreementVersion.objects.select_for_update().filter(motion=motion).first()
    if version is None:
        return
    if motion.result != Motion.Result.PASSED:
        version.status = Status.REJECTED
        version.save(update_fields=["status"])
        return
    today = timezone.localdate()
    version.effective_on = max(version.effective_on or today, today)
    _adopt(motion.closed_by or motion.created_by, version,
           resolution_number=motion.resolution.number if motion.resolution else "")


def _adopt(actor, version, *, resolution_number: str) -> None:
    """The version is adopted; its decision rules become the charter version applying from its effective date."""
    rules = c.rules_of(version.clauses)
    governance.current_charter(version.alliance)  # version 1 (the defaults) exists before the derived ones
    number = CharterVersion.objects.filter(alliance=version.alliance).aggregate(n=Max("version"))["n"] + 1
    version.charter = CharterVersion.objects.create(
        alliance=version.alliance, version=number, thresholds=rules["thresholds"], motion_quorums=rules["quorums"],
        meeting_quorum_numerator=rules["meeting_quorum"][0], meeting_quorum_denominator=rules["meeting_quorum"][1],
        note=str(version)[:300], resolution_number=resolution_number, effective_on=version.effective_on, created_by=actor,
    )
    version.status, version.resolution_number, version.adopted_at = Status.ADOPTED, resolution_number, timezone.now()
    version.save()
