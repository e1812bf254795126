"""Each object page links to its own slice of the activity log (issue #20 point 7), on the full demo;
and the log of one alliance, over every history table, holds none of the other's rows."""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from alliances.activity import Filters, activity_page, tracked_models
from alliances.raw_history import history_model

pytestmark = pytest.mark.django_db

OE, BM = "ocean-equipment", "biomed"
OBJECT_PAGES = [("membership.MemberUnit", "membership:detail"), ("governance.Motion", "governance:motion"),
                ("governance.Meeting", "governance:meeting"), ("finance.JournalEntry", "finance:entry"),
                ("projects.Project", "projects:detail"), ("ip_registry.IPAsset", "ip_registry:asset")]


@pytest.mark.parametrize("label, name", OBJECT_PAGES)
def test_object_page_links_its_slice(world, label, name):
    ctx = world[OE]
    model = apps.get_model(label)
    with scope(alliance=ctx.alliance):
        obj = model.objects.filter(alliance=ctx.alliance).order_by("pk").first()
    page = reverse(name, kwargs={"slug": ctx.alliance.slug, "pk": obj.pk})
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(ctx.user("auditor"))
    html = client.get(page).content.decode()
    link = re.search(r'<a href="([^"]+)" data-testid="activity-link">', html).group(1).replace("&amp;", "&")
    assert f"kind={model._meta.label_lower}" in link and f"object={obj.pk}" in link
    rows, total = activity_page(ctx.alliance, Filters(kind=model._meta.label_lower, object=obj.pk), size=500)
    assert total > 0 and {(r.kind, r.object_id) for r in rows} == {(model._meta.label_lower, obj.pk)}
    sliced = client.get(link).content.decode()
    assert f"共 {total} 条" in sliced and str(model._meta.verbose_name) in sliced
    client.force_login(ctx.user("council-1"))  # who may not read the log sees no link
    assert "activity-link" not in client.get(page).content.decode()


def test_no_row_of_another_alliance(world):
    models = tracked_models()
    for slug in (OE, BM):
        alliance = world[slug].alliance
        rows, total = activity_page(alliance, Filters(), size=2000)
        assert len(rows) == min(total, 2000) > 0 and len({r.kind for r in rows}) > 5
        with scopes_disabled():
            for row in rows:
                label, history_id = row.key.split(":")
                assert history_model(models[label]).objects.get(history_id=history_id).alliance_id == alliance.pk
