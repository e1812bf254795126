import pytest

from django_scopes import scope

from alliances.models import Organ, RoleGrant, Seat, User
from tests.conftest import api_as
from tests.governance.helpers import pass_resolution


def test_token_endpoint_returns_a_token_usable_as_authorization(oe):
    client = api_as()
    response = client.post("/api/v1/auth/token/", {"username": "ocean-equipment-sec", "password": "demo-pass-2026"})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/alliances/ocean-equipment/").json()["slug"] == "ocean-equipment"


def test_errors_have_one_shape_with_field_messages_in_the_request_language(oe):
    payload = {"email": "not-an-email", "role": "emperor"}
    zh = api_as(oe.user("sec")).post("/api/v1/alliances/ocean-equipment/roles/", payload, format="json")
    en = api_as(oe.user("sec"), language="en").post("/api/v1/alliances/ocean-equipment/roles/", payload, format="json")
    assert zh.status_code == en.status_code == 400
    assert set(zh.json()["error"]["fields"]) == {"email", "role"}
    assert zh.json()["error"]["message"] == "输入有误，请检查各字段。"
    assert en.json()["error"]["message"] == "Please check the fields."


def test_another_alliances_id_in_a_related_field_is_400(oe, bm):
    with scope(alliance=bm.alliance):
        foreign_seat = Seat.objects.filter(organ__kind=Organ.Kind.EXPERT_COMMITTEE).first()
    before = User.objects.count()
    response = api_as(oe.user("sec")).post("/api/v1/alliances/ocean-equipment/roles/", {
        "email": "leak@example.com", "role": "expert", "seat": foreign_seat.pk,
    }, format="json")
    assert response.status_code == 400 and "seat" in response.json()["error"]["fields"]
    assert User.objects.count() == before


def test_invite_through_the_api_and_revoke(oe):
    client = api_as(oe.user("sec"))
    created = client.post("/api/v1/alliances/ocean-equipment/roles/",
                          {"email": "aud2@example.com", "role": "staff"}, format="json")
    assert created.status_code == 201
    grant_id = created.json()["id"]
    revoked = client.post(f"/api/v1/alliances/ocean-equipment/roles/{grant_id}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    again = client.post(f"/api/v1/alliances/ocean-equipment/roles/{grant_id}/revoke/")
    assert again.status_code == 409


def test_read_only_roles_cannot_write(oe):
    for suffix in ("council-1", "auditor", "rep-1", "expert-1"):
        response = api_as(oe.user(suffix)).post("/api/v1/alliances/ocean-equipment/roles/",
                                                  {"email": "z@example.com", "role": "auditor"}, format="json")
        assert response.status_code == 403, suffix
    assert not User.objects.filter(email="z@example.com").exists()


def test_bureau_reads_every_alliance_and_changes_nothing(oe, bm, bureau_user):
    client = api_as(bureau_user)
    assert {a["slug"] for a in client.get("/api/v1/alliances/").json()["results"]} == {"ocean-equipment", "biomed"}
    assert client.get("/api/v1/alliances/biomed/seats/").status_code == 200
    response = client.post("/api/v1/alliances/biomed/roles/", {"email": "b@example.com", "role": "staff"}, format="json")
    assert response.status_code == 403
    with scope(alliance=bm.alliance):
        assert not RoleGrant.objects.filter(user__email="b@example.com").exists()


def test_every_list_is_paginated(oe):
    body = api_as(oe.user("sec")).get("/api/v1/alliances/ocean-equipment/seats/?page_size=3").json()
    assert body["count"] == 10 and len(body["results"]) == 3 and body["next"]


def test_openapi_schema_is_served_as_json(oe):
    response = api_as().get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/auth/token/" in response.json()["paths"]
    assert api_as().get("/api/docs/").status_code == 200


def test_secretary_general_sets_the_responsible_entity_with_its_written_scope(oe, bm):
    client = api_as(oe.user("sg"))
    unit = oe.units[1]
    missing_scope = client.patch("/api/v1/alliances/ocean-equipment/",
                                 {"responsible_entity": unit.pk, "responsible_entity_scope": ""}, format="json")
    assert missing_scope.status_code == 400 and "responsible_entity_scope" in missing_scope.json()["error"]["fields"]
    foreign = client.patch("/api/v1/alliances/ocean-equipment/", {"host_unit": bm.units[0].pk}, format="json")
    assert foreign.status_code == 400 and "host_unit" in foreign.json()["error"]["fields"]
    ok = client.patch("/api/v1/alliances/ocean-equipment/",
                      {"responsible_entity": unit.pk, "responsible_entity_scope": "对外签约"}, format="json")
    assert ok.status_code == 200 and ok.json()["responsible_entity_name"] == unit.name
    oe.alliance.refresh_from_db()
    assert oe.alliance.history.first().history_user == oe.user("sg")
    assert api_as(oe.user("sec")).patch("/api/v1/alliances/ocean-equipment/", {"address": "x"}, format="json").status_code == 403


def test_council_seat_needs_the_councils_appointment_resolution_about_its_unit(oe, bm):
    client = api_as(oe.user("sec"))
    payload = {"organ_kind": "council", "title": "理事", "unit": oe.units[6].pk}
    bare = client.post("/api/v1/alliances/ocean-equipment/seats/", payload, format="json")
    assert bare.status_code == 400 and "resolution_number" in bare.json()["error"]["fields"]
    other_unit = pass_resolution(oe, kind="appointment", subject_unit=oe.units[7])
    other_alliance = pass_resolution(bm, kind="appointment", subject_unit=bm.units[6])
    for number in ("OE-2026-999", other_unit, other_alliance):
        refused = client.post("/api/v1/alliances/ocean-equipment/seats/", payload | {"resolution_number": number}, format="json")
        assert refused.status_code == 400 and "resolution_number" in refused.json()["error"]["fields"], number
    number = pass_resolution(oe, kind="appointment", subject_unit=oe.units[6])
    response = client.post("/api/v1/alliances/ocean-equipment/seats/", payload | {"resolution_number": number}, format="json")
    assert response.status_code == 201 and response.json()["unit_name"] == oe.units[6].name
    assert response.json()["resolution_number"] == number
    second_chair = client.post("/api/v1/alliances/ocean-equipment/seats/",
                               {"organ_kind": "council", "title": "理事长", "is_chair": True}, format="json")
    assert second_chair.status_code == 409


def test_an_unmatched_api_url_answers_404_in_the_error_shape(oe, api):
    response = api(oe.user("sec"), language="en").get("/api/v1/alliances/ocean-equipment/consultations/0.5/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"] == "Not found."


@pytest.mark.parametrize("path", [
    "ip-assets/?owner=-1.5e93", "ip-assets/?project=99999999999999999999", "projects/?lead_unit=1e93",
    "licences/?asset=-1e40", "roles/?user=99999999999999999999", "ledger/funds/?project=-5.5e200",
])
def test_an_out_of_range_number_in_a_filter_is_400_not_500(oe, api, path):
    response = api(oe.user("sec")).get(f"/api/v1/alliances/ocean-equipment/{path}")
    assert response.status_code == 400, (path, response.status_code)
    assert response.json()["error"]["fields"]


def test_a_nul_character_in_a_query_parameter_is_a_400_on_the_api_and_pages(oe, api, client):
    response = api(oe.user("sec")).get("/api/v1/alliances/ocean-equipment/ledger/general-ledger/?account=10%0002")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    client.force_login(oe.user("sec"))
    assert client.get("/a/ocean-equipment/finance/general-ledger/?account=10%0002").status_code == 400


def test_an_invitation_to_a_malformed_email_is_a_400_and_invites_nobody(oe, api):
    with scope(alliance=oe.alliance):
        before = RoleGrant.objects.count()
    for address in ("someone@", "@example.org", "a b@example.org"):
        response = api(oe.user("sg")).post(
            "/api/v1/alliances/ocean-equipment/roles/", {"email": address, "role": "expert"}, format="json")
        assert response.status_code == 400 and "email" in response.json()["error"]["fields"], address
        assert not User.objects.filter(email=address).exists()
    with scope(alliance=oe.alliance):
        assert RoleGrant.objects.count() == before


def test_an_rfc_valid_address_is_returned_as_a_plain_string_in_the_schema(oe, api):
    client = api(oe.user("sg"))
    url = "/api/v1/alliances/ocean-equipment/roles/"
    # The address cannot double as a user name ("/" is not allowed there): one must be chosen.
    refused = client.post(url, {"email": "admin/@example.org", "role": "expert"}, format="json")
    assert refused.status_code == 400 and "username" in refused.json()["error"]["fields"]
    assert not User.objects.filter(email="admin/@example.org").exists()
    response = client.post(
        url, {"email": "admin/@example.org", "role": "expert", "username": "admin-example"}, format="json")
    assert response.status_code == 201
    assert response.json()["user"]["username"] == "admin-example"
    assert response.json()["user"]["email"] == "admin/@example.org"
    schema = client.get("/api/schema/?format=json").json()
    assert "format" not in schema["components"]["schemas"]["UserBrief"]["properties"]["email"]
