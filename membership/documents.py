"""The signed record of an accession agreement (入盟协议签署记录), signed with the alliance's certificate."""

from alliances import signing
from membership.models import AccessionAgreement


def accession_pdf(agreement: AccessionAgreement) -> bytes:
    context = {"alliance": agreement.alliance, "a": agreement, "unit": agreement.unit}
    return signing.render_signed("membership/pdf/accession.html", context, agreement.alliance,
                                 reason=f"入盟协议签署记录 {agreement.unit.name}"[:200])


def accession_filename(agreement: AccessionAgreement) -> str:
    return f"入盟协议-{agreement.unit.name}-{agreement.signed_on:%Y%m%d}.pdf"
