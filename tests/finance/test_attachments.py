"""Voucher attachments: added before posting, covered by the entry's hash, frozen afterwards."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_scopes import scope

from alliances.errors import Conflict
from finance import services
from finance.models import Attachment, ImmutableError
from tests.finance.conftest import cny, post

URL = "/api/v1/alliances/{slug}/ledger/entries/{pk}/attachments/"


@pytest.fixture
def recorded(oe):
    fund = services.fund_for(alliance=oe.alliance, source="unrestricted")
    return services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 4, 1), description="办公用品",
                                 lines=[{"account": "5201", "fund": fund, "debit": cny(300)},
                                        {"account": "1002", "fund": fund, "credit": cny(300)}])


def test_voucher_uploaded_before_posting_is_hashed_into_the_entry(oe, api, recorded):
    content = b"%PDF-1.4 " + "发票 No.12345".encode()
    response = api(oe.user("sec")).post(URL.format(slug=oe.alliance.slug, pk=recorded.pk),
                                        {"file": SimpleUploadedFile("invoice.pdf", content)}, format="multipart")
    assert response.status_code == 201
    assert response.json()["attachments"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    posted = post(oe, recorded)
    with scope(alliance=oe.alliance):
        attachment = Attachment.objects.get()
        with pytest.raises(ImmutableError):
            attachment.delete()
    # Swapping the stored file breaks verification.
    with open(attachment.file.path, "wb") as handle:
        handle.write(b"forged")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_ledger", oe.alliance.slug, stdout=out)
    assert "invoice.pdf" in out.getvalue() and f"#{posted.sequence}" in out.getvalue()


def test_no_attachment_after_posting(oe, api, recorded):
    post(oe, recorded)
    response = api(oe.user("sec")).post(URL.format(slug=oe.alliance.slug, pk=recorded.pk),
                                        {"file": SimpleUploadedFile("late.pdf", b"x")}, format="multipart")
    assert response.status_code == 409
    with pytest.raises(Conflict):
        services.attachment_add(actor=oe.user("sec"), alliance=oe.alliance, entry=recorded,
                                upload=SimpleUploadedFile("late.pdf", b"x"))
    with scope(alliance=oe.alliance):
        assert not Attachment.objects.exists()


def test_auditor_cannot_upload(oe, api, recorded):
    response = api(oe.user("auditor")).post(URL.format(slug=oe.alliance.slug, pk=recorded.pk),
                                            {"file": SimpleUploadedFile("a.pdf", b"x")}, format="multipart")
    assert response.status_code == 403
    with scope(alliance=oe.alliance):
        assert not Attachment.objects.exists()


def test_page_upload_and_download(oe, client, recorded):
    client.force_login(oe.user("sec"))
    url = f"/a/{oe.alliance.slug}/finance/entries/{recorded.pk}/"
    client.post(url, {"action": "attach", "file": SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\n...")})
    with scope(alliance=oe.alliance):
        attachment = Attachment.objects.get()
    client.force_login(oe.user("auditor"))
    response = client.get(f"{url}attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n..."
    client.force_login(oe.user("rep-1"))
    assert client.get(f"{url}attachments/{attachment.pk}/").status_code == 403
