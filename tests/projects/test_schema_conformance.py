"""Responses are what /api/schema/ says (issue 14, point 8): a list is a page, money that may be
missing is documented nullable. Each response is validated against its operation's OpenAPI schema."""

import jsonschema
import pytest
from django_scopes import scope

from .conftest import running

pytestmark = pytest.mark.django_db


def _json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema (a value or null)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def assert_conforms(schema: dict, path: str, response) -> None:
    assert response.status_code == 200, response.content
    operation = schema["paths"][path]["get"]
    body_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    document = _json_schema({**body_schema, "components": schema["components"]})
    jsonschema.validate(response.json(), document, cls=jsonschema.Draft7Validator)


def test_project_lists_and_nullable_money_conform_to_the_schema(oe, api, draft):
    client = api(oe.user("sec"))
    schema = client.get("/api/schema/?format=json").json()
    project = running(oe, draft)
    base = f"/api/v1/alliances/{oe.alliance.slug}/projects/{project.pk}/"
    with scope(alliance=oe.alliance):
        lead = project.participants.first()
    change = client.post(base + "adjustments/", {"kind": "change", "reason": "调整任务分工",
                                                 "tasks": [{"participant": lead.pk, "tasks": "总体设计"}]}, format="json")
    assert change.status_code == 201, change.json()
    assert change.json()["clawback"] is None  # a change claws nothing back: null, and documented so

    versions = client.get(base + "versions/")
    assert versions.json()["count"] >= 1 and "results" in versions.json()  # a page, like every list
    assert_conforms(schema, "/api/v1/alliances/{slug}/projects/{id}/versions/", versions)
    assert_conforms(schema, "/api/v1/alliances/{slug}/projects/{id}/history/", client.get(base + "history/"))
    assert_conforms(schema, "/api/v1/alliances/{slug}/projects/{project_pk}/adjustments/", client.get(base + "adjustments/"))
    assert_conforms(schema, "/api/v1/alliances/{slug}/projects/{id}/", client.get(base))
    licences = client.get(f"/api/v1/alliances/{oe.alliance.slug}/licences/")
    assert_conforms(schema, "/api/v1/alliances/{slug}/licences/", licences)


def test_the_conformance_check_catches_a_bare_list_and_a_null_amount(oe, api):
    """The check above is not vacuous: yesterday's answers fail it."""
    schema = api(oe.user("sec")).get("/api/schema/?format=json").json()

    class Bare:
        status_code = 200
        content = b""

        def __init__(self, body):
            self.body = body

        def json(self):
            return self.body

    with pytest.raises(jsonschema.ValidationError):
        assert_conforms(schema, "/api/v1/alliances/{slug}/projects/{id}/versions/", Bare([]))
    transfer = {"id": 1, "number": "T", "asset": 1, "foreign": False, "transferees": [], "price": None,
                "agreed_on": "2026-01-01", "effective_on": None, "status": "effective", "status_reason": "",
                "bureau_submission_id": None, "created_at": "2026-01-01T00:00:00Z"}
    with pytest.raises(jsonschema.ValidationError):
        assert_conforms(schema, "/api/v1/alliances/{slug}/ip-transfers/{id}/", Bare(transfer))
