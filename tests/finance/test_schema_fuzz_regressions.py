"""Found by the schema fuzzing (tests/fuzz): a filter number beyond 64 bits was a 500, and the
fund balances and general ledger were documented as paginated while they return a plain list."""

from django_scopes import scope

from finance import services
from finance.models import Fund

URL = "/api/v1/alliances/ocean-equipment/ledger/"


def test_a_filter_number_beyond_64_bits_is_a_400_not_a_500(oe, api):
    client = api(oe.user("sec"))
    for path, params in [("funds/", {"project": "-5.5e200"}), ("funds/", {"project": str(2**64)}),
                         ("contributions/", {"year": str(2**70)}), ("contributions/", {"member_unit": "1e300"})]:
        response = client.get(URL + path, params)
        assert response.status_code == 400, (path, params, response.status_code)
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    # A well-formed id that names no project of this alliance is an invalid choice (400 naming the
    # field), never a 500 and never another alliance's rows.
    unknown = client.get(URL + "funds/", {"project": str(2**62)})
    assert unknown.status_code == 400 and "project" in unknown.json()["error"]["fields"]
    from tests.finance.conftest import make_project

    assert client.get(URL + "funds/", {"project": str(make_project(oe).pk)}).status_code == 200


def test_fund_balances_and_general_ledger_are_plain_lists_as_documented(oe, api):
    client = api(oe.user("sec"))
    schema = client.get("/api/schema/?format=json").json()
    for path in ("funds/balances/", "general-ledger/"):
        documented = schema["paths"]["/api/v1/alliances/{slug}/ledger/" + path]["get"]["responses"]["200"]
        assert documented["content"]["application/json"]["schema"]["type"] == "array", path
        assert isinstance(client.get(URL + path).json(), list), path


def test_a_fund_without_project_is_documented_with_a_nullable_project_code(oe, api):
    client = api(oe.user("sec"))
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["FundOutput"]["properties"]["project_code"].get("nullable") is True
    with scope(alliance=oe.alliance):
        services.fund_for(alliance=oe.alliance, source="other")
        assert Fund.objects.filter(project__isnull=True).exists()
    rows = client.get(URL + "funds/", {"restricted": "false"}).json()["results"]
    assert rows and all(row["project_code"] is None for row in rows)


def test_an_entry_id_beyond_64_bits_in_a_batch_approval_is_a_400(oe, api):
    response = api(oe.user("sg")).post(URL + "entries/approve-batch/", {"entries": [14, 2**105]}, format="json")
    assert response.status_code == 400
    assert any(key.startswith("entries") for key in response.json()["error"]["fields"])
