"""Zero leaks between alliances, enumerated rather than hand-listed: a user of `biomed` never meets
a row of `ocean-equipment` in any detail, list, filter, search, export, history page, related
field or admin page of their own alliance."""

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django_scopes import scope
from rest_framework import serializers

from alliances.api.fields import ScopedRelatedField
from alliances.tenancy import TenantModel
from tests.conftest import api_as
from tests.security.matrix import PAGES
from tests.security.objects import PARAM, RESOURCES, concrete, object_for
from tests.security.test_matrix import OE, BM, page_routes  # noqa: F401 - the same enumeration

pytestmark = pytest.mark.django_db

# Text fields whose values name a row; an `oe` value that also occurs in `bm` proves nothing.
NAME_FIELDS = ("name", "title", "code", "number", "description", "username", "display_name",
               "registration_number", "application_number", "patent_number", "uscc", "email")


def _names(ctx) -> set[str]:
    values = set()
    with scope(alliance=ctx.alliance):
        for model in apps.get_models():
            if not issubclass(model, TenantModel):
                continue
            fields = [f.name for f in model._meta.concrete_fields if f.name in NAME_FIELDS]
            for row in model.objects.values_list(*fields) if fields else []:
                values.update(v for v in row if isinstance(v, str) and len(v) >= 4)
    values.update({ctx.alliance.name, ctx.alliance.slug, ctx.alliance.code})
    values.update(u.username for u in ctx.users.values())
    return {v for v in values if len(v) >= 4}  # "OE", the alliance code, occurs in any page


@pytest.fixture(scope="module")
def oe_only(world, django_db_blocker):
    """Strings that name a row of `oe` and nothing of `bm`."""
    with django_db_blocker.unblock():
        return sorted(_names(world[OE]) - _names(world[BM]))


@pytest.fixture(scope="module")
def schema(world, django_db_blocker):
    with django_db_blocker.unblock():
        return api_as(world[BM].user("sg")).get("/api/schema/?format=json").json()


def _text(response) -> str:
    """What a person would read in the response: JSON/HTML text, cells of an XLSX, text of a PDF,
    every member of a ZIP."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return _content_text(content, response.get("Content-Type", ""))


def _content_text(content: bytes, content_type: str = "") -> str:
    if content[:4] == b"PK\x03\x04":
        archive = zipfile.ZipFile(io.BytesIO(content))
        if "xl/workbook.xml" in archive.namelist():
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
            return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                             for cell in row if cell is not None)
        return "\n".join(name + "\n" + _content_text(archive.read(name)) for name in archive.namelist())
    if content[:5] == b"%PDF-":
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
        except PyPdfError:  # the tests' own stand-in uploads ("%PDF-1.4 ...") are not real PDFs
            pass
    return content.decode("utf-8", "replace")


def _leaks(text: str, oe_only) -> list[str]:
    return [name for name in oe_only if name in text]


def _alliance_gets(schema):
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/alliances/{slug}/") and "get" in operations:
            yield path, operations["get"]


# ------------------------------------------------------------------ details: every oe id is 404


def test_every_oe_id_is_404_on_every_detail_of_the_own_alliance(world, schema):
    """Each path parameter in turn gets every id of the `oe` model behind it, the others stay `bm`'s."""
    oe, bm = world[OE], world[BM]
    client = api_as(bm.user("sg"))
    asked = 0
    for path, _ in _alliance_gets(schema):
        for match in PARAM.finditer(path):
            name = match.group(1)
            if name in ("slug", "number"):  # an agreement version's number is per alliance, not an id
                continue
            with scope(alliance=oe.alliance):
                sample = object_for(oe, path, name, match.start())
                model = type(sample)
                oe_ids = set(model.objects.values_list("pk", flat=True))
            with scope(alliance=bm.alliance):
                oe_ids -= set(model.objects.values_list("pk", flat=True))  # users are shared; none here
            for oe_id in sorted(oe_ids):
                url = _replace_nth(path, match, str(oe_id), bm)
                response = client.get(url)
                asked += 1
                assert response.status_code == 404, (url, response.status_code)
    assert asked > 300


def _replace_nth(path, match, value, ctx):
    """`path` with the parameter at `match` set to `value` and every other one filled from `ctx`."""
    marker = "OEIDMARK"
    return concrete(ctx, path[:match.start()] + marker + path[match.end():]).replace(marker, value)


# ------------------------------------------------------------------ lists, reports, exports, history


def test_nothing_of_oe_in_any_api_read_of_the_own_alliance(world, schema, oe_only):
    """Every GET of `bm` (lists at their largest page, details, reports, XLSX/PDF exports, history)
    as its secretary-general and as the bureau: no name of an `oe` row in what comes back."""
    bm = world[BM]
    from alliances import demo

    readers = {"bm sg": bm.user("sg"), "bureau": demo.bureau_officer()}
    read = 0
    for path, operation in _alliance_gets(schema):
        url = concrete(bm, path)
        query = {"page_size": 200} if any(p["name"] == "page_size" for p in operation.get("parameters", [])) else {}
        for who, user in readers.items():
            response = api_as(user).get(url, query)
            assert response.status_code < 500, (url, who)
            if response.status_code == 200:
                read += 1
                assert not _leaks(_text(response), oe_only), (who, url)
    assert read > 80


def test_nothing_of_oe_on_any_page_of_the_own_alliance(world, oe_only):
    bm = world[BM]
    client = Client()
    client.force_login(bm.user("sg"))
    read = 0
    for route in PAGES:
        if not route.startswith("a/"):
            continue
        url = concrete(bm, "/" + route.replace("\\.", "."))
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            read += 1
            assert not _leaks(_text(response), oe_only), url
    assert read > 30


# ------------------------------------------------------------------ filters and search


def test_filters_with_oe_ids_and_searches_for_oe_names_find_nothing_of_oe(world, schema, oe_only):
    """Every query parameter of every `bm` list, given `oe` ids (of the model it names, else of a
    unit, a project and a user), and every `search`/`q` given an `oe` name."""
    oe, bm = world[OE], world[BM]
    client = api_as(bm.user("sg"))
    with scope(alliance=oe.alliance):
        oe_ids = {key: str(RESOURCES[key](oe).pk) for key in ("members", "projects", "ip-assets", "funds", "accounts",
                                                                 "motions", "licences", "submissions")}
    oe_ids["user"] = str(oe.user("sec").pk)
    unit_name = oe.units[0].name
    asked = 0
    for path, operation in _alliance_gets(schema):
        url = concrete(bm, path)
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] != "query" or name in ("page", "page_size", "format", "ordering"):
                continue
            if name in ("search", "q"):
                values = [unit_name, oe.alliance.name]
            elif name == "alliance":
                values = [oe.alliance.slug]
            elif name in ID_FILTERS:
                values = [oe_ids[ID_FILTERS[name]]]
            else:
                values = sorted(set(oe_ids.values()))
            for value in values:
                response = client.get(url, {name: value, "page_size": 200})
                asked += 1
                assert response.status_code in (200, 400, 404), (url, name, value, response.status_code)
                assert not _leaks(_text(response), oe_only), (url, name, value)
                if response.status_code == 200 and "json" in response.get("Content-Type", ""):
                    body = response.json()
                    if isinstance(body, dict) and "results" in body and name in ID_FILTERS:
                        assert body["results"] == [], (url, name, value)
    assert asked > 40


# Filters that take the id of one model: an `oe` id of that model must match nothing.
ID_FILTERS = {"unit": "members", "member_unit": "members", "owner": "members", "lead_unit": "members",
              "licensee_unit": "members", "project": "projects", "fund": "funds", "account": "accounts",
              "asset": "ip-assets", "motion": "motions", "user": "user"}


def test_the_bureau_searching_one_alliance_finds_nothing_of_the_other(world, oe_only):
    from alliances import demo

    bureau = api_as(demo.bureau_officer())
    response = bureau.get("/api/v1/bureau/submissions/", {"alliance": BM, "page_size": 200})
    assert response.status_code == 200
    assert response.json()["results"] and not _leaks(_text(response), oe_only)


# ------------------------------------------------------------------ related fields of write serializers


def _serializers():
    """Every serializer class of every app's API, found by walking the modules."""
    from importlib import import_module

    for app in ("alliances", "membership", "governance", "finance", "projects", "ip_registry", "bureau"):
        module = import_module(f"{app}.api.serializers")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, serializers.Serializer) and value.__module__ == module.__name__:
                yield value


def _scoped_fields(serializer, prefix=""):
    """(dotted name, field) of every ScopedRelatedField, also inside nested and `many` serializers."""
    for name, field in serializer.fields.items():
        child = getattr(field, "child_relation", None) or getattr(field, "child", None)
        if isinstance(field, ScopedRelatedField):
            yield prefix + name, field, False
        elif isinstance(child, ScopedRelatedField):
            yield prefix + name, child, True
        elif isinstance(field, serializers.Serializer):
            yield from ((f"{prefix}{name}.{n}", f, m) for n, f, m in _scoped_fields(field))
        elif isinstance(child, serializers.Serializer):
            yield from ((f"{prefix}{name}[].{n}", f, m) for n, f, m in _scoped_fields(child))


def test_every_scoped_related_field_refuses_every_oe_id(world):
    """For each ScopedRelatedField of each serializer: every `oe` id of its model is refused while
    the serializer validates in `bm`'s scope; a `bm` id of the same model is accepted by the field."""
    oe, bm = world[OE], world[BM]
    checked = 0
    for serializer_class in _serializers():
        try:
            serializer = serializer_class(context={"alliance": bm.alliance})
            fields = list(_scoped_fields(serializer))
        except TypeError:
            continue
        for name, field, many in fields:
            with scope(alliance=oe.alliance):
                oe_ids = list(field.get_queryset().values_list("pk", flat=True))
            with scope(alliance=bm.alliance):
                bm_ids = set(field.get_queryset().values_list("pk", flat=True))
                for oe_id in oe_ids:
                    if oe_id in bm_ids:  # a shared row (a user): not another alliance's
                        continue
                    with pytest.raises(serializers.ValidationError):
                        field.to_internal_value(oe_id)
                    checked += 1
                if bm_ids:
                    row = field.get_queryset().get(pk=min(bm_ids))
                    assert field.to_internal_value(min(bm_ids)) == field.to_value(row), (serializer_class, name)
    assert checked > 50


def test_the_scoped_related_fields_are_found(world):
    found = {(cls.__name__, name) for cls in _serializers() for name, _, _ in
             _scoped_fields(cls(context={"alliance": world[BM].alliance}))}
    assert len(found) >= 10, found


# ------------------------------------------------------------------ the admin


@pytest.fixture
def bm_admin(world):
    """`bm`'s secretary-general as a staff user who may view every model in the admin."""
    user = get_user_model().objects.get(pk=world[BM].user("sg").pk)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_of_bm_lists_no_oe_row_and_opens_none(world, bm_admin, oe_only):
    oe = world[OE]
    listed = opened = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
        response = bm_admin.get(changelist)
        assert response.status_code == 200, changelist
        listed += 1
        text = response.content.decode()
        assert not _leaks(text, oe_only), changelist
        if not issubclass(model, TenantModel):
            continue
        with scope(alliance=oe.alliance):
            oe_ids = list(model.objects.values_list("pk", flat=True)[:20])
        for oe_id in oe_ids:
            assert f"/{meta.model_name}/{oe_id}/change/" not in text, (changelist, oe_id)
            for page in ("change", "history"):
                response = bm_admin.get(f"{changelist}{oe_id}/{page}/")
                # Django's admin answers a row outside the queryset by redirecting to the index.
                assert response.status_code in (302, 403, 404), (changelist, oe_id, page, response.status_code)
                if response.status_code == 302:
                    assert response["Location"].rstrip("/").endswith("/admin"), response["Location"]
                opened += 1
    assert listed > 20 and opened > 100
