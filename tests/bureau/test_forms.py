"""Issue #20 point 8: the bureau forms as the regulation prints them (附件1, 附件4, the annual report)."""

import datetime
import re

from django.utils import timezone
from django_scopes import scope

from bureau import documents, services
from bureau.models import Decision, Kind
from projects.models import Project
from tests.bureau.conftest import current_version, draft, fresh, submitted
from tests.bureau.test_documents import chinese_font_installed, compact, pdf_text
from tests.bureau.test_pages import client_for, page

OPINIONS = {"necessity_opinion": "符合我市海洋产业发展方向，具备组建必要性。", "necessity_office": "高新技术处",
            "necessity_date": datetime.date(2026, 3, 10), "organisation_opinion": "联盟协议具有法律约束力，组织形式符合要求。",
            "organisation_office": "政策法规处", "organisation_date": datetime.date(2026, 3, 12)}


def application_html(ctx, submission, **extra):
    with scope(alliance=ctx.alliance):
        return compact(documents.render_html({**documents.build_snapshot(submission, version=1), **extra}))


def test_annex1_cover_contact_row_dates_and_person_names(oe):
    submission = draft(oe)
    with scope(alliance=oe.alliance):
        services.submission_edit(actor=oe.user("sec"), alliance=oe.alliance, submission=submission,
                                 form={"fax": "0532-80000001", "postcode": "266000"})
    html = application_html(oe, fresh(oe, submission), submitted_on="2026-03-10")
    assert "二〇二六年编制" in html
    assert "申报日期：2026年3月10日" in html and "2026-03-10" not in html
    # 传真 has its own cell beside 电话, as on the form.
    assert ("<tr><th>联系人</th><td>刘洋</td><th>电话</th><td>0532-80000000</td>"
            "<th>传真</th><td>0532-80000001</td></tr>") in html
    assert "<th>联盟理事长</th><tdcolspan=\"2\">陈海明</td>" in html
    assert "理事长陈" not in html  # the account's display name is not the chair's name


def test_annex1_sections_9_and_10_are_blank_until_approved_then_filled(oe, bureau_user):
    submission = submitted(oe)
    version = current_version(oe, submission)
    client = client_for(oe.user("sg"))
    before = client.get(page(oe, f"{submission.pk}/document/"))
    assert before.status_code == 200
    html = compact(documents.render_html(version.snapshot))
    assert "高新技术处" not in html and "审核处室（单位）盖章：<br>年月日" in html

    services.submission_decide(actor=bureau_user, submission=submission, decision="approved", **OPINIONS)
    version = current_version(oe, submission)
    with scope(alliance=oe.alliance):
        html = compact(documents.render_html({**version.snapshot, "review": documents.review_of(version)}))
    assert compact(OPINIONS["necessity_opinion"]) in html and compact(OPINIONS["organisation_opinion"]) in html
    assert "审核处室（单位）盖章：高新技术处<br>2026年3月10日" in html
    assert "复核处室盖章：政策法规处<br>2026年3月12日" in html
    after = client.get(page(oe, f"{submission.pk}/document/"))
    bureau_copy = client_for(bureau_user).get(f"/bureau/submissions/{submission.pk}/document/")
    assert after.content.startswith(b"%PDF") and bureau_copy.status_code == 200
    assert version.sha256 == current_version(oe, submission).sha256  # the frozen original is untouched
    if chinese_font_installed():
        assert "高新技术处" not in compact(pdf_text(before.content))
        for response in (after, bureau_copy):
            text = compact(pdf_text(response.content))
            assert compact(OPINIONS["necessity_opinion"]) in text and "2026年3月12日" in text


def test_annex4_review_form_is_a_signed_pdf_beside_the_decision(oe, bm, bureau_user):
    submission = submitted(oe)
    services.submission_decide(actor=bureau_user, submission=submission, decision="approved", **OPINIONS)
    with scope(alliance=oe.alliance):
        decision = Decision.objects.get(submission_id=submission.pk)
    url = page(oe, f"{submission.pk}/decisions/{decision.pk}/form/")
    response = client_for(oe.user("sg")).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"/ByteRange" in response.content  # signed (PAdES)
    bureau = client_for(bureau_user).get(f"/bureau/submissions/{submission.pk}/decisions/{decision.pk}/form/")
    assert bureau.status_code == 200
    assert client_for(bm.user("sg")).get(url).status_code == 404  # another alliance
    page_html = client_for(oe.user("sg")).get(page(oe, f"{submission.pk}/")).content.decode()
    assert f"decisions/{decision.pk}/form/" in page_html
    if chinese_font_installed():
        text = compact(pdf_text(response.content))
        for expected in ("附件4", "审核意见表", f"联盟名称：{oe.alliance.name}", "联盟组建必要性和技术性审核意见（可另附页）",
                         compact(OPINIONS["necessity_opinion"]), "审核单位盖章：高新技术处", "2026年3月10日",
                         "联盟组织形式审核意见（可另附页）", compact(OPINIONS["organisation_opinion"]), "2026年3月12日"):
            assert expected in text, expected


def test_annual_report_has_a_row_per_project_of_the_year(oe):
    with scope(alliance=oe.alliance):
        running = Project.objects.create(alliance=oe.alliance, code="OE-01", title="深海传感器", lead_unit=oe.units[0])
        running.status = Project.Status.IN_PROGRESS
        running.save()
        Project.objects.create(alliance=oe.alliance, code="OE-02", title="尚未立项的设想", lead_unit=oe.units[1])
    year = timezone.localdate().year
    submission = draft(oe, kind=Kind.ANNUAL_REPORT, title="年报", narrative={"body": "x"}, payload={"year": year})
    with scope(alliance=oe.alliance):
        snapshot = documents.build_snapshot(submission, version=1)
    rows = snapshot["annual_report"]["projects"]["projects"]
    assert [(r["code"], r["status_label"]) for r in rows] == [("OE-01", "实施中")]
    html = compact(documents.render_html(snapshot))
    assert re.search(r"<td>OE-01</td><td>深海传感器</td><td>[^<]+</td><td>实施中</td><td>\d{4}年\d+月\d+日</td><td></td>", html)
    assert "OE-02" not in html


def test_a_late_annual_report_is_marked_with_its_deadline(oe):
    submission = draft(oe, kind=Kind.ANNUAL_REPORT, title="2024年度报告", narrative={"body": "x"}, payload={"year": 2024})
    sent = submitted(oe, kind=Kind.ANNUAL_REPORT, title="2025年度报告", narrative={"body": "x"}, payload={"year": 2025})
    with scope(alliance=oe.alliance):
        late = documents.build_snapshot(submission, version=1, submitted_at=timezone.make_aware(datetime.datetime(2025, 4, 2, 9)))
        on_time = documents.build_snapshot(submission, version=1, submitted_at=timezone.make_aware(datetime.datetime(2025, 3, 31, 9)))
    assert late["annual_report"]["late"] is True and on_time["annual_report"]["late"] is False
    html = compact(documents.render_html(late))
    assert "逾期报送</strong>：本报告截止日为2025年3月31日，实际报送于2025年4月2日。" in html
    assert "2025年3月31日（逾期）" in html
    assert "逾期" not in compact(documents.render_html(on_time))
    # Today (December 2026) is after 31 March 2026: the 2025 report just submitted is late.
    frozen = current_version(oe, sent).snapshot["annual_report"]
    assert frozen["late"] is (timezone.localdate() > datetime.date(2026, 3, 31))
    if chinese_font_installed() and frozen["late"]:
        assert "逾期报送" in compact(pdf_text(client_for(oe.user("sg")).get(page(oe, f"{sent.pk}/document/")).content))
