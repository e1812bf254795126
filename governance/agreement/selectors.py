"""Reads of the alliance agreement: the version in force, its parties and signatures, the
completeness check, and the named selectors other apps call (membership's accession, the bureau's
recognition application)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from governance.agreement import clauses as c
from governance.agreement.models import AgreementSignature, AgreementVersion
from membership.models import AccessionAgreement, MemberUnit

# Units that are parties: members now (a withdrawing or expelled-pending unit still is).
PARTY_STATUSES = (MemberUnit.Status.ACTIVE, MemberUnit.Status.WITHDRAWING)


def in_force(alliance) -> AgreementVersion | None:
    """The adopted version whose effective date has come, the newest such."""
    with scope(alliance=alliance):
        return (AgreementVersion.objects.filter(alliance=alliance, status=AgreementVersion.Status.ADOPTED,
                                                effective_on__lte=timezone.localdate()).order_by("-number").first())


def in_force_number(alliance) -> int | None:
    """The number of the version in force: what a new member's accession record names."""
    version = in_force(alliance)
    return version.number if version else None


def pending(alliance) -> AgreementVersion | None:
    """The version being drafted, signed or voted on (at most one)."""
    with scope(alliance=alliance):
        return AgreementVersion.objects.filter(alliance=alliance, status__in=(
            AgreementVersion.Status.DRAFT, AgreementVersion.Status.SIGNING, AgreementVersion.Status.VOTING)).first()


def unit_names(alliance) -> dict:
    with scope(alliance=alliance):
        return dict(MemberUnit.objects.filter(alliance=alliance).values_list("id", "name"))


def parties(alliance):
    with scope(alliance=alliance):
        return list(MemberUnit.objects.filter(alliance=alliance, status__in=PARTY_STATUSES).order_by("id"))


def signatures(version) -> list[AgreementSignature]:
    with scope(alliance=version.alliance):
        return list(version.signatures.select_related("unit").order_by("signed_on", "id"))


def unsigned(version) -> list[MemberUnit]:
    """The parties that have not signed `version`."""
    signed = {s.unit_id for s in signatures(version)}
    return [unit for unit in parties(version.alliance) if unit.pk not in signed]


def unbound_parties(alliance) -> list[MemberUnit]:
    """Parties bound by no signature: neither a signature of an adopted version nor an accession record."""
    with scope(alliance=alliance):
        signed = set(AgreementSignature.objects.filter(
            alliance=alliance, version__status=AgreementVersion.Status.ADOPTED).values_list("unit_id", flat=True))
        acceded = set(AccessionAgreement.objects.filter(alliance=alliance).values_list("unit_id", flat=True))
    return [unit for unit in parties(alliance) if unit.pk not in signed | acceded]


def problems(alliance) -> list[str]:
    """Why the agreement cannot go to the bureau: no version in force, clauses missing, parties unsigned."""
    version = in_force(alliance)
    if version is None:
        return [_("联盟协议尚未生效（须经全体缔约方签署）。")]
    found = [_("缺少条款：%(c)s") % {"c": label} for label in c.missing(version.clauses)]
    found += [_("缔约方未签署：%(u)s") % {"u": unit.name} for unit in unbound_parties(alliance)]
    found += [_("缔约方信息不全（名称、住所地、法定代表人）：%(u)s") % {"u": unit.name}
              for unit in parties(alliance) if not (unit.address.strip() and unit.legal_representative.strip())]
    return found


def party_rows(version) -> list[dict]:
    """Each party (name, address, legal representative) with its signature of `version`, if any."""
    by_unit = {s.unit_id: s for s in signatures(version)}
    rows = []
    for unit in parties(version.alliance) + [s.unit for s in by_unit.values() if s.unit.status not in PARTY_STATUSES]:
        signature = by_unit.get(unit.pk)
        rows.append({"unit": unit.pk, "name": unit.name, "address": unit.address,
                     "legal_representative": unit.legal_representative,
                     "signer_name": signature.signer_name if signature else "",
                     "capacity": signature.get_capacity_display() if signature else "",
                     "signed_on": signature.signed_on.isoformat() if signature else None})
    return rows


def binding_rows(alliance) -> list[dict]:
    """Each party with what binds it: its latest signature of an adopted version, or its accession record."""
    with scope(alliance=alliance):
        signed = {s.unit_id: s for s in AgreementSignature.objects.filter(
            alliance=alliance, version__status=AgreementVersion.Status.ADOPTED).select_related("version").order_by("signed_on", "id")}
        acceded = {a.unit_id: a for a in AccessionAgreement.objects.filter(alliance=alliance)}
    rows = []
    for unit in parties(alliance):
        signature, accession = signed.get(unit.pk), acceded.get(unit.pk)
        row = {"name": unit.name, "address": unit.address, "legal_representative": unit.legal_representative,
               "signer_name": "", "capacity": "", "signed_on": None, "version": None}
        if signature is not None:
            row.update(signer_name=signature.signer_name, capacity=str(signature.get_capacity_display()),
                       signed_on=signature.signed_on.isoformat(), version=signature.version.number)
        elif accession is not None:
            row.update(capacity=_("签署入盟协议"), signed_on=accession.signed_on.isoformat(), version=accession.agreement_version)
        rows.append(row)
    return rows


def bureau_agreement(alliance) -> dict | None:
    """附件2 as the bureau receives it (JSON-safe, frozen with a submission): the version in force,
    every clause as text, the clauses the regulation asks about as fields, the parties and their
    signatures. None while no version is in force."""
    version = in_force(alliance)
    if version is None:
        return None
    names = unit_names(alliance)
    clauses = version.clauses
    goals, ip, openness = (clauses.get(k, {}) for k in c.BUREAU_SECTIONS)
    return {
        "version": version.number, "effective_on": version.effective_on.isoformat(),
        "resolution_number": version.resolution_number,
        "sections": c.readable(clauses, names),
        "goals": {"near_term": goals.get("near_term", ""), "long_term": goals.get("long_term", ""),
                  "tasks": goals.get("tasks", ""),
                  "division": [{"unit": names.get(row["unit"], ""), "tasks": row["tasks"]} for row in goals.get("division", [])]},
        "ip": {"background": ip.get("background", ""), "foreground": ip.get("foreground", ""),
               "free_use_rd_only": bool(ip.get("free_use_rd_only")), "revenue": ip.get("revenue", "")},
        "openness": {"new_members": openness.get("new_members", ""), "cooperation": openness.get("cooperation", ""),
                     "diffusion": openness.get("diffusion", "")},
        "parties": binding_rows(alliance),
        "missing": c.missing(clauses),
    }
