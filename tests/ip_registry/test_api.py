from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from djmoney.money import Money

from ip_registry import services
from ip_registry.models import IPAsset, Licence, RevenueReceipt
from tests.ip_registry.conftest import register

D = Decimal


def url(ctx, path=""):
    return f"/api/v1/alliances/{ctx.alliance.slug}/{path}"


def asset_payload(ctx, **overrides):
    payload = {
        "kind": "invention_patent", "title": "一种深海压力传感器", "origin": "background",
        "application_number": "CN202410012345.6", "filing_date": "2024-01-10",
        "owners": [{"member_unit": ctx.units[0].pk, "share": "60"}, {"member_unit": ctx.units[1].pk, "share": "40"}],
    }
    payload.update(overrides)
    return payload


def licence_payload(ctx, asset, **overrides):
    payload = {"asset": asset.pk, "kind": "non_exclusive", "licensee_unit": ctx.units[6].pk, "territory": "domestic",
               "start": "2025-01-01", "end": "2027-12-31", "royalty_kind": "lump_sum", "royalty_amount": "1000.00"}
    payload.update(overrides)
    return payload


def count(ctx, model):
    with scope(alliance=ctx.alliance):
        return model.objects.count()


# ---------------------------------------------------------------- assets


def test_secretariat_registers_an_asset_through_the_api(oe, api):
    response = api(oe.user("sec")).post(url(oe, "ip-assets/"), asset_payload(oe), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [o["share"] for o in body["owners"]] == ["60.0000", "40.0000"]
    assert body["ownership_history"][0]["number"] == 1
    assert body["government_funded"] is False and body["city_licensing_duty"] is False


def test_shares_not_summing_to_100_give_400_and_create_nothing(oe, api):
    payload = asset_payload(oe, owners=[{"member_unit": oe.units[0].pk, "share": "60"}, {"party_name": "外部", "party_region": "domestic", "share": "30"}])
    response = api(oe.user("sec")).post(url(oe, "ip-assets/"), payload, format="json")
    assert response.status_code == 400
    assert "owners" in response.json()["error"]["fields"]
    assert count(oe, IPAsset) == 0


def test_english_error_message(oe, api):
    payload = asset_payload(oe, owners=[{"member_unit": oe.units[0].pk, "share": "50"}])
    response = api(oe.user("sec"), language="en").post(url(oe, "ip-assets/"), payload, format="json")
    assert response.status_code == 400
    assert "100" in response.json()["error"]["fields"]["owners"][0]
    assert "exactly" in response.json()["error"]["fields"]["owners"][0]


def test_another_alliances_ids_in_payloads_give_400(oe, bm, api):
    bm_asset = register(bm)
    sec = api(oe.user("sec"))
    payload = asset_payload(oe, owners=[{"member_unit": bm.units[0].pk, "share": "100"}])
    assert sec.post(url(oe, "ip-assets/"), payload, format="json").status_code == 400
    assert count(oe, IPAsset) == 0
    assert sec.post(url(oe, "licences/"), licence_payload(oe, bm_asset), format="json").status_code == 400
    asset = register(oe)
    response = sec.post(url(oe, "licences/"), licence_payload(oe, asset, licensee_unit=bm.units[6].pk), format="json")
    assert response.status_code == 400
    assert count(oe, Licence) == 0


def test_another_alliances_user_gets_404(oe, bm, api):
    asset = register(oe)
    licence = services.licence_grant(actor=oe.user("sec"), alliance=oe.alliance, asset=asset, kind="non_exclusive",
                                     territory="city", start=date(2025, 1, 1), licensee_unit=oe.units[6])
    outsider = api(bm.user("sec"))
    for path in ["ip-assets/", f"ip-assets/{asset.pk}/", "licences/", f"licences/{licence.pk}/",
                 f"licences/{licence.pk}/receipts/", "ip-transfers/"]:
        assert outsider.get(url(oe, path)).status_code == 404, path
    assert outsider.post(url(oe, "ip-assets/"), asset_payload(oe), format="json").status_code == 404
    assert count(oe, IPAsset) == 1


def test_anonymous_is_refused(oe, api):
    assert api().get(url(oe, "ip-assets/")).status_code == 401


def test_read_only_roles_cannot_write(oe, api):
    asset = register(oe)
    for who in ["council-1", "expert-1", "auditor", "rep-1"]:
        client = api(oe.user(who))
        assert client.post(url(oe, "ip-assets/"), asset_payload(oe), format="json").status_code == 403
        assert client.post(url(oe, "licences/"), licence_payload(oe, asset), format="json").status_code == 403
        assert client.patch(url(oe, f"ip-assets/{asset.pk}/"), {"status": "granted"}, format="json").status_code == 403
    assert count(oe, IPAsset) == 1 and count(oe, Licence) == 0


def test_bureau_reads_but_does_not_write(oe, api, bureau_user):
    register(oe)
    client = api(bureau_user)
    assert client.get(url(oe, "ip-assets/")).json()["count"] == 1
    assert client.post(url(oe, "ip-assets/"), asset_payload(oe), format="json").status_code == 403


def test_update_details_and_change_ownership(oe, api):
    asset = register(oe)
    sec = api(oe.user("sec"))
    response = sec.patch(url(oe, f"ip-assets/{asset.pk}/"),
                         {"status": "granted", "patent_number": "ZL202410012345.6", "grant_date": "2025-02-01"}, format="json")
    assert response.status_code == 200 and response.json()["patent_number"] == "ZL202410012345.6"
    response = sec.post(url(oe, f"ip-assets/{asset.pk}/ownership/"), {
        "valid_from": "2025-06-01", "reason": "份额调整",
        "owners": [{"member_unit": oe.units[0].pk, "share": "33.3333"}, {"member_unit": oe.units[1].pk, "share": "33.3333"},
                   {"party_name": "Ocean Lab", "party_region": "foreign", "share": "33.3334"}]}, format="json")
    assert response.status_code == 201, response.json()
    history = sec.get(url(oe, f"ip-assets/{asset.pk}/")).json()["ownership_history"]
    assert [v["number"] for v in sorted(history, key=lambda v: v["number"])] == [1, 2]
    bad = sec.post(url(oe, f"ip-assets/{asset.pk}/ownership/"), {
        "valid_from": "2025-07-01", "reason": "x", "owners": [{"member_unit": oe.units[0].pk, "share": "99"}]}, format="json")
    assert bad.status_code == 400


def test_register_filters(oe, api, gov_project):
    register(oe, kind="standard", title="标准A")
    register(oe, kind="invention_patent", title="专利B", owners=[(oe.units[3], "", D(100))])
    register(oe, origin="foreground", project=gov_project, title="成果C", owners=[(oe.units[3], "", D(100))])
    client = api(oe.user("council-1"))

    def titles(query):
        response = client.get(url(oe, f"ip-assets/?{query}"))
        assert response.status_code == 200
        return sorted(a["title"] for a in response.json()["results"])

    assert titles("kind=standard") == ["标准A"]
    assert titles(f"owner={oe.units[3].pk}") == ["专利B", "成果C"]
    assert titles(f"project={gov_project.pk}") == ["成果C"]
    assert titles("government_funded=true") == ["成果C"]
    assert titles("government_funded=false") == ["专利B", "标准A"]
    assert titles("origin=foreground&status=filed") == ["成果C"]
    funded = client.get(url(oe, "ip-assets/?government_funded=true")).json()["results"][0]
    assert funded["government_funded"] is True and funded["city_licensing_duty"] is True


def test_representatives_see_only_what_their_unit_owns_or_licenses(oe, api):
    rep_unit = oe.units[5]
    owned = register(oe, title="自有", owners=[(rep_unit, "", D(100))])
    licensed = register(oe, title="被许可")
    hidden = register(oe, title="无关")
    services.licence_grant(actor=oe.user("sec"), alliance=oe.alliance, asset=licensed, kind="non_exclusive",
                           territory="city", start=date(2025, 1, 1), licensee_unit=rep_unit)
    other_licence = services.licence_grant(actor=oe.user("sec"), alliance=oe.alliance, asset=hidden, kind="non_exclusive",
                                           territory="city", start=date(2025, 1, 1), licensee_unit=oe.units[7])
    client = api(oe.user("rep-1"))
    assert sorted(a["title"] for a in client.get(url(oe, "ip-assets/")).json()["results"]) == ["自有", "被许可"]
    assert client.get(url(oe, f"ip-assets/{hidden.pk}/")).status_code == 404
    assert client.get(url(oe, f"ip-assets/{owned.pk}/")).status_code == 200
    assert [l["licensee_unit"] for l in client.get(url(oe, "licences/")).json()["results"]] == [rep_unit.pk]
    assert client.get(url(oe, f"licences/{other_licence.pk}/")).status_code == 404


def test_asset_list_query_count_does_not_grow_with_assets(oe, api):
    client = api(oe.user("sec"))
    register(oe, title="一")
    client.get(url(oe, "ip-assets/"))  # warm the per-user role cache
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(oe, "ip-assets/")).status_code == 200
    for n in range(4):
        register(oe, title=f"多{n}", owners=[(oe.units[n], "", D(50)), (None, f"外部{n}", D(50), "domestic")])
    with CaptureQueriesContext(connection) as five:
        assert client.get(url(oe, "ip-assets/")).json()["count"] == 5
    assert len(five) == len(one)


# ---------------------------------------------------------------- licences and receipts


def test_licence_grant_overlap_refused_with_400(oe, api):
    asset = register(oe)
    sec = api(oe.user("sec"))
    assert sec.post(url(oe, "licences/"), licence_payload(oe, asset, field_of_use="海洋监测"), format="json").status_code == 201
    response = sec.post(url(oe, "licences/"), licence_payload(oe, asset, kind="exclusive", field_of_use="",
                                                               licensee_unit=oe.units[7].pk), format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["error"]["fields"]
    assert count(oe, Licence) == 1
    foreign = sec.post(url(oe, "licences/"), licence_payload(oe, asset, kind="exclusive", territory="foreign",
                                                              licensee_unit=None, licensee_name="Ocean Ltd", licensee_region="foreign"), format="json")
    assert foreign.status_code == 201 and foreign.json()["status"] == "active"


def test_exclusive_foreign_licence_of_funded_asset_is_pending_via_api(oe, api, gov_project):
    asset = register(oe, origin="foreground", project=gov_project, owners=[(oe.units[0], "", D(100))])
    response = api(oe.user("sec")).post(url(oe, "licences/"), licence_payload(
        oe, asset, kind="exclusive", territory="foreign", licensee_unit=None, licensee_name="Deep Sea GmbH", licensee_region="foreign"), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending_bureau"
    receipt = api(oe.user("sec")).post(url(oe, f"licences/{response.json()['id']}/receipts/"),
                                       {"reference": "R1", "received_on": "2025-02-01", "gross": "10.00"}, format="json")
    assert receipt.status_code == 409
    assert count(oe, RevenueReceipt) == 0


def test_receipts_are_recorded_once_and_distributed(oe, api):
    asset = register(oe)
    sec = api(oe.user("sec"))
    licence = sec.post(url(oe, "licences/"), licence_payload(oe, asset), format="json").json()
    path = url(oe, f"licences/{licence['id']}/receipts/")
    response = sec.post(path, {"reference": "BANK-1", "received_on": "2025-03-01", "gross": "1000.01",
                               "cost_recovery": "0.00"}, format="json")
    assert response.status_code == 201, response.json()
    assert [s["amount"]["amount"] for s in response.json()["shares"]] == ["600.01", "400.00"]
    again = sec.post(path, {"reference": "BANK-1", "received_on": "2025-03-02", "gross": "5.00"}, format="json")
    assert again.status_code == 409
    assert count(oe, RevenueReceipt) == 1
    listed = api(oe.user("auditor")).get(path).json()
    assert listed["count"] == 1 and listed["results"][0]["reference"] == "BANK-1"


def test_terminate_a_licence(oe, api):
    asset = register(oe)
    sec = api(oe.user("sec"))
    licence = sec.post(url(oe, "licences/"), licence_payload(oe, asset), format="json").json()
    response = sec.post(url(oe, f"licences/{licence['id']}/terminate/"), {"on": "2025-06-30", "reason": "违约"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "terminated"
    again = sec.post(url(oe, f"licences/{licence['id']}/terminate/"), {"on": "2025-07-30", "reason": "违约"}, format="json")
    assert again.status_code == 409


def test_transfers_and_their_receipts(oe, api):
    asset = register(oe)
    sec = api(oe.user("sec"))
    response = sec.post(url(oe, "ip-transfers/"), {
        "asset": asset.pk, "transferees": [{"member_unit": oe.units[3].pk, "share": "100"}], "price": "300000.00",
        "agreed_on": "2025-05-01"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "completed"
    receipt = sec.post(url(oe, f"ip-transfers/{response.json()['id']}/receipts/"),
                       {"reference": "T-1", "received_on": "2025-05-10", "gross": "300000.00"}, format="json")
    assert receipt.status_code == 201
    assert [s["member_unit"] for s in receipt.json()["shares"]] == [oe.units[0].pk, oe.units[1].pk]
    with scope(alliance=oe.alliance):
        assert services.current_ownership(asset).shares.get().member_unit == oe.units[3]


def test_schema_documents_the_ip_endpoints(oe, api):
    schema = api(oe.user("sec")).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ["/api/v1/alliances/{slug}/ip-assets/", "/api/v1/alliances/{slug}/licences/",
                 "/api/v1/alliances/{slug}/licences/{id}/receipts/", "/api/v1/alliances/{slug}/ip-assets/{id}/ownership/"]:
        assert path in paths, path
