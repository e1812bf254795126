"""Bad filter input: another alliance's id, text for a number, a number beyond 64 bits, a date that
does not exist. The API answers 400 with the field's message, the page 400 with a form error; no
page ever lists a row of the other alliance, and nothing is a 500."""

import pytest
from django.urls import reverse
from django_scopes import scope

from finance import services
from finance.models import Account
from tests.conftest import api_as
from tests.lists.conftest import client_for

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


def _lists(oe, bm, journal):
    services.chart_install(bm.alliance)
    with scope(alliance=bm.alliance):
        bm_account = Account.objects.order_by("id").first()
    s = oe.alliance.slug
    return [
        (f"/a/{s}/finance/entries/", f"/api/v1/alliances/{s}/ledger/entries/",
         [("account", bm_account.pk), ("member_unit", bm.units[0].pk), ("account", HUGE), ("account", "abc"),
          ("amount_min", HUGE), ("amount_max", "NaN"), ("date_from", "2026-13-45"), ("status", "posted'--")]),
        (f"/a/{s}/projects/", f"/api/v1/alliances/{s}/projects/",
         [("lead_unit", bm.units[0].pk), ("unit", bm.units[0].pk), ("unit", HUGE), ("government_programme", "maybe")]),
        (f"/a/{s}/ip/", f"/api/v1/alliances/{s}/ip-assets/",
         [("owner", bm.units[0].pk), ("project", HUGE), ("owner", "-1")]),
        (f"/a/{s}/meetings/", f"/api/v1/alliances/{s}/meetings/", [("date_from", "2026-02-30"), ("status", "x")]),
        (f"/a/{s}/motions/", f"/api/v1/alliances/{s}/motions/", [("year", HUGE), ("kind", "nonsense")]),
    ]


def test_bad_filters_are_400_with_the_field_named_never_500_nor_rows_of_the_other_alliance(oe, bm, journal):
    page, api = client_for(oe.user("sec")), api_as(oe.user("sec"))
    bm_names = [unit.name for unit in bm.units]
    for page_url, api_url, cases in _lists(oe, bm, journal):
        for name, value in cases:
            response = api.get(api_url, {name: value})
            assert response.status_code == 400, (api_url, name, value, response.status_code)
            assert name in response.json()["error"]["fields"], (api_url, name, response.json())
            html = page.get(page_url, {name: value})
            assert html.status_code == 400, (page_url, name, value)
            text = html.content.decode()
            assert 'data-testid="filter-error"' in text, (page_url, name)
            assert not [n for n in bm_names if n in text], (page_url, name)


def test_an_export_with_bad_filters_is_400_and_no_file(oe, bm, journal):
    client = client_for(oe.user("sec"))
    for name in ("finance:entries_export", "projects:export", "ip_registry:export", "membership:export",
                 "governance:motions_export", "governance:meetings_export"):
        url = reverse(name, kwargs={"slug": oe.alliance.slug})
        param = {"finance:entries_export": "member_unit", "projects:export": "unit", "ip_registry:export": "owner"}.get(name)
        response = client.get(url, {param: bm.units[0].pk} if param else {"status": "nonsense"})
        assert response.status_code == 400 and not response.content.startswith(b"PK"), (name, response.status_code)
    trial = reverse("finance:trial_balance_export", kwargs={"slug": oe.alliance.slug})
    assert client.get(trial, {"as_of": "2026-02-30"}).status_code == 400


def test_a_filter_error_speaks_english_in_english(oe, bm, journal):
    api = api_as(oe.user("sec"), language="en")
    response = api.get(f"/api/v1/alliances/{oe.alliance.slug}/ledger/entries/", {"member_unit": bm.units[0].pk})
    assert response.status_code == 400
    message = " ".join(response.json()["error"]["fields"]["member_unit"])
    assert "alliance" in message and not any("\u4e00" <= ch <= "\u9fff" for ch in message)
