"""Enumerated, not hand-listed: every alliance URL pattern and every OpenAPI path of an alliance
answers 404 to a user of another alliance."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import api_as

# Pages meant for the public (no login, no role): an alliance's published application form.
PUBLIC_PAGE_NAMES = {"membership:apply_public"}


def _route_text(pattern) -> str:
    # Regex routes (DRF routers) are anchored with ^ and $: drop the anchors, keep the groups.
    return re.sub(r"^\^|\$$", "", str(pattern.pattern))


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        text = prefix + _route_text(entry)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, text, ns)
        elif isinstance(entry, URLPattern):
            yield text, f"{namespace}{entry.name}" if entry.name else ""


def _concrete(route: str, slug: str) -> str:
    route = route.replace("<slug:slug>", slug, 1)
    route = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "1", route).replace("\\.", ".")
    route = route.replace("/?", "/")
    return "/" + route


def alliance_routes(kind: str):
    start = "a/<slug:slug>/" if kind == "page" else "api/v1/alliances/<slug:slug>/"
    seen = set()
    for route, name in _walk(get_resolver()):
        if route.startswith(start) and route not in seen and name not in PUBLIC_PAGE_NAMES:
            seen.add(route)
            yield route


PAGE_ROUTES = sorted(alliance_routes("page"))
API_ROUTES = sorted(alliance_routes("api"))


def test_the_enumeration_finds_the_routes():
    assert "a/<slug:slug>/" in PAGE_ROUTES and "a/<slug:slug>/people/" in PAGE_ROUTES
    assert any(r.startswith("api/v1/alliances/<slug:slug>/roles") for r in API_ROUTES)


@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_pages_of_another_alliance_are_404(oe, bm, route):
    client = Client()
    client.force_login(bm.user("sg"))
    url = _concrete(route, "ocean-equipment")
    assert client.get(url).status_code == 404, url
    assert client.post(url, {}).status_code == 404, url
    # The same page of the user's own alliance is not 404 at the alliance level.
    own = client.get(_concrete(route, "biomed"))
    assert own.status_code != 404 or re.search(r"<|\(\?P", route), route


@pytest.mark.parametrize("route", API_ROUTES)
def test_api_routes_of_another_alliance_are_404(oe, bm, route):
    client = api_as(bm.user("sg"))
    url = _concrete(route, "ocean-equipment")
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)


def test_every_openapi_path_of_an_alliance_is_404_for_another_alliance(oe, bm):
    schema = api_as(bm.user("sg")).get("/api/schema/?format=json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/alliances/{slug}/")]
    assert paths, "the schema lists alliance paths"
    client = api_as(bm.user("sg"))
    for path, operations in schema["paths"].items():
        if path not in paths:
            continue
        url = re.sub(r"\{\w+\}", "1", path.replace("{slug}", "ocean-equipment", 1))
        for method in operations:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code == 404, (method, url, response.status_code)


def test_anonymous_api_is_refused_and_pages_redirect_to_login(oe):
    assert api_as().get("/api/v1/alliances/ocean-equipment/seats/").status_code == 401
    response = Client().get("/a/ocean-equipment/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_alliance_is_404_for_everyone(oe, bureau_user):
    assert api_as(bureau_user).get("/api/v1/alliances/no-such/").status_code == 404
    client = Client()
    client.force_login(oe.user("sg"))
    assert client.get("/a/no-such/").status_code == 404
