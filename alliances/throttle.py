"""Login throttling for the login page (the token endpoint uses DRF's scoped throttle)."""

from django.conf import settings
from django.core.cache import cache


def _key(request, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return f"login-failures:{username.strip().lower()}:{address}"


def login_blocked(request, username: str) -> bool:
    return cache.get(_key(request, username), 0) >= settings.LOGIN_MAX_FAILURES


def record_login_failure(request, username: str) -> None:
    key = _key(request, username)
    cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
