from datetime import date
from decimal import Decimal
from io import BytesIO

from django.test import Client
from djmoney.money import Money
from openpyxl import load_workbook

from ip_registry import services
from tests.ip_registry.conftest import register

D = Decimal


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page(ctx, path=""):
    return f"/a/{ctx.alliance.slug}/ip/{path}"


def test_register_lists_assets_with_owners_and_filters(oe, gov_project):
    register(oe, title="标准A", kind="standard")
    register(oe, origin="foreground", project=gov_project, title="成果C", owners=[(oe.units[3], "", D("33.33")),
                                                                               (None, "外部研究所", D("66.67"), "domestic")])
    client = client_for(oe.user("council-1"))
    html = client.get(page(oe)).content.decode()
    assert "标准A" in html and "成果C" in html and "33.33%" in html and "外部研究所" in html
    assert 'data-testid="city-duty"' in html
    filtered = client.get(page(oe) + "?government_funded=1").content.decode()
    assert "成果C" in filtered and "标准A" not in filtered
    by_owner = client.get(page(oe) + f"?owner={oe.units[3].pk}").content.decode()
    assert "成果C" in by_owner and "标准A" not in by_owner
    by_kind = client.get(page(oe) + "?kind=standard").content.decode()
    assert "标准A" in by_kind and "成果C" not in by_kind


def test_asset_page_shows_owners_history_licences_and_revenue(oe):
    asset = register(oe, title="一种深海压力传感器")
    services.ownership_change(actor=oe.user("sec"), alliance=oe.alliance, asset=asset, valid_from=date(2025, 1, 1),
                              owners=[(oe.units[0], "", D(70)), (oe.units[1], "", D(30))], reason="份额调整")
    licence = services.licence_grant(actor=oe.user("sec"), alliance=oe.alliance, asset=asset, kind="exclusive",
                                     territory="city", field_of_use="海洋监测", start=date(2025, 2, 1),
                                     licensee_unit=oe.units[6], royalty_kind="percentage", royalty_rate=D("3.5"))
    services.receipt_record(actor=oe.user("sec"), alliance=oe.alliance, licence=licence, reference="BANK-77",
                            received_on=date(2025, 3, 1), gross=Money("1000.00", "CNY"))
    html = client_for(oe.user("sec")).get(page(oe, f"{asset.pk}/")).content.decode()
    for text in ["份额调整", "海洋监测", "独占许可", "3.5%", "BANK-77", oe.units[6].name, "700.00", "300.00"]:
        assert text in html, text


def test_representative_sees_only_their_units_ip(oe):
    mine = register(oe, title="自有专利", owners=[(oe.units[5], "", D(100))])
    other = register(oe, title="他人专利")
    client = client_for(oe.user("rep-1"))
    html = client.get(page(oe)).content.decode()
    assert "自有专利" in html and "他人专利" not in html
    assert client.get(page(oe, f"{mine.pk}/")).status_code == 200
    assert client.get(page(oe, f"{other.pk}/")).status_code == 404
    book = load_workbook(BytesIO(client.get(page(oe, "export.xlsx")).content))
    titles = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["自有专利"]


def test_another_alliances_user_gets_404_on_the_pages(oe, bm):
    asset = register(oe)
    client = client_for(bm.user("sec"))
    for path in ["", f"{asset.pk}/", "export.xlsx"]:
        assert client.get(page(oe, path)).status_code == 404


def test_xlsx_export_has_the_filtered_register(oe, gov_project):
    register(oe, title="标准A", kind="standard")
    register(oe, origin="foreground", project=gov_project, title="成果C", owners=[(oe.units[3], "", D(100))])
    response = client_for(oe.user("sec")).get(page(oe, "export.xlsx") + "?origin=foreground")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    assert row[2] == "成果C" and row[12] == f"{oe.units[3].name} 100%"
    assert row[13] == "是" and row[14] == "是"


def test_dashboard_shows_the_ip_tile(oe):
    register(oe)
    html = client_for(oe.user("sec")).get(f"/a/{oe.alliance.slug}/").content.decode()
    assert page(oe) in html


def test_secretariat_registers_an_asset_on_the_page_and_bad_shares_are_refused(oe):
    from django_scopes import scope

    from ip_registry.models import IPAsset

    client = client_for(oe.user("sec"))
    assert client.get(page(oe, "new/")).status_code == 200
    form = {"kind": "invention_patent", "title": "页面登记的专利", "origin": "background", "status": "filed",
            "owner_0_unit": oe.units[0].pk, "owner_0_share": "60", "owner_1_name": "外部研究院", "owner_1_share": "30",
            "owner_1_region": "domestic"}
    response = client.post(page(oe, "new/"), form)
    assert response.status_code == 400
    assert "100" in response.content.decode()
    with scope(alliance=oe.alliance):
        assert not IPAsset.objects.exists()
    form["owner_1_share"] = "40"
    response = client.post(page(oe, "new/"), form)
    assert response.status_code == 302
    with scope(alliance=oe.alliance):
        asset = IPAsset.objects.get()
        assert [s.share_text for s in services.current_ownership(asset).shares.all()] == ["60", "40"]
    assert client_for(oe.user("council-1")).get(page(oe, "new/")).status_code == 403


def test_secretariat_grants_a_licence_and_records_a_receipt_on_the_asset_page(oe):
    from django_scopes import scope

    from ip_registry.models import Licence, RevenueReceipt

    asset = register(oe)
    client = client_for(oe.user("sec"))
    licence_form = {"kind": "exclusive", "licensee_unit": oe.units[6].pk, "territory": "city", "start": "2025-01-01",
                    "royalty_kind": "lump_sum", "royalty_amount": "1000.00", "field_of_use": ""}
    assert client.post(page(oe, f"{asset.pk}/licences/new/"), licence_form).status_code == 302
    # The same exclusive scope again: refused, shown on the page, nothing added.
    licence_form["licensee_unit"] = oe.units[7].pk
    refused = client.post(page(oe, f"{asset.pk}/licences/new/"), licence_form)
    assert refused.status_code == 400 and "重叠" in refused.content.decode()
    with scope(alliance=oe.alliance):
        licence = Licence.objects.get()
    receipt_form = {"licence": licence.pk, "reference": "BANK-P1", "received_on": "2025-02-01", "gross": "1000.00"}
    assert client.post(page(oe, f"{asset.pk}/receipts/new/"), receipt_form).status_code == 302
    assert client.post(page(oe, f"{asset.pk}/receipts/new/"), receipt_form).status_code == 400
    with scope(alliance=oe.alliance):
        assert RevenueReceipt.objects.count() == 1
    assert client_for(oe.user("rep-1")).post(page(oe, f"{asset.pk}/receipts/new/"), receipt_form).status_code in (403, 404)
