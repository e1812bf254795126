"""A large directory export and a large CSV import run as jobs (issue #19 point 6): the worker builds
the workbook, or checks and imports the rows; a bad row fails the job with the row-by-row report and
imports nothing."""

import io

import pytest
from django.test import Client
from django_scopes import scope
from openpyxl import load_workbook

from alliances.models import Job
from membership.models import MemberUnit
from tests.membership.conftest import new_code
from tests.membership.test_pages import HEADER, count_units, csv_file

A = "/a/ocean-equipment"


@pytest.fixture
def large(settings):
    settings.JOBS_SYNC_LIMIT = 2


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def finished(ctx, client, page) -> dict:
    status = client.get(page + "status/").json()
    with scope(alliance=ctx.alliance):
        assert Job.objects.get(pk=status["id"]).status == status["status"]
    return status


def test_a_large_directory_export_is_a_job_with_the_same_workbook(oe, large, deliver):
    client = client_for(oe.user("council-1"))
    with deliver():
        response = client.get(f"{A}/members/export.xlsx?kind=enterprise")
        assert response.status_code == 302
    status = finished(oe, client, response["Location"])
    assert status["status"] == "done" and status["kind"] == "成员单位名录（XLSX）"
    download = client.get(status["file"])
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["单位名称", "统一社会信用代码", "单位类型"]
    kinds = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert kinds == {"企业"} and sheet.max_row > 2
    assert book.worksheets[1].title == "按类型统计"


def test_a_small_directory_export_is_still_the_file(oe):
    response = client_for(oe.user("council-1")).get(f"{A}/members/export.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')


def test_a_large_import_with_a_bad_row_fails_with_its_report_and_imports_nothing(oe, large, deliver):
    rows = [HEADER,
            ["青岛甲公司", new_code(), "enterprise", "张三", "骨干", "", ""],
            ["青岛乙大学", "914403001922038217", "university", "李四", "", "", ""],
            ["青岛丙研究所", new_code("institute"), "institute", "王五", "", "active", "not-a-date"]]
    client = client_for(oe.user("sec"))
    with deliver():
        response = client.post(f"{A}/members/import/", {"file": csv_file(rows)})
        assert response.status_code == 302 and "/jobs/" in response["Location"]
    status = finished(oe, client, response["Location"])
    assert status["status"] == "failed" and status["file"] is None
    assert status["error"].startswith("导入失败：有2行存在错误，未导入任何数据。")
    assert "第3行：" in status["error"] and "第4行：" in status["error"] and "第2行" not in status["error"]
    assert count_units(oe) == 9
    listing = client.get(f"{A}/jobs/").content.decode()
    assert "成员单位导入（CSV）" in listing and "第3行" in listing


def test_a_large_import_of_good_rows_is_imported_by_the_worker(oe, large, deliver):
    rows = [HEADER,
            ["青岛甲公司", new_code(), "enterprise", "张三", "骨干", "", ""],
            ["青岛丙研究所", new_code("institute"), "institute", "王五", "", "active", "2024-01-15"]]
    client = client_for(oe.user("sec"))
    with deliver():
        response = client.post(f"{A}/members/import/", {"file": csv_file(rows)})
    status = finished(oe, client, response["Location"])
    assert status["status"] == "done"
    with scope(alliance=oe.alliance):
        assert MemberUnit.objects.get(name="青岛丙研究所").status == MemberUnit.Status.ACTIVE
    report = b"".join(client.get(status["file"]).streaming_content).decode("utf-8-sig")
    assert "青岛甲公司" in report and "青岛丙研究所" in report
    # Another secretariat member sees the job; a councillor does not.
    assert client_for(oe.user("sg")).get(response["Location"]).status_code == 200
    assert client_for(oe.user("council-1")).get(response["Location"]).status_code == 404
