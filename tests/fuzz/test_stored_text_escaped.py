"""Text that is valid but hostile (`<script>`, an `<img onerror>` breaking out of an attribute),
stored through the API in the names, titles and descriptions of the main objects, appears escaped
on every page of the alliance (enumerated from the URL patterns, with the stored objects' ids) and
of the bureau console."""

import re

import pytest
from django.test import Client

from tests.alliances.test_isolation import PAGE_ROUTES, _walk
from tests.conftest import api_as
from tests.fuzz.conftest import SLUG
from tests.fuzz.hostile import IMG, SCRIPT
from tests.fuzz.test_hostile_input import _valid_bodies

API = f"/api/v1/alliances/{SLUG}/"
RAW = [SCRIPT, IMG, "<img src=x onerror=alert(1)>"]
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"

# The fields of each main object that take the hostile text: (API path, fields, page prefix).
HOSTILE_FIELDS = [
    ("members/", ["name", "legal_representative", "address", "standing", "application_statement"], "members"),
    ("motions/", ["title", "body"], "motions"),
    ("meetings/", ["title", "location"], "meetings"),
    ("projects/", ["title", "description"], "projects"),
    ("ip-assets/", ["title"], "ip"),
    ("ledger/entries/", ["description"], "finance/entries"),
    ("submissions/", ["title"], "submissions"),
]


def _store(client, oe) -> dict[str, int]:
    """Create each main object with hostile text; return {page prefix: id}."""
    bodies = {path.removeprefix("/api/v1/alliances/{slug}/"): body for (_, path), body in _valid_bodies(oe).items()}
    created = {}
    for api_path, fields, prefix in HOSTILE_FIELDS:
        body = dict(bodies[api_path])
        for index, field in enumerate(fields):
            body[field] = (SCRIPT if index % 2 == 0 else IMG) + "测试"
        response = client.post(API + api_path, body, format="json")
        assert response.status_code == 201, (api_path, response.content[:400])
        created[prefix] = response.json()["id"]
    return created


def _page_urls(created: dict[str, int]) -> list[str]:
    ids_for = {
        "members": created["members"], "finance/statements": created["members"], "finance/entries": created["finance/entries"],
        "finance/projects": created["projects"], "ip": created["ip"], "meetings": created["meetings"],
        "motions": created["motions"], "projects": created["projects"], "submissions": created["submissions"],
    }
    urls = []
    for route in PAGE_ROUTES:
        relative = route.removeprefix("a/<slug:slug>/")
        if "<" not in relative:
            urls.append(f"/a/{SLUG}/{relative}")
            continue
        prefix = next((p for p in sorted(ids_for, key=len, reverse=True) if relative.startswith(p + "/")), None)
        if prefix is None:
            continue  # consultations, resolutions, people: no hostile object of theirs was stored
        concrete = re.sub(r"<slug:act>", "edit", relative)
        concrete = re.sub(r"<id:(pk|unit_id|project_id)>", str(ids_for[prefix]), concrete)
        if "<" not in concrete:
            urls.append(f"/a/{SLUG}/{concrete}")
    return urls


def _bureau_urls() -> list[str]:
    from django.urls import get_resolver

    return sorted({"/" + route for route, _ in _walk(get_resolver()) if route.startswith("bureau/") and "<" not in route and "(" not in route})


def _check(response, url, problems, seen):
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    for raw in RAW:
        if raw in html:
            problems.append(f"{url}: unescaped {raw!r}")
    if ESCAPED_SCRIPT in html or "&quot;&gt;&lt;img" in html:
        seen.add(url)


def test_hostile_text_is_escaped_on_every_page(oe, bureau_user):
    sg = oe.user("sg")
    created = _store(api_as(sg), oe)
    client = Client()
    client.force_login(sg)
    problems, seen = [], set()
    urls = _page_urls(created)
    for url in urls:
        _check(client.get(url), url, problems, seen)
    bureau = Client()
    bureau.force_login(bureau_user)
    bureau_urls = _bureau_urls()
    for url in bureau_urls:
        _check(bureau.get(url), url, problems, seen)
    assert not problems, "\n".join(problems)
    # Not vacuous: the hostile text was shown (escaped) on the lists and on each object's page.
    for prefix, pk in created.items():
        assert f"/a/{SLUG}/{prefix}/{pk}/" in seen or prefix == "finance/entries" and f"/a/{SLUG}/finance/entries/" in seen, (prefix, sorted(seen))
    assert len(urls) >= 40 and len(seen) >= 10, (len(urls), sorted(seen))
