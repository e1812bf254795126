"""The journal filters by date range, account, fund, project, member unit, status and amount range,
on the page and on the API with the same FilterSet; its export is exactly the filtered list."""

import re

import pytest
from django.urls import reverse

from tests.conftest import api_as
from tests.lists.conftest import client_for, xlsx_rows

pytestmark = pytest.mark.django_db


def _page(ctx, name="entries"):
    return reverse(f"finance:{name}", kwargs={"slug": ctx.alliance.slug})


def _api(ctx):
    return f"/api/v1/alliances/{ctx.alliance.slug}/ledger/entries/"


ALL = {"一月会费", "二月成员出资", "三月项目支出", "四月成员出资", "五月杂项", "六月待审"}


def _cases(oe, journal):
    return [
        ({"date_from": "2026-02-01", "date_to": "2026-04-30"}, {"二月成员出资", "三月项目支出", "四月成员出资"}),
        ({"account": journal["cash"].pk}, {"六月待审"}),
        ({"fund": journal["fund"].pk}, ALL),
        ({"project": journal["project"].pk}, {"三月项目支出"}),
        ({"member_unit": oe.units[0].pk}, {"二月成员出资"}),
        ({"status": "recorded"}, {"六月待审"}),
        ({"amount_min": "999.99", "amount_max": "2500"}, {"二月成员出资", "四月成员出资"}),
        ({"q": "成员出资"}, {"二月成员出资", "四月成员出资"}),
    ]


def _shown(html: str) -> set[str]:
    return {text for text in ALL if text in html}


def test_each_filter_narrows_the_page_and_the_api_alike(oe, journal):
    page, api = client_for(oe.user("sec")), api_as(oe.user("sec"))
    assert _shown(page.get(_page(oe)).content.decode()) == ALL
    for params, expected in _cases(oe, journal):
        html = page.get(_page(oe), params).content.decode()
        assert _shown(html) == expected, params
        body = api.get(_api(oe), {**params, "page_size": 200}).json()
        assert {row["description"] for row in body["results"]} == expected, params


def test_the_export_is_the_filtered_list_on_every_page(oe, journal):
    client = client_for(oe.user("auditor"))
    for params, expected in _cases(oe, journal):
        rows = xlsx_rows(client.get(_page(oe, "entries_export"), {**params, "page_size": 1, "page": 2}))
        header, body = rows[0], rows[1:]
        assert header[2] == "摘要" and {row[2] for row in body} == expected, params
    amounts = {row[2]: row[5] for row in xlsx_rows(client.get(_page(oe, "entries_export")))[1:]}
    assert amounts["二月成员出资"] == 2500 and amounts["五月杂项"] == pytest.approx(12.34)
    statuses = {row[4] for row in xlsx_rows(client.get(_page(oe, "entries_export")))[1:]}
    assert statuses == {"已过账", "待审核"}  # labels, never `posted`


def test_the_journal_pages_with_a_total_and_keeps_the_filters_in_the_links(oe, journal):
    client = client_for(oe.user("sec"))
    html = client.get(_page(oe), {"page_size": 2, "fund": journal["fund"].pk}).content.decode()
    assert "共 6 条" in html and "第 1 / 3 页" in html
    link = re.search(r'href="\?([^"]*page=2)"', html).group(1).replace("&amp;", "&")
    assert f"fund={journal['fund'].pk}" in link and "page_size=2" in link
    second = client.get(_page(oe) + "?" + link).content.decode()
    assert len(_shown(second)) == 2 and not _shown(second) & _shown(html)
    last = client.get(_page(oe), {"page_size": 2, "page": 3}).content.decode()
    assert len(_shown(last)) == 2
