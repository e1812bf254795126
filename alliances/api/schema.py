"""OpenAPI generation: views are introspected outside any request, so give them what a request
would (no tenant, scopes off: introspection reads no rows).

Every operation also documents the error bodies `alliances.api.errors.exception_handler` returns
(400 invalid input, 401 not signed in, 403 refused, 404 unknown or outsider, 409 refused by the
object's state, and any other error an operation declares), all in the one `Error` shape, so
clients and schema checks know them."""

from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_mock_request as spectacular_mock_request

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERROR_STATUSES = {
    "400": "Invalid input (`fields` names each field and its messages)",
    "401": "Not signed in (the answer carries `WWW-Authenticate: Token`)",
    "403": "The role may not do this",
    "404": "No such object, or not visible to this user",
    "409": "Refused by the object's current state",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def add_error_responses(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            for status, description in ERROR_STATUSES.items():
                if status == "409" and method not in WRITE_METHODS:
                    continue
                if status == "401" and not operation.get("security"):  # open to anonymous callers
                    continue
                operation["responses"].setdefault(status, {"content": ref, "description": description})
            for status, response in operation["responses"].items():
                if status.startswith("4") and "content" not in response:  # declared by the view (e.g. 429)
                    response["content"] = ref
    return schema


def allow_empty_query_values(schema: dict) -> dict:
    """An optional query parameter sent empty (`?as_of=`) means "not given", as in every filter and
    query serializer (django-filter, DRF): say so, so that only a wrong non-empty value is invalid."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return schema


class TenantAwareSchemaGenerator(SchemaGenerator):
    def get_schema(self, request=None, public=False):
        with scopes_disabled():
            return allow_empty_query_values(add_error_responses(super().get_schema(request=request, public=public)))


def build_mock_request(method, path, view, original_request, **kwargs):
    request = spectacular_mock_request(method, path, view, original_request, **kwargs)
    request.alliance = getattr(original_request, "alliance", None)
    return request


class AutoSchema(SpectacularAutoSchema):
    """Request bodies of input serializers are closed objects: the API refuses any other key (Input)."""

    def _map_basic_serializer(self, serializer, direction):
        from alliances.api.inputs import Input

        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, Input):
            schema["additionalProperties"] = False
        return schema
