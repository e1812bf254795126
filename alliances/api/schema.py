"""OpenAPI generation: views are introspected outside any request, so give them what a request
would (no tenant, scopes off: introspection reads no rows)."""

from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import build_mock_request as spectacular_mock_request


class TenantAwareSchemaGenerator(SchemaGenerator):
    def get_schema(self, request=None, public=False):
        with scopes_disabled():
            return super().get_schema(request=request, public=public)


def build_mock_request(method, path, view, original_request, **kwargs):
    request = spectacular_mock_request(method, path, view, original_request, **kwargs)
    request.alliance = getattr(original_request, "alliance", None)
    return request
