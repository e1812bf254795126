"""Pages: directory, member page with history, portal, XLSX export, CSV import, public form."""

import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_scopes import scope
from openpyxl import load_workbook

from membership import selectors, services
from membership.models import MemberTransition, MemberUnit
from tests.governance.helpers import pass_resolution
from tests.membership.conftest import complete_fields, new_code, reload

A = "/a/ocean-equipment"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_units(ctx):
    with scope(alliance=ctx.alliance):
        return MemberUnit.objects.count()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------- directory


def test_directory_lists_filters_and_searches(oe, make_applicant):
    make_applicant(oe, name="青岛蓝海新材料有限公司")
    client = client_for(oe.user("council-1"))
    page = client.get(f"{A}/members/").content.decode()
    assert all(u.name in page for u in oe.units) and "青岛蓝海新材料有限公司" in page
    page = client.get(f"{A}/members/", {"kind": "university"}).content.decode()
    assert "中国海洋大学" in page and "青岛海洋装备集团有限公司" not in page
    page = client.get(f"{A}/members/", {"status": "applied"}).content.decode()
    assert "青岛蓝海新材料有限公司" in page and "中国海洋大学" not in page
    page = client.get(f"{A}/members/", {"role": "vice_chair"}).content.decode()
    assert "山东船舶重工股份有限公司" in page and "中国海洋大学" not in page
    page = client.get(f"{A}/members/", {"q": oe.units[4].uscc}).content.decode()
    assert oe.units[4].name in page and oe.units[3].name not in page


def test_a_representative_is_sent_to_their_portal(oe):
    response = client_for(oe.user("rep-1")).get(f"{A}/members/")
    assert response.status_code == 302 and response["Location"].endswith("/members/portal/")


def test_the_portal_shows_only_the_representatives_own_unit_with_its_history(oe):
    services.member_update(actor=oe.user("sec"), alliance=oe.alliance, unit=oe.units[5], phone="0532-81234567")
    page = client_for(oe.user("rep-1")).get(f"{A}/members/portal/").content.decode()
    assert oe.units[5].name in page and oe.units[5].uscc in page and "0532-81234567" in page
    assert oe.units[6].name not in page and oe.units[0].uscc not in page


def test_a_representative_cannot_open_another_units_page(oe):
    client = client_for(oe.user("rep-1"))
    assert client.get(f"{A}/members/{oe.units[6].pk}/").status_code == 404
    assert client.get(f"{A}/members/{oe.units[5].pk}/").status_code == 200


def test_member_page_shows_the_full_history(oe):
    sec = oe.user("sec")
    unit = oe.units[7]
    services.member_update(actor=sec, alliance=oe.alliance, unit=unit, standing="市级行业组织（修订）")
    services.member_withdraw_request(actor=sec, alliance=oe.alliance, unit=unit, reason="机构改革", effective_on=timezone.localdate())
    number = pass_resolution(oe, kind="other", subject_unit=unit, title="关于同意退出的意见")
    services.member_withdraw_complete(actor=sec, alliance=oe.alliance, unit=unit, resolution_number=number)
    page = client_for(oe.user("council-2")).get(f"{A}/members/{unit.pk}/").content.decode()
    for text in ("申请退出", "退出完成", "机构改革", number, "已缴纳的联盟经费不予退还", "市级行业组织（修订）"):
        assert text in page, text


def test_page_actions_go_through_the_services_and_refuse_other_roles(oe):
    unit = oe.units[8]
    today = timezone.localdate().isoformat()
    url = f"{A}/members/{unit.pk}/request-withdrawal/"
    assert client_for(oe.user("council-1")).post(url, {"reason": "x", "effective_on": today}).status_code == 403
    assert reload(oe, unit).status == MemberUnit.Status.ACTIVE
    response = client_for(oe.user("sec")).post(url, {"reason": "业务调整", "effective_on": today})
    assert response.status_code == 302 and reload(oe, unit).status == MemberUnit.Status.WITHDRAWING
    # An illegal transition from a page: a message, nothing changed.
    response = client_for(oe.user("sec")).post(url, {"reason": "again", "effective_on": today}, follow=True)
    assert "不能申请退出" in response.content.decode()
    with scope(alliance=oe.alliance):
        assert MemberTransition.objects.filter(unit=unit, event="withdrawal_requested").count() == 1


def test_secretariat_records_an_application_from_the_page(oe):
    fields = complete_fields()
    response = client_for(oe.user("sec")).post(f"{A}/members/new/", fields)
    assert response.status_code == 302
    with scope(alliance=oe.alliance):
        assert MemberUnit.objects.get(uscc=fields["uscc"]).status == MemberUnit.Status.APPLIED
    bad = client_for(oe.user("sec")).post(f"{A}/members/new/", complete_fields(uscc="914403001922038217"))
    assert bad.status_code == 400 and "校验码不正确" in bad.content.decode()
    assert client_for(oe.user("council-1")).get(f"{A}/members/new/").status_code == 403


# ---------------------------------------------------------------- export and import


def test_xlsx_export_has_every_unit_and_follows_the_filters(oe):
    client = client_for(oe.user("sec"))
    response = client.get(f"{A}/members/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位名称", "统一社会信用代码")
    assert {r[1] for r in rows[1:]} == {u.uscc for u in oe.units}
    filtered = load_workbook(io.BytesIO(client.get(f"{A}/members/export.xlsx", {"kind": "institute"}).content)).active
    assert filtered.max_row == 3


def test_a_representative_cannot_export_the_directory(oe):
    assert client_for(oe.user("rep-1")).get(f"{A}/members/export.xlsx").status_code == 403


def csv_file(rows: list[list[str]]):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "\n".join(",".join(r) for r in rows) + "\n"
    return SimpleUploadedFile("members.csv", text.encode("utf-8-sig"), content_type="text/csv")


HEADER = ["name", "uscc", "kind", "legal_representative", "standing", "status", "joined_on"]


def test_csv_import_with_a_bad_row_imports_nothing_and_reports_the_row(oe):
    rows = [HEADER,
            ["青岛甲公司", new_code(), "enterprise", "张三", "骨干", "", ""],
            ["青岛乙大学", "914403001922038217", "university", "李四", "", "", ""],
            ["青岛丙研究所", new_code("institute"), "institute", "王五", "", "active", "not-a-date"]]
    response = client_for(oe.user("sec")).post(f"{A}/members/import/", {"file": csv_file(rows)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第3行" in page and "第4行" in page and "第2行" not in page.split("import-report")[1]
    assert count_units(oe) == 9


def test_csv_import_of_good_rows_creates_every_unit(oe):
    rows = [HEADER,
            ["青岛甲公司", new_code(), "enterprise", "张三", "骨干", "", ""],
            ["青岛丙研究所", new_code("institute"), "institute", "王五", "", "active", "2024-01-15"]]
    response = client_for(oe.user("sec")).post(f"{A}/members/import/", {"file": csv_file(rows)})
    assert response.status_code == 302
    with scope(alliance=oe.alliance):
        assert MemberUnit.objects.get(name="青岛丙研究所").status == MemberUnit.Status.ACTIVE
        assert MemberUnit.objects.get(name="青岛甲公司").source == MemberUnit.Source.IMPORT


def test_csv_import_refuses_unknown_columns_and_other_roles(oe):
    response = client_for(oe.user("sec")).post(f"{A}/members/import/", {"file": csv_file([["name", "uscc", "kind", "status_x"]])})
    assert response.status_code == 400 and count_units(oe) == 9
    assert client_for(oe.user("council-1")).post(f"{A}/members/import/", {"file": csv_file([HEADER])}).status_code == 403


# ---------------------------------------------------------------- public application form


def publish(ctx, is_open=True):
    services.application_form_update(actor=ctx.user("sec"), alliance=ctx.alliance, is_open=is_open, intro="欢迎申请")


def public_fields(**overrides):
    fields = {k: v for k, v in complete_fields(**overrides).items() if k != "alliance_role"}
    fields["website"] = ""
    return fields


def test_an_unpublished_form_is_404(oe):
    assert Client().get(f"{A}/join/").status_code == 404
    publish(oe, is_open=False)
    assert Client().post(f"{A}/join/", public_fields()).status_code == 404
    assert count_units(oe) == 9


def test_the_public_form_records_an_application_without_login(oe):
    publish(oe)
    client = Client()
    assert "欢迎申请" in client.get(f"{A}/join/").content.decode()
    fields = public_fields()
    response = client.post(f"{A}/join/", fields)
    assert response.status_code == 200 and 'data-testid="apply-done"' in response.content.decode()
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(uscc=fields["uscc"])
        record = MemberTransition.objects.get(unit=unit)
    assert unit.status == MemberUnit.Status.APPLIED and unit.source == MemberUnit.Source.PUBLIC_FORM
    assert unit.alliance_role == MemberUnit.AllianceRole.ORDINARY and record.actor is None


def test_the_public_form_refuses_a_bad_code(oe):
    publish(oe)
    response = Client().post(f"{A}/join/", public_fields(uscc="914403001922038217"))
    assert response.status_code == 400 and "校验码不正确" in response.content.decode()
    assert count_units(oe) == 9


def test_the_honeypot_accepts_silently_and_records_nothing(oe):
    publish(oe)
    response = Client().post(f"{A}/join/", {**public_fields(), "website": "http://spam.example"})
    assert response.status_code == 200 and 'data-testid="apply-done"' in response.content.decode()
    assert count_units(oe) == 9


def test_the_public_form_is_rate_limited_per_address(oe, settings):
    settings.MEMBERSHIP_PUBLIC_APPLY_LIMIT = 2
    publish(oe)
    client = Client()
    assert client.post(f"{A}/join/", public_fields()).status_code == 200
    assert client.post(f"{A}/join/", public_fields()).status_code == 200
    response = client.post(f"{A}/join/", public_fields())
    assert response.status_code == 429
    assert count_units(oe) == 11


def test_only_the_secretariat_publishes_the_form(oe):
    assert client_for(oe.user("council-1")).post(f"{A}/members/application-form/", {"is_open": "on"}).status_code == 403
    assert Client().get(f"{A}/join/").status_code == 404
    client_for(oe.user("sec")).post(f"{A}/members/application-form/", {"is_open": "on", "intro": "x"})
    assert Client().get(f"{A}/join/").status_code == 200


def test_dashboard_members_tile_counts_every_kind_and_adds_up(oe):
    page = client_for(oe.user("sec")).get(f"{A}/").content.decode()
    assert "企业4 · 大学2 · 科研机构2 · 其他组织1" in page
    parts = re.search(r"企业(\d+) · 大学(\d+) · 科研机构(\d+) · 其他组织(\d+)", page).groups()
    assert sum(map(int, parts)) == selectors.member_counts_by_kind(oe.alliance)["total"] == 9


def test_member_list_tiles_show_every_kind_adding_up_to_the_total(oe):
    page = client_for(oe.user("sec")).get(f"{A}/members/").content.decode()
    tiles = dict((t, int(v)) for v, t in re.findall(r'<div class="value">(\d+)</div><div class="title">([^<]+)</div>', page))
    assert tiles["其他组织"] == 1
    assert tiles["企业"] + tiles["大学"] + tiles["科研机构"] + tiles["其他组织"] == tiles["现有成员合计"] == 9


def test_member_page_reads_in_english(oe):
    sec = oe.user("sec")
    unit = oe.units[7]
    services.member_withdraw_request(actor=sec, alliance=oe.alliance, unit=unit, reason="机构改革", effective_on=timezone.localdate())
    services.member_withdraw_complete(actor=sec, alliance=oe.alliance, unit=unit)
    client = client_for(oe.user("council-1"))
    client.cookies["django_language"] = "en"
    page = client.get(f"{A}/members/{unit.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Lifecycle history", "Withdrawal completed", "Contributions already paid are not refunded."):
        assert text in page, text
