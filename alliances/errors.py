"""Domain errors raised by services; the API maps them to HTTP in one place (api/errors.py).

Messages are lazy translations: they render in the language of the request that reads them.
"""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status = 400
    code = "invalid"
    default_message = _("请求无效。")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        # {"field": [message, ...]}: messages per input field.
        self.fields = {k: v if isinstance(v, (list, tuple)) else [v] for k, v in (fields or {}).items()}
        super().__init__(str(self.message))


class ValidationFailed(ServiceError):
    status = 400
    code = "invalid"
    default_message = _("输入有误，请检查各字段。")


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"
    default_message = _("您没有执行此操作的权限。")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = _("未找到。")


class Conflict(ServiceError):
    """The object is in a state that does not allow this action (illegal transition, sealed, closed)."""

    status = 409
    code = "conflict"
    default_message = _("当前状态不允许此操作。")


class TooManyAttempts(ServiceError):
    """Too many failed logins: the account is locked for a while, or the address is throttled."""

    status = 429
    code = "locked_out"
    default_message = _("登录失败次数过多，请稍后再试。")


class AllianceReadOnly(Conflict):
    """A dissolved alliance is an archive: readable and verifiable, never written again."""

    code = "alliance_read_only"
    default_message = _("联盟已解散，数据只读。")
