"""Uploaded papers: the one check every upload passes, and the one way they are served.

An upload is accepted only if its content is a document or an image the product handles (PDF, OFD,
JPEG, PNG, DOCX, XLSX, PPTX): the type is read from the bytes, never from the name, so an `.exe` or
`.html` renamed `.pdf` is refused. Files are never served from `/media/`: a view that has checked
that the user may read the object streams them with `Content-Disposition: attachment`.
"""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Office Open XML and OFD (GB/T 33190) are ZIP containers: the type is named by the members it holds.
_ZIP_TYPES = (
    ("ofd", ("OFD.xml",)),
    ("docx", ("[Content_Types].xml", "word/document.xml")),
    ("xlsx", ("[Content_Types].xml", "xl/workbook.xml")),
    ("pptx", ("[Content_Types].xml", "ppt/presentation.xml")),
)
_SIGNATURES = (
    ("pdf", b"%PDF-"),
    ("jpeg", b"\xff\xd8\xff"),
    ("png", b"\x89PNG\r\n\x1a\n"),
)
ACCEPTED_TYPES = ("PDF", "OFD", "JPEG", "PNG", "DOCX", "XLSX", "PPTX")


def detect_type(file) -> str | None:
    """The document type of an uploaded or stored file, from its content; None if not accepted."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(8)
        for kind, signature in _SIGNATURES:
            if head.startswith(signature):
                return kind
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            try:
                with zipfile.ZipFile(file) as archive:
                    names = set(archive.namelist())
            except (zipfile.BadZipFile, OSError, ValueError):
                return None
            for kind, members in _ZIP_TYPES:
                if all(member in names for member in members):
                    return kind
        return None
    finally:
        file.seek(position)


def upload_errors(file) -> list:
    """What is wrong with an upload (empty, too large, not an accepted type), as field messages."""
    if file is None or not getattr(file, "size", 0):
        return [_("请选择文件。")]
    if file.size > MAX_UPLOAD_BYTES:
        return [_("文件不能超过20MB。")]
    if detect_type(file) is None:
        return [_("只接受PDF、OFD、JPEG、PNG、DOCX、XLSX、PPTX格式的文件（按文件内容判断，不看扩展名）。")]
    return []


def validate_upload(file) -> None:
    """The model field validator of every FileField (admin, model forms); services call `upload_errors`."""
    errors = upload_errors(file)
    if errors:
        raise ValidationError(errors)


def download(stored_file, name: str) -> FileResponse:
    """Serve a stored file as a download; the caller has already checked that the user may read it.
    `name` is what the user called it; the stored file's extension is added if it has none."""
    filename = name if PurePath(name).suffix else name + PurePath(stored_file.name).suffix
    return FileResponse(stored_file.open("rb"), as_attachment=True, filename=filename)
