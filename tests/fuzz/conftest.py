"""Shared by the schema fuzzing and the hostile-input tests: the OpenAPI schema, real ids of the
demo alliance per path, and the in-process WSGI app with Django's per-request connection closing
switched off (it would close the test's transaction between requests)."""

import re

import pytest
from django.core import signals
from django.db import close_old_connections

from tests.conftest import api_as

SLUG = "ocean-equipment"


@pytest.fixture
def wsgi_requests_keep_connection():
    """A request through the WSGI handler fires request_started/finished, which close a connection
    that is inside a transaction; Django's test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _items(body):
    if isinstance(body, dict) and "results" in body:
        return body["results"]
    return body if isinstance(body, list) else []


def _list_ids(client, url) -> list[int]:
    response = client.get(url, {"page_size": 100})
    if response.status_code != 200:
        return []
    return sorted({item["id"] for item in _items(response.json()) if isinstance(item, dict) and isinstance(item.get("id"), int)})


# Path parameters that have no list endpoint of their own: the list that holds their ids.
PARAM_SOURCES = {
    "project_pk": "projects/",
    "project_id": "projects/",
}
# `{id}` under these prefixes names an object listed elsewhere.
ID_SOURCES = {
    "ledger/statements/": "members/",
    "notifications/": "notifications/",
}


def real_bindings(user, paths) -> dict[str, list[dict[str, int]]]:
    """For each OpenAPI path of the alliance: the real path-parameter values that name objects of
    the demo alliance, read through the API as `user` (so only what that user may see). A nested id
    comes with its parent's (`{project_pk}` and an `{id}` of that project)."""
    client = api_as(user)
    base = f"/api/v1/alliances/{SLUG}/"
    cache: dict[str, list[int]] = {}

    def ids_of(relative):
        if relative not in cache:
            cache[relative] = _list_ids(client, base + relative)
        return cache[relative]

    found: dict[str, list[dict[str, int]]] = {}
    for path in paths:
        if not path.startswith("/api/v1/alliances/{slug}/"):
            continue
        relative = path[len("/api/v1/alliances/{slug}/"):]
        names = re.findall(r"\{(\w+)\}", relative)
        bindings: list[dict[str, int]] = []
        if "user_id" in names:
            grants = client.get(base + "roles/", {"page_size": 100}).json()
            bindings = [{"user_id": u} for u in sorted({g["user"] for g in _items(grants) if isinstance(g.get("user"), int)})]
        elif "project_pk" in names and "id" in names:
            source = relative.split("{id}")[0]
            for project_id in ids_of("projects/"):
                bindings += [{"project_pk": project_id, "id": i} for i in ids_of(source.replace("{project_pk}", str(project_id)))]
        elif names:
            name = names[0]
            if name in PARAM_SOURCES:
                source = PARAM_SOURCES[name]
            else:
                prefix = relative.split("{" + name + "}")[0]
                source = ID_SOURCES.get(prefix, prefix)
            bindings = [{name: i} for i in ids_of(source)]
        found[path] = bindings
    return found


def concrete(path: str, bindings: list[dict[str, int]], pick: int = 0) -> str:
    """The path with the slug and one real binding of its ids (1 where there is none)."""
    binding = bindings[pick % len(bindings)] if bindings else {}
    path = path.replace("{slug}", SLUG)
    return re.sub(r"\{(\w+)\}", lambda m: str(binding.get(m.group(1), 1)), path)


# ---------------------------------------------------------------- the schema, as a dict


_SCHEMA: dict = {}


def api_schema() -> dict:
    """The OpenAPI document /api/schema/ serves (generated in process, no request, no rows read)."""
    if not _SCHEMA:
        from drf_spectacular.settings import spectacular_settings

        _SCHEMA.update(spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True))
    return _SCHEMA


def resolve(schema: dict) -> dict:
    """Follow $ref (and a single allOf wrapper) into components/schemas."""
    components = api_schema()["components"]["schemas"]
    while True:
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in schema and len(schema["allOf"]) == 1:
            schema = {**{k: v for k, v in schema.items() if k != "allOf"}, **components_lookup(schema["allOf"][0])}
        else:
            return schema


def components_lookup(schema: dict) -> dict:
    return resolve(schema)


_BINDINGS: dict[str, dict] = {}


@pytest.fixture
def bindings(oe):
    """Real ids of the demo alliance for every path, read once per test database (every test starts
    from the same demo data)."""
    from django.db import connection

    key = connection.settings_dict["NAME"]
    if key not in _BINDINGS:
        _BINDINGS[key] = real_bindings(oe.user("sec"), list(api_schema()["paths"]))
    return _BINDINGS[key]
