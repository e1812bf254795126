"""An id in a request body is a whole number (found by the hostile-input corpus, tests/fuzz): 1.5 or
true used to name row 1."""

from django_scopes import scope

from membership.models import MemberUnit

URL = "/api/v1/alliances/ocean-equipment/"


def test_a_fractional_or_boolean_id_is_refused_and_nothing_is_written(oe, api):
    client = api(oe.user("sg"))
    with scope(alliance=oe.alliance):
        host = MemberUnit.objects.get(pk=oe.alliance.host_unit_id)
    for value in (oe.units[1].pk + 0.5, True):
        response = client.patch(URL, {"host_unit": value}, format="json")
        assert response.status_code == 400 and "host_unit" in response.json()["error"]["fields"], value
    oe.alliance.refresh_from_db()
    assert oe.alliance.host_unit_id == host.pk
    assert client.patch(URL, {"host_unit": float(oe.units[0].pk)}, format="json").status_code == 200
