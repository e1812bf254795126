"""The IP register in a real browser: the secretariat registers an asset (refused while the shares do
not make exactly 100, or an owner is listed twice, with nothing saved), grants a licence and exports
the register; a representative sees only what their unit owns or licenses, also in English. Every
page is checked for content-security-policy violations and script errors."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from ip_registry import services
from ip_registry.models import IPAsset, Licence, OwnershipShare
from tests.browser import browser_page, log_in, rows, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = Decimal


def asset_count(ctx) -> tuple[int, int]:
    with scope(alliance=ctx.alliance):
        return IPAsset.objects.count(), OwnershipShare.objects.count()


def register(ctx, title, owners, **details):
    return services.asset_register(actor=ctx.user("sec"), alliance=ctx.alliance, kind="invention_patent", title=title,
                                   origin="background", owners=owners, filing_date=date(2024, 3, 1), **details)


def licence(ctx, asset, unit, **details):
    return services.licence_grant(actor=ctx.user("sec"), alliance=ctx.alliance, asset=asset, kind="non_exclusive",
                                  territory="city", start=date(2025, 1, 1), licensee_unit=unit, **details)


def test_secretariat_registers_an_asset_only_when_shares_make_100_then_licenses_it(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    lead, university, licensee = oe.units[0], oe.units[1], oe.units[5]
    with browser_page(chromium_path) as page:
        console = watch(page, 400)
        log_in(page, live_server.url, oe.user("sec").username)
        with page.expect_navigation():
            page.click("nav.side a:has-text('知识产权')")
        assert page.locator("h1").inner_text() == "知识产权登记簿"
        assert "没有符合条件的知识产权。" in page.inner_text("[data-testid=ip-register]")
        with page.expect_navigation():
            page.click("[data-testid=asset-new]")
        page.select_option("#id_kind", "invention_patent")
        page.fill("#id_title", "一种深海耐压传感器封装方法")
        page.select_option("#id_origin", "background")
        page.fill("#id_application_number", "CN202410012345.6")
        page.fill("#id_filing_date", "2024-03-01")
        page.select_option("#id_owner_0_unit", str(lead.pk))
        page.fill("#id_owner_0_share", "60")
        page.fill("#id_owner_2_name", "青岛外部海洋研究院")  # row 2 left empty on purpose
        page.fill("#id_owner_2_share", "30")
        page.select_option("#id_owner_2_region", "domestic")
        with page.expect_navigation():
            page.click("[data-testid=asset-form] button[type=submit]")
        form = page.locator("[data-testid=asset-form]")
        assert "各权利人份额之和须恰好为100%，当前为90%。" in form.locator("ul.errorlist").first.inner_text()
        assert page.input_value("#id_title") == "一种深海耐压传感器封装方法"
        assert asset_count(oe) == (0, 0)

        # The same unit twice (on the fourth row): the refusal stands next to that row.
        page.select_option("#id_owner_3_unit", str(lead.pk))
        page.fill("#id_owner_3_share", "10")
        with page.expect_navigation():
            page.click("[data-testid=asset-form] button[type=submit]")
        assert "同一权利人不能重复列出。" in page.inner_text("#id_owner_3_unit_error")
        assert asset_count(oe) == (0, 0)

        page.select_option("#id_owner_3_unit", str(university.pk))
        with page.expect_navigation():
            page.click("[data-testid=asset-form] button[type=submit]")
        assert "知识产权已登记。" in page.inner_text("ul.messages")
        assert page.locator("h1").inner_text() == "一种深海耐压传感器封装方法"
        owners = rows(page, "owners")
        assert owners[0] == f"{lead.name}\t60"
        assert owners[1].startswith("青岛外部海洋研究院") and "联盟外单位" in owners[1] and owners[1].endswith("30")
        assert owners[2] == f"{university.name}\t10"
        assert "2024年3月1日" in page.inner_text("[data-testid=ownership-history]")

        # A licence: first without the lump sum's amount (refused on that field), then complete.
        licence_form = page.locator("[data-testid=licence-form]")
        licence_form.locator("#id_kind").select_option("non_exclusive")
        licence_form.locator("#id_licensee_unit").select_option(str(licensee.pk))
        licence_form.locator("#id_field_of_use").fill("水下传感器制造")
        licence_form.locator("#id_territory").select_option("city")
        licence_form.locator("#id_start").fill("2025-01-01")
        licence_form.locator("#id_end").fill("2027-12-31")
        licence_form.locator("#id_royalty_kind").select_option("lump_sum")
        with page.expect_navigation():
            licence_form.locator("button[type=submit]").click()
        assert "请填写金额。" in page.inner_text("#id_royalty_amount_error")
        with scope(alliance=oe.alliance):
            assert not Licence.objects.exists()
        page.fill("[data-testid=licence-form] #id_royalty_amount", "50000.00")
        with page.expect_navigation():
            page.click("[data-testid=licence-form] button[type=submit]")
        assert "许可已登记。" in page.inner_text("ul.messages")
        [row] = rows(page, "licences")
        assert licensee.name in row and "普通许可" in row and "水下传感器制造" in row and "一次性总付 50,000.00 CNY" in row and "有效" in row
        assert "青岛外部海洋研究院" in row and lead.name in row

        # The register lists it with its owners, and the export carries the same.
        page.goto(f"{base}/ip/")
        [listed] = rows(page, "ip-register")
        assert "一种深海耐压传感器封装方法" in listed and "CN202410012345.6" in listed and "青岛外部海洋研究院 30%" in listed
        page.select_option("[data-testid=ip-filters] select[name=owner]", str(university.pk))
        with page.expect_navigation():
            page.click("[data-testid=ip-filters] button[type=submit]")
        assert len(rows(page, "ip-register")) == 1
        with page.expect_download() as download:
            page.click("[data-testid=ip-export]")
        header, *data = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.values)
        assert header[2] == "名称" and [r[2] for r in data] == ["一种深海耐压传感器封装方法"]
        assert data[0][12] == f"{lead.name} 60%; 青岛外部海洋研究院 30%; {university.name} 10%"
        console.assert_clean()

    with scope(alliance=oe.alliance):
        asset = IPAsset.objects.get()
        shares = [(s.member_unit_id, s.party_name, s.share) for s in OwnershipShare.objects.filter(version__asset=asset).order_by("position")]
        assert shares == [(lead.pk, "", D("60")), (None, "青岛外部海洋研究院", D("30")), (university.pk, "", D("10"))]
        stored = Licence.objects.get()
        assert stored.asset == asset and stored.licensee_unit == licensee and stored.royalty_amount.amount == D("50000.00")
        assert stored.status == Licence.Status.ACTIVE and stored.licensors.count() == 3


def test_representative_sees_only_assets_their_unit_owns_or_licenses_in_english(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    own = oe.units[5]
    owned = register(oe, "水下声学定位方法", [(own, "", D("50")), (oe.units[0], "", D("50"))])
    licensed = register(oe, "海工平台防腐涂层", [(oe.units[1], "", D("100"))])
    licence(oe, licensed, own)
    other = register(oe, "港口起重机远程控制系统", [(oe.units[6], "", D("100"))])
    licence(oe, other, oe.units[7])
    with browser_page(chromium_path) as page:
        console = watch(page, 403, 404)
        log_in(page, live_server.url, oe.user("rep-1").username)
        page.goto(f"{base}/ip/")
        titles = sorted(r.split("\t")[0] for r in rows(page, "ip-register"))
        assert titles == sorted(["水下声学定位方法", "海工平台防腐涂层"])
        assert page.locator("[data-testid=asset-new]").count() == 0
        with page.expect_navigation():
            page.click("[data-testid=ip-register] a:has-text('海工平台防腐涂层')")
        assert own.name in page.inner_text("[data-testid=licences]")
        assert page.locator("[data-testid=licence-form], [data-testid=receipt-form]").count() == 0
        assert page.goto(f"{base}/ip/{other.pk}/").status == 404
        assert page.goto(f"{base}/ip/new/").status == 403
        response = page.request.get(f"{base}/ip/export.xlsx")
        exported = [r[2] for r in list(load_workbook(io.BytesIO(response.body())).active.values)[1:]]
        assert sorted(exported) == sorted(["水下声学定位方法", "海工平台防腐涂层"])

        page.goto(f"{base}/ip/")
        with page.expect_navigation():
            page.select_option("[data-testid=language-switch]", "en")
        assert page.locator("h1").inner_text() == "IP register"
        header = page.inner_text("[data-testid=ip-register] thead")
        assert "Owners and shares" in header
        assert "Invention patent" in page.inner_text("[data-testid=ip-register] tbody")
        assert "Export XLSX" in page.inner_text("[data-testid=ip-filters]")
        with page.expect_navigation():
            page.click(f"[data-testid=ip-register] a:has-text('水下声学定位方法')")
        assert "Current owners" in page.inner_text("main")
        assert f"{own.name}\t50" in rows(page, "owners")
        console.assert_clean()
    with scope(alliance=oe.alliance):
        assert IPAsset.objects.count() == 3 and owned.pk != other.pk
