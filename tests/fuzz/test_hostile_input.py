"""Hostile input against every write operation of the OpenAPI schema (enumerated, not hand-listed).

For each POST/PUT/PATCH operation and each field of its request body: wrong types, 100k-character
strings, negative and over-precise money, 1e400 and NaN, unknown currencies, SQL and HTML text,
malformed and overlong codes, impossible dates, nulls and nested junk. Each request runs in a
savepoint that is rolled back, so every request starts from the demo data.

- never 5xx;
- a value the schema rules out is never accepted (no 2xx): 400 in the error shape naming the field,
  or 403/404/409 where the role or the object's state refuses first;
- a refused request leaves the row counts of every tenant model (and history table) unchanged.

Where a valid body is known (`VALID_BODIES`, the main objects), the hostile value replaces one field
of it, so a 400 can only come from that field, and values only a service can judge (an unknown
currency, a negative amount, a USCC with a wrong check character) are judged too.
"""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tests.conftest import api_as
from tests.fuzz.conftest import SLUG, api_schema, concrete, resolve
from tests.fuzz.hostile import Payload, payloads_for, tenant_row_counts, tenant_tables

WRITE_METHODS = ("post", "put", "patch")
# Refusals that come before the value is looked at: the role (403), an unknown object (404), the
# object's state (409). 400 is the value's own refusal.
REFUSALS = {400, 403, 404, 409}


def write_operations():
    """(method, path, media type, body schema) of every write operation with a request body."""
    schema = api_schema()
    found = []
    for path, operations in sorted(schema["paths"].items()):
        for method, operation in operations.items():
            if method not in WRITE_METHODS or "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"]
            media = "application/json" if "application/json" in content else next(iter(content))
            found.append((method, path, media, resolve(content[media]["schema"])))
    return found


WRITE_OPERATIONS = write_operations()


def _future(days=7):
    return (timezone.now() + timedelta(days=days)).isoformat()


def _valid_bodies(ctx) -> dict[tuple[str, str], dict]:
    """Bodies the API accepts (201/200) for the main objects of the demo alliance."""
    from finance import services as finance_services
    from tests.finance.test_api import entry_payload
    from tests.ip_registry.test_api import asset_payload
    from tests.membership.conftest import complete_fields

    with scope(alliance=ctx.alliance):
        fund = finance_services.fund_for(alliance=ctx.alliance, source="other")
    base = "/api/v1/alliances/{slug}/"
    return {
        ("post", base + "members/"): complete_fields(),
        ("post", base + "motions/"): {"title": "年度预算", "kind": "other", "body": "预算草案", "closes_at": _future()},
        ("post", base + "meetings/"): {"title": "第一次理事会", "starts_at": _future(), "location": "青岛"},
        ("post", base + "projects/"): {"title": "海洋牧场监测", "lead_unit": ctx.units[2].pk, "description": "监测"},
        ("post", base + "ip-assets/"): asset_payload(ctx),
        ("post", base + "ledger/entries/"): entry_payload(fund.pk),
        ("post", base + "ledger/contributions/"): {"member_unit": ctx.units[0].pk, "year": 2026, "amount": "1000.00"},
        ("post", base + "submissions/"): {"kind": "recognition_application", "title": "认定申请书"},
    }


def _field_named(fields: dict, name: str) -> bool:
    return any(key == name or key.startswith(name + ".") for key in fields)


def _send(client, method, url, media, body):
    if media == "application/json":
        return getattr(client, method)(url, body, format="json")
    # multipart: every value travels as text
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
    return getattr(client, method)(url, form, format="multipart")


def _cases(body_schema: dict, valid: dict | None):
    """(field path, body, payload) for every field and payload; with a valid body, also the fields
    of the first element of each list of objects (the lines of an entry, the owners of an asset)."""
    for name, field_schema in body_schema.get("properties", {}).items():
        field_schema = resolve(field_schema)
        if field_schema.get("readOnly"):
            continue
        for payload in payloads_for(name, field_schema):
            yield name, {**(valid or {}), name: payload.value}, payload
        items = resolve(field_schema.get("items", {})) if field_schema.get("type") == "array" else {}
        if valid and isinstance(valid.get(name), list) and valid[name] and items.get("type") == "object":
            for sub, sub_schema in items.get("properties", {}).items():
                for payload in payloads_for(sub, resolve(sub_schema)):
                    first = {**valid[name][0], sub: payload.value}
                    yield f"{name}.0.{sub}", {**valid, name: [first, *valid[name][1:]]}, payload


def run_corpus(client, alliance_id, method, path, media, body_schema, url, valid):
    tables = tenant_tables()
    failures, runs = [], 0
    for field, body, payload in _cases(body_schema, valid):
        runs += 1
        if media != "application/json" and not isinstance(payload.value, str):
            # a form sends text: None or a list arrive as the text "null" or "[...]", which may be valid
            payload = Payload(payload.label, payload.value, False)
        cache.clear()  # the login throttle counts in the cache: each request starts afresh
        with transaction.atomic():
            before = tenant_row_counts(alliance_id, tables)
            response = _send(client, method, url, media, body)
            after = tenant_row_counts(alliance_id, tables)
            transaction.set_rollback(True)
        status = response.status_code
        where = f"{method.upper()} {path} {field}={payload.label!s}: {status}"
        if status >= 500:
            failures.append(where + " server error")
            continue
        judged = payload.invalid or (valid is not None and payload.label in SERVICE_JUDGED)
        if 200 <= status < 300:
            if judged:
                failures.append(where + " accepted an invalid value")
            continue
        if status not in REFUSALS:
            failures.append(where + " unexpected status")
        if before != after:
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            failures.append(where + f" refused but wrote rows {changed}")
        error = response.json().get("error") if response.get("Content-Type", "").startswith("application/json") else None
        if not (isinstance(error, dict) and {"code", "message", "fields"} <= set(error)):
            failures.append(where + " not in the error shape")
            continue
        top = field.split(".")[0]
        if status == 400 and payload.invalid and (valid is not None or not _refused_elsewhere(error["fields"], top)):
            if not _field_named(error["fields"], top):
                failures.append(where + f" 400 without a message for {field}: {error['fields']}")
    return runs, failures


# Judged only against a valid body: the serializer accepts their form, the service must refuse.
SERVICE_JUDGED = {"unknown currency", "currency name", "bad check character", "negative", "over-precise", "NaN",
                  "1e400", "Infinity"}


def _refused_elsewhere(fields: dict, name: str) -> bool:
    """Without a valid body a 400 may be about the other (missing) fields only when the view stops
    at the first failing step; serializer errors list every field, so this is rarely true."""
    return bool(fields) and "non_field_errors" in fields and len(fields) == 1


def _op_id(op):
    return f"{op[0].upper()} {op[1].removeprefix('/api/v1/alliances/{slug}/')}"


@pytest.mark.parametrize("operation", WRITE_OPERATIONS, ids=[_op_id(op) for op in WRITE_OPERATIONS])
def test_hostile_values_are_refused_with_field_messages_and_write_nothing(operation, oe, bindings):
    method, path, media, body_schema = operation
    user = oe.user("sg")  # the secretariat with the most rights: refusals come from the value, not the role
    client = api_as(user)
    url = concrete(path, bindings.get(path, []))
    valid = _valid_bodies(oe).get((method, path))
    runs, failures = run_corpus(client, oe.alliance.pk, method, path, media, body_schema, url, valid)
    assert runs > 0 or not body_schema.get("properties"), path
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} failures of {runs} payloads)"


def test_the_corpus_reaches_every_write_operation():
    paths = {(m, p) for m, p, _, _ in WRITE_OPERATIONS}
    schema = api_schema()
    expected = {(m, p) for p, ops in schema["paths"].items() for m, o in ops.items() if m in WRITE_METHODS and "requestBody" in o}
    assert paths == expected and len(paths) >= 60


def test_the_valid_bodies_are_accepted(oe, bindings):
    """Otherwise the stronger checks above would test nothing."""
    client = api_as(oe.user("sg"))
    for (method, path), body in _valid_bodies(oe).items():
        with transaction.atomic():
            response = getattr(client, method)(concrete(path, []), body, format="json")
            transaction.set_rollback(True)
        assert response.status_code in (200, 201), (path, response.content[:500])


def test_an_id_with_a_fraction_names_no_row(oe):
    """1.5 used to be read as row 1 (found by this corpus): now 400 naming the field, nothing created."""
    from django_scopes import scope

    from projects.models import Project

    with scope(alliance=oe.alliance):
        before = Project.objects.count()
    body = {"title": "分数编号", "lead_unit": oe.units[2].pk + 0.5}
    response = api_as(oe.user("sg")).post(f"/api/v1/alliances/{SLUG}/projects/", body, format="json")
    assert response.status_code == 400 and "lead_unit" in response.json()["error"]["fields"]
    with scope(alliance=oe.alliance):
        assert Project.objects.count() == before
