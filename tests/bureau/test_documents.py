import datetime
import io
import json
import re
import subprocess

import pytest
from django_scopes import scope
from pypdf import PdfReader

from alliances.models import Alliance
from bureau import documents, reports, selectors
from bureau.models import Kind, Submission
from membership.models import MemberUnit
from membership.uscc import make_uscc
from tests.bureau.conftest import NARRATIVE, current_version, draft, submitted


def chinese_font_installed() -> bool:
    try:
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(data)))
    return "".join(page.extract_text() for page in reader.pages)


def compact(text: str) -> str:
    return "".join(text.split())


def test_recognition_application_pdf_follows_annex1_and_shows_chinese_text(oe):
    submission = submitted(oe)
    data = bytes(current_version(oe, submission).document)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    if not chinese_font_installed():
        pytest.skip("no Chinese font installed (apt-get install fonts-wqy-microhei): only checked the PDF is valid")
    text = compact(pdf_text(data))
    for expected in ("申请书", "一、联盟简况", "联盟常设机构的依托单位名称", "二、技术创新目标（限500字）",
                     "三、联盟成员单位在行业（或领域）中地位的简要说明", "四、产业发展状况",
                     "九、联盟组建必要性和技术性审核意见", "十、联盟组建复核意见",
                     oe.alliance.name, "青岛海洋装备集团有限公司", oe.units[0].uscc, "国内海洋工程装备龙头企业",
                     compact(NARRATIVE["technology_trends"])):
        assert compact(expected) in text, expected


def test_annual_report_pdf_has_every_section(oe):
    submission = submitted(oe, kind=Kind.ANNUAL_REPORT, title="2025年度报告", narrative={"body": "运行平稳"},
                           payload={"year": 2025})
    data = bytes(current_version(oe, submission).document)
    assert data.startswith(b"%PDF")
    if not chinese_font_installed():
        pytest.skip("no Chinese font installed: only checked the PDF is valid")
    text = compact(pdf_text(data))
    for expected in ("2025年度报告", "一、成员变动", "二、会议与决议", "三、项目", "四、知识产权", "五、经费收支", "运行平稳"):
        assert expected in text


def test_annual_report_pdf_shows_money_formatted(oe):
    import re

    from tests.bureau.test_integration import government_money

    government_money(oe)
    submission = submitted(oe, kind=Kind.ANNUAL_REPORT, title="2025年度报告", narrative={"body": "运行平稳"},
                           payload={"year": 2025})
    if not chinese_font_installed():
        pytest.skip("no Chinese font installed: only checked the PDF is valid")
    text = pdf_text(bytes(current_version(oe, submission).document))
    assert re.search(r"\d{1,3}(,\d{3})+\.\d\d", text), "a formatted amount"
    assert not re.findall(r"\d{4,}\.\d{3,}|(?<![\d,])\d{5,}\.\d\d", text)


def test_application_lists_at_most_20_main_members_chair_first(oe):
    with scope(alliance=oe.alliance):
        for n in range(15):
            MemberUnit.objects.create(
                alliance=oe.alliance, name=f"新增成员{n:02d}", kind="enterprise", status=MemberUnit.Status.ACTIVE,
                uscc=make_uscc(f"9137020000009{n:03d}"[:17].ljust(17, "1")),
            )
        MemberUnit.objects.create(alliance=oe.alliance, name="申请中单位", kind="university", status=MemberUnit.Status.APPLIED,
                                  uscc=make_uscc("12370200000099991"))
        members = documents.main_members(oe.alliance)
        counts = documents.member_counts(oe.alliance)
    assert len(members) == 20
    assert members[0]["name"] == oe.units[0].name and members[0]["alliance_role"] == "chair"
    assert "申请中单位" not in [m["name"] for m in members]
    assert counts["by_kind"] == [{"kind": "enterprise", "label": "企业", "count": 19}, {"kind": "university", "label": "大学", "count": 2},
                                 {"kind": "institute", "label": "科研机构", "count": 2}, {"kind": "other", "label": "其他组织", "count": 1}]
    assert {k: counts[k] for k in ("enterprise", "university", "institute", "other", "total")} == {
        "enterprise": 19, "university": 2, "institute": 2, "other": 1, "total": 24}


def test_recognition_application_counts_every_kind_adding_up_to_the_total(oe):
    submission = draft(oe)
    with scope(alliance=oe.alliance):
        html = compact(documents.render_html(documents.build_snapshot(submission, version=1)))
    kinds = dict((label, int(n)) for label, n in re.findall(r"<th>成员(\w+?)数量</th><td[^>]*>(\d+)个</td>", html))
    assert set(kinds) == {"企业", "大学", "科研机构", "其他组织"}
    assert kinds["其他组织"] == 1
    assert sum(kinds.values()) == int(re.search(r"<th>成员总数</th><td[^>]*>(\d+)个", html).group(1)) == 9


def test_annual_report_counts_every_kind_adding_up_to_the_total(oe):
    submission = draft(oe, kind=Kind.ANNUAL_REPORT, title="2025年度报告", narrative={"body": "运行平稳"}, payload={"year": 2025})
    with scope(alliance=oe.alliance):
        snapshot = documents.build_snapshot(submission, version=1)
    counts = snapshot["annual_report"]["membership"]["counts"]
    assert sum(row["count"] for row in counts["by_kind"]) == counts["total"] == 9
    html = compact(documents.render_html(snapshot))
    assert "<th>其他组织</th><td>1</td>" in html
    for row in counts["by_kind"]:
        assert f"<th>{row['label']}</th><td>{row['count']}</td>" in html


def test_snapshot_carries_profile_chair_host_and_contact(oe):
    submission = draft(oe)
    with scope(alliance=oe.alliance):
        snapshot = documents.build_snapshot(submission, version=1)
    assert snapshot["alliance"]["host_unit"] == oe.units[0].name
    assert snapshot["alliance"]["address"] == "青岛市崂山区海尔路1号"
    # The chair's person name (姓名), not the account's display name "理事长 陈"; the contact is a person.
    assert snapshot["application"]["chair"] == {"name": "陈海明", "unit": oe.units[0].name}
    assert snapshot["alliance"]["contact_name"] == "刘洋"
    assert snapshot["narrative"]["innovation_goals"] == NARRATIVE["innovation_goals"]


def test_annual_report_reads_every_section_from_the_apps_selectors(oe):
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(pk=oe.units[7].pk)
        unit.joined_on = datetime.date(2025, 5, 1)
        unit.save()
        gone = MemberUnit.objects.get(pk=oe.units[8].pk)
        gone.status, gone.left_on = MemberUnit.Status.WITHDRAWN, datetime.date(2025, 9, 1)
        gone.save()
        report = reports.annual_report(oe.alliance, 2025)
    assert report["deadline"] == "2026-03-31"
    assert [u["name"] for u in report["membership"]["joined"]] == [oe.units[7].name]
    assert [u["name"] for u in report["membership"]["left"]] == [oe.units[8].name]
    assert report["membership"]["counts"]["total"] == 8
    for name in ("membership", "meetings", "projects", "ip", "funds"):
        assert (report[name]["available"], report[name]["note"]) == (True, "")
    # A year with nothing in it: empty lists, not missing keys (the template shows "无").
    assert (report["meetings"]["meetings"], report["meetings"]["resolutions"]) == ([], [])
    assert (report["projects"]["started"], report["projects"]["accepted"]) == ([], [])
    assert (report["ip"]["assets"], report["ip"]["licences"]) == ([], [])
    assert json.loads(json.dumps(report)) == report  # the frozen snapshot is JSON as it is


def test_project_started_in_the_year_appears_in_the_annual_report(oe):
    from projects.models import Project

    with scope(alliance=oe.alliance):
        project = Project.objects.create(alliance=oe.alliance, code="OE-2025-01", title="深海传感器", lead_unit=oe.units[0])
        project.status = Project.Status.IN_PROGRESS
        project.save()
        year = project.history.first().history_date.year
        report = reports.section_projects(oe.alliance, year)
    assert [p["code"] for p in report["started"]] == ["OE-2025-01"]
    assert report["in_progress_at_year_end"] == 1


def test_annual_report_is_overdue_after_31_march_when_none_was_filed(oe, bm):
    Alliance.objects.filter(pk=oe.alliance.pk).update(status=Alliance.Status.RECOGNISED)
    rows = {r.alliance.slug: r for r in selectors.console_rows(today=datetime.date(2026, 4, 1))}
    assert rows["ocean-equipment"].overdue_annual_reports == [2025]
    assert rows["biomed"].overdue_annual_reports == []  # not recognised: owes no annual report
    rows = {r.alliance.slug: r for r in selectors.console_rows(today=datetime.date(2026, 3, 31))}
    assert rows["ocean-equipment"].overdue_annual_reports == []
    oe.alliance.refresh_from_db()
    submitted(oe, kind=Kind.ANNUAL_REPORT, title="年报", narrative={"body": "x"}, payload={"year": 2025})
    rows = {r.alliance.slug: r for r in selectors.console_rows(today=datetime.date(2026, 4, 1))}
    assert rows["ocean-equipment"].overdue_annual_reports == []


def test_a_draft_annual_report_does_not_count_as_filed(oe):
    Alliance.objects.filter(pk=oe.alliance.pk).update(status=Alliance.Status.RECOGNISED)
    draft(oe, kind=Kind.ANNUAL_REPORT, title="年报", narrative={"body": "x"}, payload={"year": 2025})
    rows = {r.alliance.slug: r for r in selectors.console_rows(today=datetime.date(2026, 6, 1))}
    assert rows["ocean-equipment"].overdue_annual_reports == [2025]
    with scope(alliance=oe.alliance):
        assert Submission.objects.get().status == Submission.Status.DRAFT


def test_generic_kinds_render_subject_and_payload(oe):
    submission = submitted(oe, kind=Kind.IP_FOREIGN_TRANSFER, title="专利境外独占许可", narrative={"body": "拟独占许可"},
                           subject=oe.units[2], payload={"licensee": "Foreign Co.", "territory": "foreign"})
    version = current_version(oe, submission)
    assert version.snapshot["subject"]["label"] == oe.units[2].name
    assert version.snapshot["payload"]["licensee"] == "Foreign Co."
    if chinese_font_installed():
        text = compact(pdf_text(version.document))
        assert "知识产权境外转让或独占许可审批" in text and "Foreign" in text
