"""The accession chain: one link per signed accession record (入盟协议签署), written by
`services.member_sign_accession`. `head`, `hash_at` and `verify` are the chain's (alliances.chains).

`accession_content` reads plain attributes only: the data migration that sealed the records
existing before the chain (0003) calls it with its historical model.
"""

from alliances.chains import Chain, Link, iso


def accession_content(agreement) -> dict:
    return {
        "agreement": agreement.pk, "unit": agreement.unit_id, "signed_on": iso(agreement.signed_on),
        "signatory_unit": agreement.signatory_unit_id, "signatory": agreement.signatory_id,
        "recorded_by": agreement.recorded_by_id, "resolution_number": agreement.resolution_number,
        "agreement_version": agreement.agreement_version, "note": agreement.note,
        "recorded_at": iso(agreement.recorded_at),
    }


def _links(alliance):
    from membership.models import AccessionSeal

    seals = AccessionSeal.objects.with_scopes_disabled().filter(alliance=alliance).order_by("sequence")
    for seal in seals.select_related("agreement__unit").iterator(chunk_size=2000):
        agreement = seal.agreement
        yield Link(seal.sequence, agreement.pk, f"accession record {agreement.pk} of {agreement.unit.name}",
                   seal.previous_hash, seal.hash, accession_content(agreement))


def _unchained(alliance):
    from membership.models import AccessionAgreement, MemberTransition

    loose = AccessionAgreement.objects.with_scopes_disabled().filter(alliance=alliance, seal__isnull=True)
    for pk, unit in loose.values_list("pk", "unit__name")[:1]:
        yield pk, f"accession record {pk} of {unit} is not in the accession chain"
    # A deleted record whose seal was deleted and the head rewound still left its unit's history.
    signed = MemberTransition.objects.with_scopes_disabled().filter(
        alliance=alliance, event=MemberTransition.Event.ACCESSION_SIGNED, unit__accession__isnull=True)
    for pk, unit in signed.values_list("unit_id", "unit__name")[:1]:
        yield pk, f"member unit {pk} ({unit}) signed its accession but the accession record is missing"


accessions = Chain("accessions", "membership.AccessionSeal", _links, _unchained)

head, hash_at, verify = accessions.head, accessions.hash_at, accessions.verify
