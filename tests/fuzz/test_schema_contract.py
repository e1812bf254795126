"""What the schema rules out is refused with a 400 naming the parameter, never silently ignored or
coerced (found by schemathesis' negative data): pagination, filters, typed JSON bodies."""

import pytest

from alliances.api.pagination import Pagination
from tests.conftest import api_as
from tests.fuzz.conftest import api_schema

API = "/api/v1/alliances/ocean-equipment/"


@pytest.mark.parametrize("value", ["null", "0", "-1", "0.5", "201", "abc"])
def test_page_size_outside_1_to_200_is_400(oe, value):
    response = api_as(oe.user("sec")).get(API + "members/", {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()["error"]["fields"]


def test_page_size_in_range_or_empty_is_used(oe):
    client = api_as(oe.user("sec"))
    assert len(client.get(API + "members/", {"page_size": "2"}).json()["results"]) == 2
    assert client.get(API + "members/", {"page_size": ""}).status_code == 200
    assert Pagination.max_page_size == 200


@pytest.mark.parametrize("query", ["projects/?unit=0.5", "ledger/contributions/?year=0.5", "resolutions/?year=0.5",
                                   "ledger/entries/?sequence=0.5", "ledger/funds/?restricted=null",
                                   "licences/?free_internal_rd=maybe", "ip-transfers/?foreign=maybe"])
def test_filter_value_of_the_wrong_type_is_400_not_ignored(oe, query):
    response = api_as(oe.user("sec")).get(API + query)
    assert response.status_code == 400, response.content
    assert query.split("?")[1].split("=")[0] in response.json()["error"]["fields"]


def test_boolean_filter_takes_true_and_false(oe):
    client = api_as(oe.user("sec"))
    for value in ("true", "false", "1", "0", ""):
        assert client.get(API + "ledger/funds/", {"restricted": value}).status_code == 200, value


@pytest.mark.parametrize("route, body, field", [
    ("roles/", {"email": "a@example.com", "display_name": "A", "username": 0, "role": "staff"}, "username"),
    ("seats/", {"organ_kind": "council", "title": "理事", "is_chair": 0, "position": 0}, "is_chair"),
    ("meetings/", {"title": "会议", "starts_at": "2030-01-01T00:00:00Z", "location": 0}, "location"),
    ("submissions/", {"kind": "recognition_application", "title": 0, "year": 2030}, "title"),
    ("seats/", {"organ_kind": "council", "title": "理事", "is_chair": False, "position": "1"}, "position"),
])
def test_json_body_field_of_the_wrong_type_is_400_not_coerced(oe, route, body, field):
    response = api_as(oe.user("sec"), language="en").post(API + route, body, format="json")
    assert response.status_code == 400, response.content
    assert "Wrong type" in " ".join(response.json()["error"]["fields"][field])


def test_the_api_takes_json_bodies_and_multipart_only_for_uploads(oe):
    """A form body would read "" as "not given" and "0" as false: the API documents and takes JSON."""
    response = api_as(oe.user("sec")).post(API + "seats/", {"organ_kind": "council", "title": "理事"}, format="multipart")
    assert response.status_code == 415
    body = api_schema()["paths"]["/api/v1/alliances/{slug}/seats/"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json"}


def test_a_body_with_too_many_fields_is_a_json_400(oe, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as(oe.user("sec"), language="en").post(API + "seats/", {"title": "x" * 2000}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The request body is too large or has too many fields."


def test_empty_optional_query_value_means_not_given_and_the_schema_says_so(oe):
    client = api_as(oe.user("sec"))
    assert client.get(API + "ledger/trial-balance/", {"as_of": ""}).status_code == 200
    parameters = api_schema()["paths"]["/api/v1/alliances/{slug}/ledger/trial-balance/"]["get"]["parameters"]
    assert next(p for p in parameters if p["name"] == "as_of")["allowEmptyValue"] is True


def test_fund_balances_document_no_filters_they_do_not_apply(oe):
    parameters = api_schema()["paths"]["/api/v1/alliances/{slug}/ledger/funds/balances/"]["get"].get("parameters", [])
    assert {p["name"] for p in parameters if p["in"] == "query"} == {"as_of"}
