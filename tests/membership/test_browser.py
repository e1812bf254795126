"""Membership in a real browser: the secretariat's directory (filters, search, a unit's page, the XLSX
export), an application recorded and put to the council, the chair's signature, the public
application form for an anonymous visitor, a representative's portal, and the pages in English.
Every page is checked for content-security-policy violations and script errors."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from openpyxl import load_workbook

from membership.demo import demo_uscc
from governance.models import Motion
from membership.models import AccessionAgreement, MemberTransition, MemberUnit
from tests.browser import browser_page, log_in, rows, watch
from tests.governance.helpers import close_after_window, councillors, vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def unit_named(ctx, name) -> MemberUnit:
    with scope(alliance=ctx.alliance):
        return MemberUnit.objects.get(name=name)


def test_secretariat_filters_searches_opens_a_unit_and_exports_the_filtered_directory(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    with browser_page(chromium_path) as page:
        console = watch(page)
        log_in(page, live_server.url, oe.user("sec").username)
        with page.expect_navigation():
            page.click("nav.side a:has-text('成员单位')")
        assert page.locator("h1").inner_text() == "成员单位"
        assert "9\n现有成员合计" in page.inner_text("[data-testid=counts]")
        assert len(rows(page, "member-table")) == 9

        page.select_option("[data-testid=filters] select[name=kind]", "university")
        with page.expect_navigation():
            page.click("[data-testid=filters] button[type=submit]")
        listed = rows(page, "member-table")
        assert len(listed) == 2
        assert any("中国海洋大学" in r for r in listed) and any("青岛科技大学" in r for r in listed)
        assert all("大学" in r and "正式成员" in r for r in listed)

        # The export link carries the same filters: the workbook lists the two universities.
        with page.expect_download() as download:
            page.click("[data-testid=filters] a:has-text('导出 XLSX')")
        assert download.value.suggested_filename.startswith(f"members-{oe.alliance.slug}-")
        book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
        sheet = book.worksheets[0]
        header, *data = list(sheet.values)
        assert header[:4] == ("单位名称", "统一社会信用代码", "单位类型", "状态")
        assert sorted(row[0] for row in data) == ["中国海洋大学", "青岛科技大学"]
        assert {row[2] for row in data} == {"大学"}
        counts = dict(book.worksheets[1].values)
        assert counts["大学"] == 2 and counts["企业"] == 4

        # Search by part of the name, then by the credit code, and open the unit.
        page.select_option("[data-testid=filters] select[name=kind]", "")
        page.fill("[data-testid=filters] input[name=q]", "深蓝")
        with page.expect_navigation():
            page.press("[data-testid=filters] input[name=q]", "Enter")
        assert [r.split("\t")[0] for r in rows(page, "member-table")] == ["青岛深蓝传感技术有限公司"]
        sensor = unit_named(oe, "青岛深蓝传感技术有限公司")
        page.fill("[data-testid=filters] input[name=q]", sensor.uscc)
        with page.expect_navigation():
            page.click("[data-testid=filters] button[type=submit]")
        assert len(rows(page, "member-table")) == 1
        with page.expect_navigation():
            page.click("[data-testid=member-table] a:has-text('青岛深蓝传感技术有限公司')")
        assert page.url.endswith(f"/members/{sensor.pk}/")
        profile = page.inner_text("[data-testid=unit-profile]")
        assert sensor.uscc in profile and "水下传感器细分领域领先" in profile
        assert page.inner_text("[data-testid=unit-status]") == "正式成员"
        # An active member: the secretariat is offered withdrawal and expulsion, not admission.
        actions = page.inner_text("[data-testid=actions]")
        assert "申请退出" in actions and "提议除名" in actions and "提交理事会表决" in actions
        assert "材料齐全，开始审核" not in actions
        page.goto(f"{base}/members/?q=不存在的单位")
        assert "没有符合条件的成员单位。" in page.inner_text("[data-testid=member-table]")
        console.assert_clean()

        # The watcher does see a violation: a script injected into the page is refused by the CSP.
        page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.injected = 1";
                                 document.body.appendChild(s); }""")
        page.wait_for_timeout(100)
        assert any("Content Security Policy" in p for p in console.problems)
        assert page.evaluate("() => window.injected") is None


def test_secretariat_records_an_application_and_puts_it_to_the_council_then_the_chair_signs(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    code = demo_uscc("enterprise", 8101)
    with browser_page(chromium_path) as page:
        console = watch(page, 400)
        log_in(page, live_server.url, oe.user("sec").username)
        page.goto(f"{base}/members/")
        with page.expect_navigation():
            page.click("a:has-text('录入入盟申请')")
        assert page.locator("h1").inner_text() == "录入入盟申请"
        page.fill("#id_name", "青岛浪花水下机器人有限公司")
        page.fill("#id_uscc", code[:-1] + ("0" if code[-1] != "0" else "1"))  # a wrong check character
        page.select_option("#id_kind", "enterprise")
        page.fill("#id_legal_representative", "王海")
        page.fill("#id_address", "青岛市黄岛区江山中路1号")
        page.fill("#id_contact_person", "刘洋")
        page.fill("#id_phone", "0532-86001234")
        page.fill("#id_email", "liu@langhua.example.cn")
        page.fill("#id_standing", "水下机器人细分领域新锐企业")
        with page.expect_navigation():
            page.click("[data-testid=member-form] button[type=submit]")
        # Refused next to the code field; nothing recorded.
        error = page.locator("#id_uscc_error").inner_text()
        assert "校验" in error or "统一社会信用代码" in error
        assert page.input_value("#id_name") == "青岛浪花水下机器人有限公司"
        with scope(alliance=oe.alliance):
            assert not MemberUnit.objects.filter(name="青岛浪花水下机器人有限公司").exists()
            assert MemberUnit.objects.count() == 9

        page.fill("#id_uscc", code)
        with page.expect_navigation():
            page.click("[data-testid=member-form] button[type=submit]")
        assert "入盟申请已录入。" in page.inner_text("ul.messages")
        assert page.inner_text("[data-testid=unit-status]") == "已申请"
        assert "提交入盟申请" in page.inner_text("[data-testid=transitions]")
        unit = unit_named(oe, "青岛浪花水下机器人有限公司")
        assert unit.status == MemberUnit.Status.APPLIED and unit.uscc == code and unit.source == MemberUnit.Source.SECRETARIAT

        with page.expect_navigation():
            page.click("button:has-text('材料齐全，开始审核')")
        assert "已开始审核。" in page.inner_text("ul.messages")
        assert page.inner_text("[data-testid=unit-status]") == "审核中"

        closes = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        form = page.locator("form[action$='/submit-for-admission/']")
        form.locator("input[name=closes_at]").fill(closes)
        form.locator("input[name=title]").fill("关于接纳浪花水下机器人的议案")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "已提交理事会表决。" in page.inner_text("ul.messages")
        assert "待决议案" in page.inner_text("[data-testid=unit-profile]")
        assert page.locator("form[action$='/submit-for-admission/']").count() == 0  # not twice
        console.assert_clean()

    unit = unit_named(oe, "青岛浪花水下机器人有限公司")
    with scope(alliance=oe.alliance):
        motion = Motion.objects.get(pk=unit.pending_motion_id)
        assert unit.status == MemberUnit.Status.UNDER_REVIEW
        assert motion.kind == "admission" and motion.title == "关于接纳浪花水下机器人的议案" and motion.status == "open"
        assert list(MemberTransition.objects.filter(unit=unit).values_list("event", flat=True)) == [
            "applied", "review_started", "submitted_to_council"]

    vote(oe, motion, councillors(oe), "for")
    close_after_window(oe, motion)
    assert unit_named(oe, unit.name).status == MemberUnit.Status.ADMITTED

    with browser_page(chromium_path) as page:
        console = watch(page)
        log_in(page, live_server.url, oe.user("chair").username)
        page.goto(f"{base}/members/{unit.pk}/")
        assert page.inner_text("[data-testid=unit-status]") == "已批准加入"
        # The chair may sign, and sees no secretariat action.
        assert page.locator("form[action$='/start-review/'], form[action$='/bar/']").count() == 0
        form = page.locator("form[action$='/sign-accession/']")
        form.locator("input[name=note]").fill("一式两份")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "入盟协议已签署，成为正式成员。" in page.inner_text("ul.messages")
        assert page.inner_text("[data-testid=unit-status]") == "正式成员"
        assert "青岛海洋装备集团有限公司" in page.inner_text("[data-testid=accession]")
        console.assert_clean()
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(pk=unit.pk)
        agreement = AccessionAgreement.objects.get(unit=unit)
        assert unit.status == MemberUnit.Status.ACTIVE and unit.joined_on == timezone.localdate()
        assert agreement.signatory == oe.user("chair") and agreement.signatory_unit == oe.units[0]


def test_anonymous_visitor_applies_through_the_public_form_once_published(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    code = demo_uscc("institute", 8102)
    with browser_page(chromium_path) as page:
        console = watch(page, 404)
        assert page.goto(f"{base}/join/").status == 404  # not published yet
        log_in(page, live_server.url, oe.user("sec").username)
        page.goto(f"{base}/members/")
        with page.expect_navigation():
            page.click("a:has-text('公开申请表')")
        page.check("#id_is_open")
        page.fill("#id_intro", "欢迎海洋装备领域的科研机构申请加入。")
        with page.expect_navigation():
            page.click("form[method=post] button[type=submit]:has-text('保存')")
        assert "已保存。" in page.inner_text("ul.messages")
        console.assert_clean()

    with browser_page(chromium_path) as page:
        console = watch(page, 400)
        page.goto(f"{base}/join/")
        assert page.locator("h1").inner_text() == "申请加入海洋装备产业技术创新战略联盟"
        assert "欢迎海洋装备领域的科研机构申请加入。" in page.inner_text("main")
        form = page.locator("[data-testid=apply-form]")
        fields = {
            "#id_name": "青岛蓝海声学研究所", "#id_legal_representative": "赵声",
            "#id_address": "青岛市崂山区松岭路2号", "#id_contact_person": "钱波", "#id_phone": "0532-86005678",
            "#id_email": "qian@lanhai.example.cn", "#id_standing": "水声学研究机构",
        }
        for selector, value in fields.items():
            form.locator(selector).fill(value)
        form.locator("#id_kind").select_option("institute")
        # First with the code of an existing member: refused on the field, nothing recorded.
        form.locator("#id_uscc").fill(oe.units[2].uscc)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "本联盟已有使用该统一社会信用代码的成员单位。" in page.locator("#id_uscc_error").inner_text()
        with scope(alliance=oe.alliance):
            assert not MemberUnit.objects.filter(name="青岛蓝海声学研究所").exists()
        page.fill("#id_uscc", code)
        with page.expect_navigation():
            page.click("[data-testid=apply-form] button[type=submit]")
        assert "申请已收到" in page.inner_text("[data-testid=apply-done]")
        console.assert_clean()
    unit = unit_named(oe, "青岛蓝海声学研究所")
    assert unit.status == MemberUnit.Status.APPLIED and unit.source == MemberUnit.Source.PUBLIC_FORM
    assert unit.uscc == code and unit.kind == "institute" and unit.standing == "水声学研究机构"


def test_representative_sees_only_their_own_unit_and_cannot_export(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    own, other = oe.units[5], oe.units[6]
    with browser_page(chromium_path) as page:
        console = watch(page, 403, 404)
        log_in(page, live_server.url, oe.user("rep-1").username)
        page.goto(f"{base}/members/")
        assert page.url.endswith("/members/portal/")  # the directory sends them to their portal
        assert page.locator("h1").inner_text() == "成员单位门户"
        profiles = page.locator("[data-testid=unit-profile]")
        assert profiles.count() == 1
        assert own.name in profiles.inner_text() and own.uscc in profiles.inner_text()
        assert other.name not in page.inner_text("main")
        assert page.goto(f"{base}/members/{own.pk}/").status == 200
        assert page.locator("[data-testid=actions]").count() == 0  # reads, never writes
        assert page.goto(f"{base}/members/{other.pk}/").status == 404
        assert page.goto(f"{base}/members/new/").status == 403
        response = page.request.get(f"{base}/members/export.xlsx")
        assert response.status == 403
        console.assert_clean()
    with scope(alliance=oe.alliance):
        assert MemberUnit.objects.count() == 9


def test_directory_and_unit_page_in_english_for_a_councillor(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    with browser_page(chromium_path) as page:
        console = watch(page)
        log_in(page, live_server.url, oe.user("council-1").username)
        page.goto(f"{base}/members/")
        with page.expect_navigation():
            page.select_option("[data-testid=language-switch]", "en")
        assert page.locator("h1").inner_text() == "Member units"
        assert "Current members" in page.inner_text("[data-testid=counts]")
        filters = page.inner_text("[data-testid=filters]")
        assert "Filter" in filters and "Export XLSX" in filters
        assert "Record an application" not in filters  # councillors read the directory only
        header = page.inner_text("[data-testid=member-table] thead")
        assert "Kind" in header
        assert "正式成员" not in page.inner_text("[data-testid=member-table]")
        with page.expect_navigation():
            page.click("[data-testid=member-table] a:has-text('中国海洋大学')")
        assert page.locator("[data-testid=actions]").count() == 0
        assert "统一社会信用代码" not in page.inner_text("[data-testid=unit-profile]")
        console.assert_clean()
