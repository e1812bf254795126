"""The agreement signatures chain: one link per signature (governance.AgreementSignature), each
covering the signature and a digest of the signed version's clauses, so a clause changed after
signing breaks the chain as surely as an edited signature."""

import hashlib
import json

from alliances.chains import Chain, Link, iso


def clauses_digest(version) -> str:
    canonical = json.dumps({"number": version.number, "clauses": version.clauses}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def signature_content(signature) -> dict:
    return {
        "version": signature.version.number, "clauses": clauses_digest(signature.version),
        "unit": signature.unit_id, "signer_name": signature.signer_name, "capacity": signature.capacity,
        "proxy_letter": signature.proxy_letter.name or "", "signed_on": iso(signature.signed_on),
        "recorded_by": signature.recorded_by_id,
    }


def _links(alliance):
    from governance.models import AgreementSignature

    rows = AgreementSignature.objects.with_scopes_disabled().filter(alliance=alliance).order_by("sequence")
    for signature in rows.select_related("version", "unit").iterator(chunk_size=2000):
        yield Link(signature.sequence, signature.pk,
                   f"signature {signature.pk} of {signature.unit.name} on agreement version {signature.version.number}",
                   signature.previous_hash, signature.hash, signature_content(signature))


def _unchained(alliance):
    return iter(())  # the signature is its own link: it cannot exist outside the chain


signatures = Chain("agreement_signatures", "governance.AgreementSignature", _links, _unchained)
