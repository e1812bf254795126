"""PAdES signatures (pyHanko) on the documents the platform issues: resolutions, accession records,
approved minutes, bureau submissions (signed by the alliance) and bureau decisions (signed by the bureau).

Each signer has a certificate: a real one named in `LIANMENG_SIGNING_CERTS` (PKCS#12 or PEM key + cert,
per alliance slug, "*" for any alliance, and "@bureau"), or, while `LIANMENG_SIGNING_DEV_CA` is on, an
end-entity certificate issued by a development CA generated for this deployment on first need and kept
under `LIANMENG_KEY_DIR/pdf/` (never in the database). Production turns the development CA off and a
system check refuses to start without real certificates (docs/operations.md).
"""

import datetime
import fcntl
import io
import os
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# "@" cannot start an alliance slug: no alliance can be configured with, or sign as, the bureau.
BUREAU = "@bureau"
BUREAU_NAME = "市科技局"
FIELD_NAME = "LianmengSignature"  # the one signature field of every document we sign
ANY_ALLIANCE = "*"
DEV_CA_NAME = "联盟平台开发测试CA"
DEV_CA_YEARS = 10
DEV_SIGNER_YEARS = 5

FONT_FAMILIES = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif'

_lock = threading.Lock()
_signers: dict[tuple, object] = {}  # (key dir, signer key, common name) -> pyhanko SimpleSigner


def signer_identity(signer) -> tuple[str, str, str]:
    """(configuration key, common name, file stem) of an alliance or of BUREAU."""
    if signer == BUREAU:
        return BUREAU, BUREAU_NAME, "bureau"
    return signer.slug, signer.name, f"alliance-{signer.pk}"


def pdf_key_dir() -> Path:
    return Path(settings.LIANMENG_KEY_DIR) / "pdf"


def configured_entry(key: str) -> dict | None:
    certs = settings.LIANMENG_SIGNING_CERTS
    if key == BUREAU:
        return certs.get(BUREAU)
    return certs.get(key) or certs.get(ANY_ALLIANCE)


def _passphrase(entry: dict) -> bytes | None:
    value = entry.get("passphrase")
    return value.encode() if value else None


def load_configured(entry: dict):
    """A pyHanko signer from a configured real certificate (PKCS#12, or PEM key + cert + chain)."""
    from pyhanko.sign import signers

    chain = entry.get("chain", [])
    if entry.get("pkcs12"):
        signer = signers.SimpleSigner.load_pkcs12(entry["pkcs12"], ca_chain_files=chain, passphrase=_passphrase(entry))
    else:
        signer = signers.SimpleSigner.load(entry["key"], entry["cert"], ca_chain_files=chain,
                                           key_passphrase=_passphrase(entry))
    if signer is None:
        raise ImproperlyConfigured(f"LIANMENG_SIGNING_CERTS: cannot load {entry}")
    return signer


def get_signer(signer):
    """The pyHanko signer for an alliance or BUREAU, loaded once per process."""
    key, common_name, stem = signer_identity(signer)
    cache_key = (str(settings.LIANMENG_KEY_DIR), key, common_name)
    with _lock:
        if cache_key not in _signers:
            entry = configured_entry(key)
            if entry:
                _signers[cache_key] = load_configured(entry)
            elif settings.LIANMENG_SIGNING_DEV_CA:
                _signers[cache_key] = _dev_signer(common_name, stem)
            else:
                raise ImproperlyConfigured(f"LIANMENG_SIGNING_CERTS has no certificate for {key!r}")
        return _signers[cache_key]


def sign_pdf(pdf_bytes: bytes, signer, reason: str, location: str = "") -> bytes:
    """The document with an invisible PAdES signature (SHA-256) of `signer` in field FIELD_NAME."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(bytes(pdf_bytes)), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location or None,
    )
    out = signers.PdfSigner(meta, signer=get_signer(signer)).sign_pdf(writer)
    return out.getvalue()


def render_signed(template: str, context: dict, signer, reason: str, location: str = "") -> bytes:
    """Render an official record (always in Chinese, like the bureau's forms) and sign it."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, "font_families": FONT_FAMILIES,
                                           "signer_name": signer_identity(signer)[1]})
    return sign_pdf(HTML(string=html).write_pdf(), signer, reason, location)


def pdf_response(data: bytes, filename: str, inline: bool = True):
    """A PDF response whose (possibly Chinese) file name survives (RFC 6266 filename*)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


# ---------------------------------------------------------------- development CA


def dev_ca_paths() -> tuple[Path, Path]:
    return pdf_key_dir() / "ca.cert.pem", pdf_key_dir() / "ca.key.pem"


@contextmanager
def _dir_lock(directory: Path):
    """One process at a time creates keys (two workers starting together must not make two CAs)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_key(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _load_key(path: Path):
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Lianmeng"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, subject_key, issuer, issuer_key, *, years: int, ca: bool):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    public = subject_key.public_key()
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public)
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=not ca, content_commitment=not ca, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem_cert(cert) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


def ensure_dev_ca():
    """The development CA's (certificate, key), created on first need. The caller holds the dir lock."""
    from cryptography import x509

    cert_path, key_path = dev_ca_paths()
    if cert_path.exists() and key_path.exists():
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), _load_key(key_path)
    key = _new_key()
    # A per-deployment name: two deployments' development CAs are never confused.
    name = _name(f"{DEV_CA_NAME} {secrets.token_hex(4)}")
    cert = _certificate(name, key, name, key, years=DEV_CA_YEARS, ca=True)
    _write_private(key_path, _pem_key(key))
    cert_path.write_bytes(_pem_cert(cert))
    return cert, key


def _dev_signer(common_name: str, stem: str):
    """The end-entity certificate of one signer under the development CA (re-issued if renamed)."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    directory = pdf_key_dir()
    cert_path, key_path = directory / f"{stem}.cert.pem", directory / f"{stem}.key.pem"
    with _dir_lock(directory):
        ca_cert, ca_key = ensure_dev_ca()
        current = None
        if cert_path.exists() and key_path.exists():
            current = x509.load_pem_x509_certificate(cert_path.read_bytes())
            cn = current.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
            if cn != common_name or current.issuer != ca_cert.subject:
                current = None
        if current is None:
            key = _new_key()
            cert = _certificate(_name(common_name), key, ca_cert.subject, ca_key, years=DEV_SIGNER_YEARS, ca=False)
            _write_private(key_path, _pem_key(key))
            cert_path.write_bytes(_pem_cert(cert))
    return signers.SimpleSigner.load(str(key_path), str(cert_path), ca_chain_files=(str(dev_ca_paths()[0]),))


# ---------------------------------------------------------------- system check


@checks.register(checks.Tags.security)
def check_signing_certificates(app_configs=None, **kwargs):
    """Without the development CA (production), the bureau and the alliances need real certificates."""
    errors = []
    certs = settings.LIANMENG_SIGNING_CERTS
    if not settings.LIANMENG_SIGNING_DEV_CA:
        if BUREAU not in certs:
            errors.append(checks.Error(
                "No signing certificate for the bureau (LIANMENG_SIGNING_CERTS['@bureau']).",
                hint="See docs/operations.md, 'Signed PDFs'.", id="lianmeng.E101"))
        if not set(certs) - {BUREAU}:
            errors.append(checks.Error(
                "No signing certificate for the alliances (LIANMENG_SIGNING_CERTS['<slug>'] or ['*']).",
                hint="See docs/operations.md, 'Signed PDFs'.", id="lianmeng.E102"))
    for key, entry in certs.items():
        try:
            load_configured(entry)
        except Exception as exc:  # any failure to read the files is the operator's to fix
            errors.append(checks.Error(f"LIANMENG_SIGNING_CERTS[{key!r}] cannot be loaded: {exc}",
                                       id="lianmeng.E103"))
    return errors
