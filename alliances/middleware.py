"""Opens the tenant scope for every request that addresses one alliance.

`/a/<slug>/...` (pages) and `/api/v1/alliances/<slug>/...` (API) run inside
`scope(alliance=<that alliance>)`; an unknown slug is 404. Whether the user may see the alliance
is decided by the page mixin (session users) and the API permission (token users): both answer 404.
Bureau paths run with scopes disabled, behind the bureau-officer check of their views.
"""

import re

from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from alliances.api.errors import error_body
from alliances.models import Alliance

ALLIANCE_PATH = re.compile(r"^/(?P<api>api/v1/alliances|a)/(?P<slug>[-\w]+)(?:/|$)")
# Paths whose views check their own access and may read across tenants. The OpenAPI schema is
# here because generating it introspects every viewset's queryset; it returns no data.
CROSS_TENANT_PATH = re.compile(r"^/(?:bureau|api/v1/bureau|admin|platform|api/schema|api/docs)(?:/|$)")


class AllianceScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.alliance = None
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            # PostgreSQL text cannot hold NUL: refuse it here rather than let a query fail with a 500.
            # (Body fields are refused by the serializers' and forms' own NUL validators.)
            message = _("请求参数含有无效字符。")
            if request.path_info.startswith("/api/"):
                return JsonResponse(error_body("invalid", message), status=400)
            return HttpResponseBadRequest(message)
        match = ALLIANCE_PATH.match(request.path_info)
        if match:
            request.alliance = Alliance.objects.filter(slug=match["slug"]).first()
            if request.alliance is None:
                if match["api"] != "a":
                    return JsonResponse(error_body("not_found", _("未找到。")), status=404)
                raise Http404
            with scope(alliance=request.alliance):
                return self.get_response(request)
        if CROSS_TENANT_PATH.match(request.path_info):
            with scopes_disabled():
                return self.get_response(request)
        with scope():
            return self.get_response(request)
