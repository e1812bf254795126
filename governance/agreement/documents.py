"""The agreement as a signed PDF (附件2): every clause, then the parties and their signatures,
signed with the alliance's certificate (alliances.signing)."""

from django.utils import translation

from alliances import signing
from governance.agreement import clauses as c
from governance.agreement import selectors


def version_pdf(version) -> bytes:
    with translation.override("zh-hans"):
        context = {"alliance": version.alliance, "version": version,
                   "sections": c.readable(version.clauses, selectors.unit_names(version.alliance)),
                   "parties": selectors.party_rows(version)}
    return signing.render_signed("governance/agreement/pdf.html", context, version.alliance,
                                 reason=f"联盟协议 第{version.number}版"[:200])


def version_filename(version) -> str:
    return f"联盟协议-第{version.number}版.pdf"
