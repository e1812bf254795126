"""Documents sent to the bureau: a JSON snapshot of the live data, and a PDF rendered from that
snapshot only (so the PDF can always be re-derived from what was frozen, never from live data).

The documents are official Chinese forms: they render in Chinese whatever the user's language.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from alliances import signing
from alliances.models import Organ, Role, RoleGrant, Seat
from bureau.models import FORM_FIELDS, NARRATIVE_FIELDS, Kind, Outcome, Submission
from governance.agreement import selectors as agreement_selectors
from membership import selectors as membership_selectors

SNAPSHOT_SCHEMA = 1
# Submissions that carry the agreement (附件2): refused while it is incomplete or unsigned.
AGREEMENT_KINDS = (Kind.RECOGNITION_APPLICATION, Kind.AGREEMENT_TEXT)
TOP_MEMBERS = 20  # 附件1 三、若成员单位超过20家，一般只填写20家主要成员单位
# Members counted in the application: admitted to the alliance and not gone.
FONT_FAMILIES = signing.FONT_FAMILIES


def _date(value):
    return value.isoformat() if value else None


def alliance_profile(alliance) -> dict:
    return {
        "name": alliance.name, "name_en": alliance.name_en, "code": alliance.code,
        "technology_field": alliance.technology_field, "status": alliance.status,
        "status_label": str(alliance.get_status_display()), "address": alliance.address,
        "contact_name": alliance.contact_name, "contact_phone": alliance.contact_phone,
        "contact_email": alliance.contact_email, "founded_on": _date(alliance.founded_on),
        "host_unit": alliance.host_unit.name if alliance.host_unit_id else "",
        "responsible_entity": alliance.responsible_entity.name if alliance.responsible_entity_id else "",
        "responsible_entity_scope": alliance.responsible_entity_scope,
        "agreement_version": agreement_selectors.in_force_number(alliance),
    }


def person_name(user) -> str:
    """A person's name as a form asks for it: 姓名 (last then first name) when recorded, else the
    account's display name."""
    return f"{user.last_name}{user.first_name}".strip() or str(user)


def chair_of(alliance) -> dict:
    """The chair (理事长): the person name of the councillor holding the chair seat, and that seat's unit."""
    seat = Seat.objects.filter(organ__kind=Organ.Kind.COUNCIL, is_chair=True, vacated_at__isnull=True).select_related("unit").first()
    if seat is None:
        return {"name": "", "unit": ""}
    grant = RoleGrant.objects.filter(seat=seat, role=Role.COUNCILLOR, revoked_at__isnull=True).select_related("user").first()
    return {"name": person_name(grant.user) if grant else "", "unit": seat.unit.name if seat.unit_id else ""}


def member_counts(alliance) -> dict:
    """Current members (admitted and not gone) per kind, with the labelled rows."""
    counts = membership_selectors.member_counts_by_kind(alliance)
    return {**counts, "by_kind": membership_selectors.kind_rows(counts)}


def main_members(alliance, limit: int = TOP_MEMBERS) -> list[dict]:
    """The main member units for 附件1 三: chair unit first, then vice-chair and council units, then the rest."""
    return membership_selectors.main_members(alliance, limit)


def recognition_data(submission: Submission) -> dict:
    alliance = submission.alliance
    return {
        "chair": chair_of(alliance),
        "member_counts": member_counts(alliance),
        "members": main_members(alliance),
    }


def subject_data(submission: Submission) -> dict | None:
    if submission.subject_type_id is None:
        return None
    subject = submission.subject
    return {
        "type": submission.subject_type.model_class()._meta.label_lower if submission.subject_type.model_class() else "",
        "type_label": str(submission.subject_type.model_class()._meta.verbose_name) if submission.subject_type.model_class() else "",
        "id": submission.subject_id,
        "label": str(subject) if subject is not None else "",
    }


def build_snapshot(submission: Submission, *, version: int, submitted_by=None, submitted_at=None) -> dict:
    """Everything the document shows, read from live data now (JSON-safe)."""
    from bureau import reports

    with translation.override("zh-hans"):
        alliance = submission.alliance
        snapshot = {
            "schema": SNAPSHOT_SCHEMA,
            "kind": submission.kind,
            "kind_label": str(Kind(submission.kind).label),
            "title": submission.title,
            "version": version,
            "submitted_at": timezone.localtime(submitted_at or timezone.now()).isoformat(timespec="seconds"),
            "submitted_on": timezone.localdate(submitted_at or timezone.now()).isoformat(),
            "submitted_by": str(submitted_by) if submitted_by else "",
            "alliance": alliance_profile(alliance),
            "narrative": {name: getattr(submission, name) for name in NARRATIVE_FIELDS},
            "form": {name: submission.payload.get(name, "") for name in FORM_FIELDS},
            "subject": subject_data(submission),
            "payload": {k: v for k, v in submission.payload.items() if k not in FORM_FIELDS},
        }
        if submission.kind in AGREEMENT_KINDS:
            # 附件2 generated from the version in force with its signatures, frozen with the submission.
            snapshot["agreement"] = agreement_selectors.bureau_agreement(alliance)
        if submission.kind == Kind.RECOGNITION_APPLICATION:
            snapshot["application"] = recognition_data(submission)
        elif submission.kind == Kind.ANNUAL_REPORT:
            report = reports.annual_report(alliance, int(submission.payload["year"]))
            # Late: sent after its deadline (31 March of the next year); the document says so.
            report["late"] = snapshot["submitted_on"] > report["deadline"]
            snapshot["annual_report"] = report
    return snapshot


TEMPLATES = {
    Kind.RECOGNITION_APPLICATION: "bureau/documents/recognition_application.html",
    Kind.NECESSITY_STATEMENT: "bureau/documents/necessity_statement.html",
    Kind.AGREEMENT_TEXT: "bureau/documents/agreement_text.html",
    Kind.ANNUAL_REPORT: "bureau/documents/annual_report.html",
}


def render_html(snapshot: dict) -> str:
    template = TEMPLATES.get(snapshot["kind"], "bureau/documents/generic.html")
    with translation.override("zh-hans"):
        return render_to_string(template, {"s": snapshot, "font_families": FONT_FAMILIES})


def render_pdf(snapshot: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(snapshot)).write_pdf()


def preview_pdf(submission: Submission) -> bytes:
    """A draft's document from today's live data (not frozen, not stored)."""
    return render_pdf(build_snapshot(submission, version=submission.version + 1))


# ---------------------------------------------------------------- signed copies (alliances.signing)


def review_of(version) -> dict | None:
    """The bureau's approving opinions on a version (附件1 九 and 十), JSON-safe; None until approved."""
    decision = version.decisions.filter(outcome=Outcome.APPROVED).order_by("-decided_at").first()
    if decision is None:
        return None
    return {"necessity_opinion": decision.necessity_opinion, "necessity_office": decision.necessity_office,
            "necessity_date": _date(decision.necessity_date), "organisation_opinion": decision.organisation_opinion,
            "organisation_office": decision.organisation_office, "organisation_date": _date(decision.organisation_date)}


def version_pdf(submission: Submission, version) -> bytes:
    """The frozen document; an approved recognition application's copy has sections 九 and 十 filled
    with the bureau's opinions, rendered from the frozen snapshot and the sealed decision."""
    if submission.kind == Kind.RECOGNITION_APPLICATION:
        review = review_of(version)
        if review is not None:
            return render_pdf({**version.snapshot, "review": review})
    return bytes(version.document)


def signed_document(submission: Submission, version) -> bytes:
    """The frozen document as served: signed with the alliance's certificate. The stored bytes (and
    their SHA-256) stay the unsigned original; the signature is added on the way out."""
    return signing.sign_pdf(version_pdf(submission, version), submission.alliance,
                            reason=f"报送市科技局 {submission.title} v{version.number}"[:200])


def document_filename(submission: Submission, version) -> str:
    with translation.override("zh-hans"):
        return f"{submission.alliance.name}-{Kind(submission.kind).label}-{submission.pk}-v{version.number}.pdf"


def decision_pdf(decision) -> bytes:
    """The bureau's decision (附件4 opinions), signed with the bureau's certificate."""
    context = {"d": decision, "submission": decision.submission, "alliance": decision.submission.alliance}
    return signing.render_signed("bureau/documents/decision.html", context, signing.BUREAU,
                                 reason=f"市科技局审核意见 {decision.submission.title}"[:200])


def review_form_pdf(decision) -> bytes:
    """附件4 审核意见表 as the regulation prints it, filled with the decision's opinions, signed by the bureau."""
    context = {"d": decision, "alliance": decision.submission.alliance, "font_families": FONT_FAMILIES}
    return signing.render_signed("bureau/documents/review_form.html", context, signing.BUREAU,
                                 reason=f"市科技局审核意见表 {decision.submission.title}"[:200])


def review_form_filename(decision) -> str:
    return f"审核意见表-{decision.submission.pk}-{decision.pk}.pdf"


def decision_filename(decision) -> str:
    return f"市科技局审核意见-{decision.submission.pk}-{decision.pk}.pdf"
