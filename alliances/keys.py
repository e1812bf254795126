"""The checkpoint signing key (Ed25519). The private key never enters the database: it is read
from `LIANMENG_CHECKPOINT_KEY` (PEM text) or from `<LIANMENG_KEY_DIR>/checkpoint.key`.

Every public key ever used stays in `<LIANMENG_KEY_DIR>/public/<key id>.pem`: those files (and
the current key) are the keys a checkpoint may be signed with. A checkpoint also carries its
public key, so an outsider can check it, but verification here trusts only the key directory:
a key written into the database beside a forged checkpoint proves nothing.
"""

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

PRIVATE_NAME = "checkpoint.key"


def key_dir() -> Path:
    return Path(settings.LIANMENG_KEY_DIR)


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """The key id: the first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _load_private(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the checkpoint key must be an Ed25519 key")
    return key


def signing_key() -> Ed25519PrivateKey | None:
    """The current private key, or None when none is configured."""
    pem = getattr(settings, "LIANMENG_CHECKPOINT_KEY", "") or ""
    if pem.strip():
        return _load_private(pem.encode())
    path = key_dir() / PRIVATE_NAME
    if path.is_file():
        return _load_private(path.read_bytes())
    return None


def _write_public(public_key: Ed25519PublicKey) -> str:
    key_id = fingerprint(public_key)
    public = key_dir() / "public"
    public.mkdir(parents=True, exist_ok=True)
    path = public / f"{key_id}.pem"
    if not path.exists():
        path.write_text(public_pem(public_key))
    return key_id


def _write_private(key: Ed25519PrivateKey) -> None:
    directory = key_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / PRIVATE_NAME
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.replace(tmp, path)


def init_keys() -> tuple[str, bool]:
    """Create the key if there is none (idempotent): (key id, created)."""
    key = signing_key()
    if key is not None:
        return _write_public(key.public_key()), False
    key = Ed25519PrivateKey.generate()
    _write_private(key)
    return _write_public(key.public_key()), True


def rotate() -> tuple[str | None, str]:
    """A new private key replaces the old one in the key directory; the old public key stays.
    Returns (old key id, new key id)."""
    if (getattr(settings, "LIANMENG_CHECKPOINT_KEY", "") or "").strip():
        raise RuntimeError("the key comes from LIANMENG_CHECKPOINT_KEY: rotate it there (see docs/operations.md)")
    old = signing_key()
    old_id = _write_public(old.public_key()) if old is not None else None
    key = Ed25519PrivateKey.generate()
    _write_private(key)
    return old_id, _write_public(key.public_key())


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """Key id -> public key: every key of the key directory, and the current one."""
    keys = {}
    public = key_dir() / "public"
    if public.is_dir():
        for path in sorted(public.glob("*.pem")):
            key = serialization.load_pem_public_key(path.read_bytes())
            if isinstance(key, Ed25519PublicKey):
                keys[fingerprint(key)] = key
    current = signing_key()
    if current is not None:
        keys[fingerprint(current.public_key())] = current.public_key()
    return keys


def verify_signature(public_key: Ed25519PublicKey, signature_hex: str, message: bytes) -> bool:
    try:
        public_key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
