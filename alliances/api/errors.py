"""One JSON shape for every API error:

    {"error": {"code": "invalid", "message": "...", "fields": {"uscc": ["..."]}}}

Messages are in the request's language (zh-hans by default, en via Accept-Language).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from django_scopes.exceptions import ScopeError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from alliances.errors import ServiceError


def _flatten(detail) -> dict:
    """DRF's nested error detail -> {"field": [messages]} (nested fields joined with dots)."""
    fields: dict[str, list[str]] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and not all(isinstance(v, (str, exceptions.ErrorDetail)) for v in value):
            for index, sub in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), sub)
        else:
            messages = value if isinstance(value, list) else [value]
            fields.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", detail)
    return fields


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": {k: [str(m) for m in v] for k, v in (fields or {}).items()}}}


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    if isinstance(exc, ScopeError):  # a query escaped its tenant: never leak, never 500 with details
        exc = exceptions.NotFound()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, SuspiciousOperation):  # too many fields, a body over the upload limit: the API's 400
        from django.utils.translation import gettext as _

        exc = exceptions.ParseError(_("请求体过大或字段过多。"))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        from django.utils.translation import gettext as _

        response.data = error_body("invalid", _("输入有误，请检查各字段。"), _flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(code if isinstance(code, str) else "error", detail)
    return response


@csrf_exempt  # a POST must meet the 404 too, not Django's HTML CSRF page
def api_not_found(request, *args, **kwargs):
    """Any /api/ URL that names no operation (the last route of config/urls.py): the API's JSON
    404, with DEBUG on or off (Django's debug 404 page never answers an API client)."""
    from django.http import JsonResponse

    return JsonResponse(error_body("not_found", exceptions.NotFound.default_detail), status=status.HTTP_404_NOT_FOUND)


def not_found(request, exception=None):
    """Django's 404 handler: an unmatched API URL answers in the API's JSON shape, a page in HTML."""
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return api_not_found(request)
    return page_not_found(request, exception)
