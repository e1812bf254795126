"""Signed PDFs (issue 16 point 4): resolutions, accession records, approved minutes, bureau submissions
and decisions are served with a PAdES signature that pyHanko validates against the development CA,
that one changed byte breaks, and that only the object's readers can fetch."""

import io
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from alliances import signing
from bureau import services as bureau
from bureau.models import Decision
from governance import services as governance
from governance.models import Meeting, Motion, Resolution
from membership import services as membership
from membership.models import AccessionAgreement, MemberUnit
from tests.bureau.conftest import OPINION, submitted
from tests.governance.helpers import pass_resolution
from tests.membership.conftest import complete_fields

COUNCIL = ["chair", "council-1", "council-2", "council-3", "council-4"]

pytestmark = pytest.mark.django_db


def validate(data: bytes):
    reader = PdfFileReader(io.BytesIO(data))
    [signature] = reader.embedded_signatures
    trusted = load_cert_from_pemder(str(signing.dev_ca_paths()[0]))
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[trusted]))
    return signature, status


def signed_by(data: bytes) -> str:
    signature, status = validate(data)
    assert signature.field_name == signing.FIELD_NAME
    assert status.intact and status.valid and status.trusted and status.bottom_line, status.pretty_print_details()
    return status.signing_cert.subject.native["common_name"]


def flip_signed_byte(data: bytes) -> bytes:
    """Change one byte inside the first signed range (in a content stream, so the file still parses)."""
    signature, _ = validate(data)
    start, length = signature.byte_range[0], signature.byte_range[1]
    position = data.index(b"stream", start, start + length) + 20
    assert position < start + length
    altered = bytearray(data)
    altered[position] ^= 0x01
    return bytes(altered)


def filename_of(response) -> str:
    header = response["Content-Disposition"]
    return unquote(header.split("filename*=utf-8''", 1)[1]) if "filename*=" in header else header


def first(ctx, model, **filters):
    with scope(alliance=ctx.alliance):
        return model.objects.filter(**filters).order_by("pk").first()


def a_resolution(ctx) -> Resolution:
    return first(ctx, Resolution, number=pass_resolution(ctx, title="关于设立海洋传感器标准工作组的决议"))


def an_accession(ctx) -> AccessionAgreement:
    """A unit admitted by a real council vote, then the chair signs its accession agreement."""
    sec, alliance = ctx.user("sec"), ctx.alliance
    unit = membership.member_apply(actor=sec, alliance=alliance, **complete_fields())
    unit = membership.member_review_start(actor=sec, alliance=alliance, unit=unit)
    unit = membership.member_submit_for_admission(actor=sec, alliance=alliance, unit=unit,
                                                  closes_at=timezone.now() + timedelta(days=3))
    motion = first(ctx, Motion, pk=unit.pending_motion_id)
    for name in COUNCIL:
        governance.vote_cast(actor=ctx.user(name), alliance=alliance, motion=motion, choice="for")
    governance.motion_close(actor=sec, alliance=alliance, motion=motion)
    membership.member_sign_accession(actor=ctx.user("chair"), alliance=alliance, unit=first(ctx, MemberUnit, pk=unit.pk))
    return first(ctx, AccessionAgreement, unit_id=unit.pk)


def a_meeting(ctx, *, approved: bool) -> Meeting:
    sec, alliance = ctx.user("sec"), ctx.alliance
    meeting = governance.meeting_create(actor=sec, alliance=alliance, title="联盟第一届理事会第三次会议",
                                        starts_at=timezone.now() + timedelta(days=1), agenda=["审议预算"])
    if approved:
        with scope(alliance=alliance):
            seats = [seat for seat, _ in governance.council_seats_with_holders()]
        governance.attendance_record(actor=sec, alliance=alliance, meeting=meeting, present_seats=seats, absent_seats=[])
        governance.minutes_draft(actor=sec, alliance=alliance, meeting=meeting, text="会议审议通过了年度预算。")
        governance.minutes_approve(actor=ctx.user("sg"), alliance=alliance, meeting=meeting)
    return meeting


def test_resolution_pdf_is_signed_by_the_alliance_and_one_changed_byte_breaks_it(oe, bm, api, client):
    resolution = a_resolution(oe)
    url = f"/api/v1/alliances/{oe.alliance.slug}/resolutions/{resolution.pk}/pdf/"
    response = api(oe.user("council-1")).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert filename_of(response) == f"决议-{resolution.number}.pdf"
    data = response.content
    assert signed_by(data) == oe.alliance.name

    _, status = validate(flip_signed_byte(data))
    assert not status.intact and not status.bottom_line

    assert api(bm.user("sec")).get(url).status_code == 404
    client.force_login(bm.user("chair"))
    assert client.get(f"/a/{oe.alliance.slug}/resolutions/{resolution.pk}/pdf/").status_code == 404


def test_resolution_pdf_page_is_linked_and_served(oe, client):
    resolution = a_resolution(oe)
    client.force_login(oe.user("auditor"))
    page = client.get(f"/a/{oe.alliance.slug}/resolutions/{resolution.pk}/")
    link = f"/a/{oe.alliance.slug}/resolutions/{resolution.pk}/pdf/"
    assert link in page.content.decode()
    assert link in client.get(f"/a/{oe.alliance.slug}/motions/{resolution.motion_id}/").content.decode()
    assert signed_by(client.get(link).content) == oe.alliance.name


def test_submission_document_is_served_signed_by_the_alliance(oe, bm, api, bureau_user):
    submission = submitted(oe)
    url = f"/api/v1/alliances/{oe.alliance.slug}/submissions/{submission.pk}/document/"
    response = api(oe.user("sec")).get(url)
    assert response.status_code == 200
    assert signed_by(response.content) == oe.alliance.name
    assert oe.alliance.name in filename_of(response)
    with scope(alliance=oe.alliance):
        stored = bytes(submission.current_version.document)
    # The signature is an incremental update: the frozen document is its untouched prefix.
    assert response.content.startswith(stored) and len(response.content) > len(stored)

    bureau_copy = api(bureau_user).get(f"/api/v1/bureau/submissions/{submission.pk}/document/")
    assert signed_by(bureau_copy.content) == oe.alliance.name
    assert api(bm.user("sec")).get(url).status_code == 404


def test_accession_record_is_signed_and_read_only_by_the_units_readers(oe, bm, api, client):
    agreement = an_accession(oe)
    url = f"/api/v1/alliances/{oe.alliance.slug}/members/{agreement.unit_id}/accession/pdf/"
    response = api(oe.user("sec")).get(url)
    assert response.status_code == 200
    assert signed_by(response.content) == oe.alliance.name
    assert filename_of(response).startswith("入盟协议-")
    _, status = validate(flip_signed_byte(response.content))
    assert not status.intact

    assert api(bm.user("sec")).get(url).status_code == 404
    client.force_login(oe.user("chair"))
    page_link = f"/a/{oe.alliance.slug}/members/{agreement.unit_id}/accession/pdf/"
    assert page_link in client.get(f"/a/{oe.alliance.slug}/members/{agreement.unit_id}/").content.decode()
    assert signed_by(client.get(page_link).content) == oe.alliance.name
    # A representative reads only their own unit (membership.selectors.visible_units).
    assert api(oe.user("rep-1")).get(url).status_code == 404


def test_approved_minutes_are_signed_and_drafts_are_not_served(oe, bm, api, client):
    meeting = a_meeting(oe, approved=True)
    url = f"/api/v1/alliances/{oe.alliance.slug}/meetings/{meeting.pk}/minutes/pdf/"
    assert signed_by(api(oe.user("council-2")).get(url).content) == oe.alliance.name
    client.force_login(oe.user("council-2"))
    page_link = f"/a/{oe.alliance.slug}/meetings/{meeting.pk}/minutes/pdf/"
    assert page_link in client.get(f"/a/{oe.alliance.slug}/meetings/{meeting.pk}/").content.decode()
    assert signed_by(client.get(page_link).content) == oe.alliance.name
    assert api(bm.user("sec")).get(url).status_code == 404
    draft = a_meeting(oe, approved=False)
    assert api(oe.user("sec")).get(f"/api/v1/alliances/{oe.alliance.slug}/meetings/{draft.pk}/minutes/pdf/").status_code == 404


def test_bureau_decision_is_signed_by_the_bureau(oe, bm, api, bureau_user, client):
    submission = submitted(oe)
    bureau.submission_decide(actor=bureau_user, submission=submission, decision="approved", **OPINION)
    with scopes_disabled():
        decision = Decision.objects.get(submission=submission)
    path = f"submissions/{decision.submission_id}/decisions/{decision.pk}/pdf/"
    assert signed_by(api(bureau_user).get(f"/api/v1/bureau/{path}").content) == signing.BUREAU_NAME
    alliance_url = f"/api/v1/alliances/{oe.alliance.slug}/{path}"
    assert signed_by(api(oe.user("sg")).get(alliance_url).content) == signing.BUREAU_NAME
    assert api(bm.user("sec")).get(alliance_url).status_code == 404

    client.force_login(bureau_user)
    review = client.get(f"/bureau/submissions/{decision.submission_id}/").content.decode()
    assert f"/bureau/{path}" in review
    assert signed_by(client.get(f"/bureau/{path}").content) == signing.BUREAU_NAME


def test_signer_certificates_are_made_once_and_kept_outside_the_database(oe):
    first_signer = signing.get_signer(oe.alliance)
    assert signing.get_signer(oe.alliance) is first_signer  # cached per process
    directory = signing.pdf_key_dir()
    assert (directory / "ca.cert.pem").exists() and (directory / f"alliance-{oe.alliance.pk}.key.pem").exists()
    assert (directory / f"alliance-{oe.alliance.pk}.key.pem").stat().st_mode & 0o077 == 0


def test_an_alliance_whose_slug_is_bureau_never_gets_the_bureau_certificate(settings):
    settings.LIANMENG_SIGNING_CERTS = {"@bureau": {"pkcs12": "bureau.p12"}, "*": {"pkcs12": "alliances.p12"}}
    assert signing.configured_entry("bureau") == {"pkcs12": "alliances.p12"}
    assert signing.configured_entry(signing.BUREAU) == {"pkcs12": "bureau.p12"}
