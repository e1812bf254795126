"""The hostile-input corpus: for a field of a request body (its OpenAPI schema), the payloads to
throw at it and whether the schema alone makes each one invalid.

A payload the schema does not rule out (SQL text in a free-text field, a negative amount where the
serializer allows a sign) may be accepted; the tests then only require no 5xx and, when refused,
no rows written."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.db import connection

SQL = "'; DROP TABLE membership_memberunit; --"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LONG = "长" * 100_000
JUNK = {"$where": "1", "__proto__": {"x": [[{"y": None}]]}}


@dataclass(frozen=True)
class Payload:
    label: str
    value: object
    invalid: bool  # the schema alone rules it out: never 2xx, and a 400 names the field


def _string_ok(schema: dict, value: str) -> bool:
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return False
    if "minLength" in schema and len(value) < schema["minLength"]:
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return False
    fmt = schema.get("format")
    try:
        if fmt == "date":
            date.fromisoformat(value)
        elif fmt == "date-time":
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    if fmt == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return False
    if fmt == "binary":
        return False  # a string is never a file
    return True


def payloads_for(name: str, schema: dict) -> list[Payload]:
    kind = schema.get("type")
    nullable = bool(schema.get("nullable"))
    out = [
        Payload("null", None, not nullable),
        Payload("nested junk", JUNK, kind != "object"),
    ]
    if kind != "array":
        out.append(Payload("list", [1, "x", None], kind != "object"))
    if kind == "string":
        strings = [("100k chars", LONG), ("SQL injection", SQL), ("script tag", SCRIPT),
                   ("overlong code", "9" * 64), ("blank", "")]
        fmt = schema.get("format")
        if fmt in ("date", "date-time"):
            strings += [("impossible date", "2026-02-30"), ("zero date", "0000-00-00"), ("9999-99-99", "9999-99-99"),
                        ("month 13", "2026-13-01T00:00:00" if fmt == "date-time" else "2026-13-01")]
        if fmt == "decimal":
            strings += [("negative", "-1"), ("over-precise", "0.001"), ("1e400", "1e400"), ("NaN", "NaN"),
                        ("Infinity", "Infinity"), ("40 digits", "9" * 40)]
        if "enum" in schema:
            strings += [("unknown choice", "no_such_choice")]
        if name == "currency" or name.endswith("_currency"):
            strings += [("unknown currency", "ZZZ"), ("currency name", "人民币")]
        if name == "uscc":
            strings += [("bad check character", "91370200MA3C00000X"), ("17 characters", "91370200MA3C0000")]
        for label, value in strings:
            valid = _string_ok(schema, value) and not (value == "" and "enum" in schema)
            if label in ("unknown currency", "currency name", "bad check character"):
                valid = True  # the service, not the schema, knows; judged with a valid body
            out.append(Payload(label, value, not valid))
        out.append(Payload("boolean", True, True))
    elif kind == "integer":
        out += [Payload("text", "abc", True), Payload("fraction", 1.5, True), Payload("SQL injection", "1; " + SQL, True),
                Payload("2**63", 2**63, True), Payload("negative", -1, False), Payload("huge negative", -(2**70), True)]
        if "minimum" in schema:
            out.append(Payload("below minimum", schema["minimum"] - 1, True))
    elif kind == "number":
        out += [Payload("text", "abc", True), Payload("NaN", "NaN", True)]
    elif kind == "boolean":
        out += [Payload("text", "maybe", True), Payload("two", 2, True)]
    elif kind == "array":
        items = schema.get("items", {})
        out += [Payload("a string", "not-a-list", True), Payload("list of nulls", [None], True),
                Payload("list of junk", [JUNK], items.get("type") != "object" or bool(items.get("required"))),
                Payload("SQL in a list", [SQL], items.get("type") not in ("string", None) or "enum" in items)]
    elif kind == "object":
        out += [Payload("a string", SQL, True), Payload("deep junk", {"a": {"b": {"c": [JUNK] * 3}}}, False)]
    return out


# ---------------------------------------------------------------- row counts of every tenant model


def tenant_tables() -> list[tuple[str, str]]:
    """(table, alliance column) of every model with an `alliance` field: domain models and their
    history tables."""
    tables = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "alliance"), None)
        if field is not None:
            tables.append((model._meta.db_table, field.column))
    return sorted(set(tables))


def tenant_row_counts(alliance_id: int, tables: list[tuple[str, str]]) -> dict[str, int]:
    """One query for all of them (thousands of requests are checked): each count is filtered by the
    alliance, exactly what `with scope(alliance=...)` would count."""
    qn = connection.ops.quote_name
    select = ", ".join(f"(SELECT COUNT(*) FROM {qn(table)} WHERE {qn(column)} = %s)" for table, column in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}", [alliance_id] * len(tables))
        row = cursor.fetchone()
    return {table: count for (table, _), count in zip(tables, row)}
