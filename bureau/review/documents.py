"""The printable notice of a published list (公布名单, 第十三条), signed by the bureau."""

from django_scopes import scopes_disabled

from alliances import signing
from bureau.documents import FONT_FAMILIES


def notice_pdf(published) -> bytes:
    with scopes_disabled():
        rows = list(published.reviews.select_related("alliance").order_by("recognition_number"))
    context = {"l": published, "rows": rows, "font_families": FONT_FAMILIES}
    return signing.render_signed("bureau/documents/list_notice.html", context, signing.BUREAU,
                                 reason=f"市科技局公布联盟名单 {published.number}"[:200])


def notice_filename(published) -> str:
    return f"联盟名单-{published.pk}.pdf"
