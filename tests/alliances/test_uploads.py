"""Uploaded papers (issue 14, point 6): every upload is checked by its content, and a motion's papers,
a project's documents, a consultation's documents and vouchers are served by access-checked views
as downloads, never from /media/."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from alliances.uploads import detect_type, validate_upload
from finance import chart
from finance import services as finance
from governance import services as governance
from projects import services as projects
from tests.conftest import api_as

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _zip(*members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DISGUISED = {
    "windows program named .pdf": ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64),
    "web page named .pdf": ("paper.pdf", b"<html><script>alert(1)</script></html>"),
    "plain zip named .docx": ("paper.docx", _zip("payload.exe")),
}


def url(ctx, path=""):
    return f"/api/v1/alliances/{ctx.alliance.slug}/{path}"


def page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def upload(name="paper.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_downloads(client, link, content=PDF):
    response = client.get(link)
    assert response.status_code == 200, (link, response.status_code)
    assert response["Content-Disposition"].startswith("attachment;")
    assert _body(response) == content


@pytest.fixture
def project(oe):
    return projects.project_create(actor=oe.user("sec"), alliance=oe.alliance, title="深海传感器", lead_unit=oe.units[0])


@pytest.fixture
def draft_motion(oe):
    return governance.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="other", title="年度计划", body="正文",
                                    closes_at=timezone.now() + timedelta(days=2))


@pytest.fixture
def consultation(oe):
    with scope(alliance=oe.alliance):
        return governance.consultation_create(actor=oe.user("sec"), alliance=oe.alliance, title="技术咨询", question="q",
                                              experts=[oe.user("expert-2")], deadline=timezone.now() + timedelta(days=3))


@pytest.fixture
def recorded_entry(oe):
    fund = finance.fund_for(alliance=oe.alliance, source="other")
    return finance.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=date(2026, 1, 5), description="办公用品", lines=[
        {"account": chart.EXPENSE_OFFICE, "fund": fund, "debit": Money(10, "CNY")},
        {"account": chart.BANK, "fund": fund, "credit": Money(10, "CNY")},
    ])


def test_motion_papers_download_for_whoever_reads_the_motion(oe, bm, draft_motion):
    response = api_as(oe.user("sec")).post(url(oe, f"motions/{draft_motion.pk}/attachments/"),
                                           {"name": "计划说明", "file": upload()}, format="multipart")
    assert response.status_code == 201
    link = response.json()["url"]
    assert not link.startswith("/media/")
    assert_downloads(page(oe.user("sec")), link)
    assert page(oe.user("council-1")).get(link).status_code == 404  # a draft is the secretariat's
    governance.motion_open(actor=oe.user("sec"), alliance=oe.alliance, motion=draft_motion)
    assert api_as(oe.user("council-1")).get(url(oe, f"motions/{draft_motion.pk}/")).json()["attachments"][0]["url"] == link
    assert_downloads(page(oe.user("council-1")), link)
    assert page(oe.user("rep-1")).get(link).status_code == 403
    assert page(bm.user("sg")).get(link).status_code == 404
    assert page().get(link)["Location"].startswith("/accounts/login/")


def test_project_documents_download_for_whoever_sees_the_project(oe, bm, project):
    response = api_as(oe.user("sec")).post(url(oe, f"projects/{project.pk}/documents/"),
                                           {"title": "任务书", "kind": "task_book", "file": upload()}, format="multipart")
    assert response.status_code == 201
    link = response.json()["file"]
    assert api_as(oe.user("expert-1")).get(url(oe, f"projects/{project.pk}/documents/")).json()["results"][0]["file"] == link
    assert_downloads(page(oe.user("sec")), link)
    assert_downloads(page(oe.user("expert-1")), link)
    assert page(oe.user("rep-1")).get(link).status_code == 404  # their unit is not in the project
    assert page(bm.user("sg")).get(link).status_code == 404
    assert page().get(link)["Location"].startswith("/accounts/login/")
    assert f'href="{link}"' in page(oe.user("sec")).get(f"/a/{oe.alliance.slug}/projects/{project.pk}/").content.decode()


def test_consultation_documents_download_for_whoever_reads_the_consultation(oe, bm, consultation):
    response = api_as(oe.user("sec")).post(url(oe, f"consultations/{consultation.pk}/documents/"),
                                           {"name": "技术方案", "file": upload()}, format="multipart")
    assert response.status_code == 201
    link = response.json()["url"]
    assert_downloads(page(oe.user("expert-2")), link)
    assert page(oe.user("expert-3")).get(link).status_code == 404  # not asked
    assert page(bm.user("sg")).get(link).status_code == 404


UPLOAD_PATHS = {
    "voucher": lambda oe, o: (url(oe, f"ledger/entries/{o['entry'].pk}/attachments/"), {}),
    "motion paper": lambda oe, o: (url(oe, f"motions/{o['motion'].pk}/attachments/"), {"name": "说明"}),
    "project document": lambda oe, o: (url(oe, f"projects/{o['project'].pk}/documents/"), {"title": "任务书"}),
    "consultation document": lambda oe, o: (url(oe, f"consultations/{o['consultation'].pk}/documents/"), {"name": "材料"}),
}


@pytest.mark.parametrize("path", UPLOAD_PATHS)
def test_a_disguised_file_is_refused_on_every_upload_path(oe, path, recorded_entry, draft_motion, project, consultation):
    objects = {"entry": recorded_entry, "motion": draft_motion, "project": project, "consultation": consultation}
    endpoint, fields = UPLOAD_PATHS[path](oe, objects)
    for name, content in DISGUISED.values():
        response = api_as(oe.user("sec"), language="en").post(endpoint, {**fields, "file": upload(name, content)},
                                                              format="multipart")
        assert response.status_code == 400, (name, response.status_code)
        assert "by content" in str(response.json()["error"]["fields"]["file"])
    docx = _zip("[Content_Types].xml", "word/document.xml")
    response = api_as(oe.user("sec")).post(endpoint, {**fields, "file": upload("方案.docx", docx)}, format="multipart")
    assert response.status_code == 201


def test_content_decides_the_type_not_the_name():
    assert detect_type(io.BytesIO(PDF)) == "pdf"
    assert detect_type(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)) == "png"
    assert detect_type(io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * 16)) == "jpeg"
    assert detect_type(io.BytesIO(_zip("OFD.xml", "Doc_0/Document.xml"))) == "ofd"
    assert detect_type(io.BytesIO(_zip("[Content_Types].xml", "xl/workbook.xml"))) == "xlsx"
    assert detect_type(io.BytesIO(b"PK\x03\x04 broken")) is None
    for _name, content in DISGUISED.values():
        assert detect_type(io.BytesIO(content)) is None


# Files the product writes itself, never uploaded (a job's export or archive, which may be a plain ZIP):
# named one by one, so a new FileField is an upload until listed here.
PRODUCT_WRITTEN = {("alliances", "Job", "result")}


def test_every_file_field_is_checked_by_content():
    """A new FileField (a new upload path) carries the one validator."""
    fields = [field for model in apps.get_models() for field in model._meta.get_fields()
              if isinstance(field, models.FileField) and not model.__name__.startswith("Historical")]
    keys = {(f.model._meta.app_label, f.model.__name__, f.name) for f in fields}
    assert PRODUCT_WRITTEN <= keys  # the list names fields that exist
    uploads = [f for f in fields if (f.model._meta.app_label, f.model.__name__, f.name) not in PRODUCT_WRITTEN]
    assert uploads and all(validate_upload in field.validators for field in uploads), uploads


def test_api_clients_download_papers_with_their_token(oe, bm, project):
    """The links in API responses work for a token client too; a wrong token or another alliance's
    token opens nothing."""
    from rest_framework.authtoken.models import Token

    response = api_as(oe.user("sec")).post(url(oe, f"projects/{project.pk}/documents/"),
                                           {"title": "任务书", "kind": "task_book", "file": upload()}, format="multipart")
    link = response.json()["file"]
    own = Token.objects.create(user=oe.user("expert-1"))
    assert_downloads(Client(HTTP_AUTHORIZATION=f"Token {own.key}"), link)
    other = Token.objects.create(user=bm.user("sg"))
    assert Client(HTTP_AUTHORIZATION=f"Token {other.key}").get(link).status_code == 404
    assert Client(HTTP_AUTHORIZATION="Token not-a-token").get(link)["Location"].startswith("/accounts/login/")
    # Only downloads take a token: a page still needs a session.
    page_link = f"/a/{oe.alliance.slug}/projects/{project.pk}/"
    assert Client(HTTP_AUTHORIZATION=f"Token {own.key}").get(page_link)["Location"].startswith("/accounts/login/")
