"""The signed link in every notice e-mail that turns its kind off (no login: the signature is the
proof). Read by alliances.notifications; written into each mail by alliances.outbox."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "lianmeng.unsubscribe"


def token(email: str, kind: str) -> str:
    return signing.dumps({"e": email.lower(), "k": kind}, salt=SALT, compress=True)


def url(email: str, kind: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("unsubscribe", kwargs={"token": token(email, kind)})


def read(value: str) -> tuple[str, str] | None:
    """(address, kind) of a genuine link, else None (forged, garbled, of another salt)."""
    try:
        data = signing.loads(value, salt=SALT)
        email, kind = data["e"], data["k"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (email, kind) if isinstance(email, str) and isinstance(kind, str) else None
