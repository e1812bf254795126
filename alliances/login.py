"""Login protection shared by the login page and the API token endpoint.

- Per account: django-axes counts every failed `authenticate()` (page and API alike) and locks the
  account after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME (settings). Both login views call
  `authenticate(request=...)`, so one count covers both.
- Per address: a generous ceiling on *failed* logins (`LoginFailureThrottle`, rate `login_failures`),
  against password spraying from one address. Successes are never counted: a whole office behind one
  NAT can log in at once.
- Password-reset mails: at most `password_reset_email` per target e-mail and `password_reset_address`
  per client address (`password_reset_may_send`); past either the page answers alike but sends nothing.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


def is_locked_out(request) -> bool:
    """Whether axes refused (or has just locked) the account of this request's login attempt."""
    return bool(getattr(request, "axes_locked_out", False))


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("该账号登录失败次数过多，已暂时锁定，请%(minutes)d分钟后再试，或通过“忘记密码”重新设置密码。") % {"minutes": minutes}


def address_throttled_message() -> str:
    return _("此网络地址登录失败次数过多，请稍后再试。")


def lockout_response(request, original_response, credentials=None):
    """Axes' answer for a locked account: the login view's own, which already says so in the
    request's language (the page re-shows its form, the API answers its JSON error)."""
    original_response.status_code = 429
    return original_response


class LoginFailureThrottle(SimpleRateThrottle):
    """Refuses login attempts from an address past its failures per period; checking never counts,
    only a failed `authenticate()` does (`record_failure`, wired to Django's user_login_failed)."""

    scope = "login_failures"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # read per use: settings may change

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def throttle_success(self):
        return True

    def _recent(self, key) -> tuple[float, list]:
        """Now, and the times counted under `key` within the rate's window."""
        now = self.timer()
        return now, [t for t in self.cache.get(key, []) if t > now - self.duration]

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        key = self.get_cache_key(request)
        now, history = self._recent(key)
        self.cache.set(key, [now, *history], self.duration)


class _SentCountThrottle(LoginFailureThrottle):
    """Counts what was done (a mail sent) per `ident` within its scope's rate."""

    def __init__(self, scope, ident):
        self.scope = scope
        self.ident = ident
        super().__init__()

    def get_cache_key(self, request=None, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

    def has_room(self) -> bool:
        return self.rate is None or len(self._recent(self.get_cache_key())[1]) < self.num_requests

    def record_sent(self) -> None:
        self.record_failure(None)  # the key is the ident, not the request


def password_reset_may_send(request, email: str) -> bool:
    """Whether a password-reset mail may go to `email` for this request; counts it if so."""
    throttles = [
        _SentCountThrottle("password_reset_email", email.strip().lower()),
        _SentCountThrottle("password_reset_address", LoginFailureThrottle().get_ident(request)),
    ]
    if not all(t.has_room() for t in throttles):
        return False
    for throttle in throttles:
        throttle.record_sent()
    return True


@receiver(user_login_failed, dispatch_uid="alliances.login.count_failure_per_address")
def _count_failure_per_address(sender, credentials, request=None, **kwargs):
    if request is not None:
        LoginFailureThrottle().record_failure(request)
