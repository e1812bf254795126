"""No input answers 5xx: over-deep JSON is a 400, an id the database cannot hold is a 404 from URL
resolution (pages and API), an unknown /api/ route is the API's JSON 404 even with DEBUG on."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from alliances.converters import ID_MAX, IdConverter
from tests.conftest import api_as

API = "/api/v1/alliances/ocean-equipment/"
PAGES = "/a/ocean-equipment/"


def _walk(patterns, prefix=""):
    for entry in patterns:
        yield prefix, entry
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))


def test_every_url_pattern_captures_ids_with_the_bounded_id_converter():
    offenders = []
    for prefix, entry in _walk(get_resolver().url_patterns):
        if prefix.startswith("admin/") or str(entry.pattern).startswith("admin/"):
            continue  # Django's own admin (read-only here) resolves its own object ids
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            for name, converter in pattern.converters.items():
                is_id = name in ("pk", "id") or name.endswith(("_id", "_pk"))
                if isinstance(converter, IntConverter) or (is_id and not isinstance(converter, IdConverter)):
                    offenders.append(prefix + str(pattern))
        elif isinstance(pattern, RegexPattern) and pattern.regex.groupindex:
            offenders.append(prefix + str(pattern))  # a regex capture is unbounded: use <id:...>
    assert not offenders, offenders


@pytest.mark.parametrize("bad", ["abc", "-5", "-5e-324", "1.5", "0", "01", str(ID_MAX + 1), "6569263930401299172675"])
@pytest.mark.parametrize("route", ["ledger/statements/{}/", "ledger/statements/{}/pdf/", "ledger/statements/{}/xlsx/",
                                   "members/{}/", "projects/{}/participants/", "motions/{}/"])
def test_id_outside_bigint_in_an_api_path_is_json_404(oe, route, bad):
    response = api_as(oe.user("sec")).get(API + route.format(bad))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_deactivate_with_an_id_beyond_64_bits_is_404(oe):
    response = api_as(oe.user("sec")).post(API + "roles/deactivate/6569263930401299172675/")
    assert response.status_code == 404


def test_largest_id_the_database_holds_is_an_ordinary_404(oe):
    client = api_as(oe.user("sec"))
    for route in ("ledger/statements/{}/", "ledger/statements/{}/pdf/", "members/{}/", "roles/deactivate/{}/"):
        call = client.post if "deactivate" in route else client.get
        assert call(API + route.format(ID_MAX)).status_code == 404, route


@pytest.mark.parametrize("route", ["members/{}/", "finance/statements/{}/", "motions/{}/", "ip/{}/", "projects/{}/"])
def test_id_outside_bigint_in_a_page_path_is_404(client, oe, route):
    client.force_login(oe.user("sec"))
    for bad in ("abc", "-5e-324", str(ID_MAX + 1)):
        assert client.get(PAGES + route.format(bad)).status_code == 404
    assert client.get(PAGES + route.format(ID_MAX)).status_code == 404


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("route", ["members/", "motions/", "ledger/entries/", "licences/"])
def test_deeply_nested_json_body_is_400(oe, route):
    client = api_as(oe.user("sec"), language="en")
    for body in (_nested(5000), "[" * 5000 + "]" * 5000, _nested(40)):
        response = client.post(API + route, body, content_type="application/json")
        assert response.status_code == 400, body[:10]
        assert response.json()["error"]["code"] == "parse_error"
        assert "nested too deeply" in response.json()["error"]["message"]


def test_deeply_nested_json_message_is_chinese_by_default(oe):
    response = api_as(oe.user("sec")).post(API + "members/", _nested(5000), content_type="application/json")
    assert response.status_code == 400
    assert "嵌套层数过多" in response.json()["error"]["message"]


@pytest.mark.parametrize("debug", [True, False])
def test_unknown_api_route_is_json_404_with_debug_on_or_off(settings, oe, debug):
    settings.DEBUG = debug
    client = api_as(oe.user("sec"), language="en")
    for path in (API + "charter/0.5/", "/api/v1/nothing/", "/api/v2/", API + "members", API + "motions/1.5/close/"):
        for call in (client.get, client.post):
            response = call(path)
            assert response.status_code == 404, path
            assert response["Content-Type"] == "application/json"
            assert response.json()["error"]["code"] == "not_found"


def test_unknown_api_route_with_a_session_cookie_is_json_404_not_the_csrf_page(client, oe):
    client.force_login(oe.user("sec"))  # Django's test client enforces no CSRF unless asked
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(API + "ledger/entries/9223372036854775808/approve/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_page_route_stays_html_404(settings, client, oe):
    settings.DEBUG = False
    client.force_login(oe.user("sec"))
    response = client.get(PAGES + "no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
