"""Every API operation and every page, asked by every actor, answers as the reviewed table in
tests/security/matrix.py says. Each request runs in a transaction that is rolled back; a refused
request must not have written anything (no INSERT/UPDATE/DELETE outside the session table)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve

from alliances import demo
from tests.alliances.test_isolation import _walk
from tests.conftest import api_as
from tests.security import matrix
from tests.security.objects import concrete

pytestmark = pytest.mark.django_db

OE, BM = "ocean-equipment", "biomed"
# A POST-only page whose empty POST is not a request at all: a step that fails validation instead.
PAGE_POST_DATA = {"a/<slug:slug>/projects/<id:pk>/act/": {"action": "add_milestone", "due": "not a date"}}
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b(?!.*django_session)", re.I | re.S)


@pytest.fixture(scope="module")
def schema_operations(world, django_db_blocker):
    """{operationId: (method, path)} from the live OpenAPI schema."""
    with django_db_blocker.unblock():
        schema = api_as(world[OE].user("sec")).get("/api/schema/?format=json").json()
    return {
        op["operationId"]: (method, path, _body_format(op))
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
    }


def _body_format(operation) -> str:
    """JSON where the operation takes it, else multipart (file uploads)."""
    content = operation.get("requestBody", {}).get("content", {})
    return "json" if not content or "application/json" in content else "multipart"


def page_routes():
    """Every page route (not the admin's, the API's, media or i18n plumbing), once."""
    seen = {}
    for route, name in _walk(get_resolver()):
        if route.startswith(("admin/", "api/", "i18n/", "static/", "media/")) or route in seen:
            continue
        seen[route or "/"] = name
    return seen


def actor_user(world, actor):
    User = get_user_model()
    if actor == "anon":
        return None
    if actor == "bureau":
        return demo.bureau_officer()
    if actor == "other":
        return User.objects.get(pk=world[BM].user("sg").pk)
    return User.objects.get(pk=world[OE].user(matrix.ACTOR_USERS[actor]).pk)  # fresh: no cached roles


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if WRITE_SQL.match(q["sql"])]


def api_code(response) -> str:
    status = response.status_code
    if 200 <= status < 300 or status in (400, 409):
        return "ok"
    if status == 401 and _error_code(response) == "not_authenticated" and response.get("WWW-Authenticate") == "Token":
        return "anon"
    return str(status)


def _error_code(response):
    try:
        return response.json()["error"]["code"]
    except Exception:  # noqa: BLE001 - a non-JSON body has no code
        return None


def page_code(response) -> str:
    status = response.status_code
    if status in (301, 302):
        return "login" if "/accounts/login/" in response["Location"] else "ok"
    if 200 <= status < 300 or status in (400, 405):
        return "ok"
    return str(status)


def _ask(send, code_of):
    """Send one request in a rolled-back transaction: (code, writes seen)."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = send()
        transaction.set_rollback(True)
    return code_of(response), _writes(queries.captured_queries), response


# ------------------------------------------------------------------ the table covers exactly what exists


def test_the_api_table_has_one_row_per_openapi_operation(schema_operations):
    assert len(schema_operations) >= 150
    missing = sorted(set(schema_operations) - set(matrix.API))
    stale = sorted(set(matrix.API) - set(schema_operations))
    assert not missing, f"operations not reviewed in tests/security/matrix.py: {missing}"
    assert not stale, f"rows for operations that no longer exist: {stale}"


def test_the_page_table_has_one_row_per_page_route():
    routes = set(page_routes())
    assert len(routes) >= 60
    missing = sorted(routes - set(matrix.PAGES))
    stale = sorted(set(matrix.PAGES) - routes)
    assert not missing, f"page routes not reviewed in tests/security/matrix.py: {missing}"
    assert not stale, f"rows for page routes that no longer exist: {stale}"


# ------------------------------------------------------------------ every cell


def _assert_every_actor_answered_as_reviewed(expected, label, send_as, code_of):
    """Ask as every actor (`send_as(actor)` returns a zero-argument request) and compare with the row."""
    got, leaks = {}, {}
    for actor in matrix.ACTORS:
        code, writes, response = _ask(send_as(actor), code_of)
        got[actor] = code
        if code != "ok" and writes:
            leaks[actor] = writes
        assert response.status_code < 500, (actor, label, response.status_code)
    mismatches = {a: f"expected {expected[a]}, got {got[a]}" for a in matrix.ACTORS if expected[a] != got[a]}
    assert not mismatches, f"{label}: {mismatches}"
    assert not leaks, f"refused requests wrote: {leaks}"


@pytest.mark.parametrize("operation", sorted(matrix.API))
def test_api_operation_answers_every_actor_as_reviewed(world, schema_operations, operation):
    if operation not in schema_operations:
        pytest.fail(f"{operation} is in the table but not in the schema")
    method, path, body_format = schema_operations[operation]
    url = concrete(world[OE], path)

    def send_as(actor):
        client = api_as(actor_user(world, actor))
        if method == "get":
            return lambda: client.get(url)
        return lambda: getattr(client, method)(url, {}, format=body_format)

    _assert_every_actor_answered_as_reviewed(matrix.API[operation], f"{method.upper()} {url}", send_as, api_code)


@pytest.mark.parametrize("route", sorted(matrix.PAGES))
def test_page_answers_every_actor_as_reviewed(world, route):
    url = concrete(world[OE], "/" + _page_path(route))
    view = resolve(url).func
    view_class = getattr(view, "view_class", None)
    method = "get" if view_class is None or hasattr(view_class, "get") else "post"
    data = PAGE_POST_DATA.get(route, {}) if method == "post" else {}

    def send_as(actor):
        client = Client()
        user = actor_user(world, actor)
        if user is not None:
            client.force_login(user)
        return lambda: getattr(client, method)(url, data)

    _assert_every_actor_answered_as_reviewed(matrix.PAGES[route], f"{method.upper()} {url}", send_as, page_code)


def _page_path(route: str) -> str:
    return "" if route == "/" else route.replace("\\.", ".")
