"""A request that tries to write what the API does not take (a read-only field such as a member's
`status`, or an unknown key) answers 400 naming that field and changes nothing (issue 14, point 8).
One mechanism, alliances.api.inputs.Input, under every input serializer: one resource per app."""

import pytest
from django_scopes import scope

from tests.ip_registry.conftest import register
from tests.projects.conftest import make_draft

pytestmark = pytest.mark.django_db


def refused_fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def test_patch_of_a_members_status_is_refused_naming_the_field(oe, api):
    unit = oe.units[0]
    with scope(alliance=oe.alliance):
        unit.refresh_from_db()
        before = (unit.status, unit.phone)
    client = api(oe.user("sec"), "en")
    response = client.patch(f"/api/v1/alliances/{oe.alliance.slug}/members/{unit.pk}/",
                            {"status": "expelled", "phone": "0532-0000000"}, format="json")
    fields = refused_fields(response)
    assert list(fields) == ["status"]
    assert fields["status"] == ["This field cannot be written (it is read-only or unknown)."]
    with scope(alliance=oe.alliance):
        unit.refresh_from_db()
        assert (unit.status, unit.phone) == before  # nothing changed, not even the writable field
    chinese = api(oe.user("sec")).patch(f"/api/v1/alliances/{oe.alliance.slug}/members/{unit.pk}/",
                                        {"status": "expelled"}, format="json")
    assert refused_fields(chinese)["status"] == ["该字段不可写入（只读字段或未知字段）。"]


def test_every_app_refuses_read_only_and_unknown_keys(oe, api):
    base = f"/api/v1/alliances/{oe.alliance.slug}/"
    sec, sg = api(oe.user("sec")), api(oe.user("sg"))
    project = make_draft(oe)
    asset = sec.get(base + f"ip-assets/{register(oe).pk}/").json()
    submission = sec.post(base + "submissions/", {"kind": "annual_report", "title": "年度报告", "year": 2025}, format="json").json()
    cases = [
        (sg.patch, "", {"status": "dissolved"}, "status"),                                        # alliances
        (sec.patch, f"projects/{project.pk}/", {"status": "approved"}, "status"),                 # projects
        (sec.patch, f"ip-assets/{asset['id']}/", {"description": "y", "origin": "foreground"}, "origin"),  # IP register
        (sec.patch, f"submissions/{submission['id']}/", {"status": "approved"}, "status"),        # bureau
        (sec.post, "meetings/", {"title": "会议", "starts_at": "2030-01-01T09:00:00+08:00",
                                 "minutes_status": "approved"}, "minutes_status"),                  # governance
        (sec.post, "ledger/entries/", {"date": "2026-01-05", "description": "x", "status": "posted",
                                       "lines": [{"account": "1002", "fund": 1, "debit": "1",
                                                  "sequence": 9}]}, "status"),                      # finance
    ]
    for send, path, body, field in cases:
        fields = refused_fields(send(base + path, body, format="json"))
        assert field in fields, (path, fields)
    # A nested input refuses its own unknown keys, named with their place.
    assert "lines.0.sequence" in refused_fields(sec.post(base + "ledger/entries/", cases[-1][2], format="json"))
    with scope(alliance=oe.alliance):
        project.refresh_from_db()
        assert project.status == "draft"
    after = sec.get(base + f"ip-assets/{asset['id']}/").json()
    assert (after["origin"], after["description"]) == (asset["origin"], asset["description"])
    assert not any(m["title"] == "会议" for m in sec.get(base + "meetings/").json()["results"])


def test_request_bodies_are_documented_closed(oe, api):
    schemas = api(oe.user("sec")).get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("PatchedMemberUpdateInputRequest", "EntryInputRequest", "LineInputRequest", "ReviewInputRequest"):
        assert schemas[name]["additionalProperties"] is False, name
