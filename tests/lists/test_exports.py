"""Each list's XLSX is what the list shows: its filters, every page (not only the one on screen),
labels never codes, money as #,##0.00."""

import re

import pytest
from django_scopes import scope

from governance.models import Meeting, Motion
from projects.models import Project
from tests.lists.conftest import client_for, xlsx_rows

pytestmark = pytest.mark.django_db


def _total(html: str) -> int:
    return int(re.search(r"共 (\d+) 条", html).group(1))


@pytest.mark.parametrize("path, export, params, label_column, labels", [
    ("members/", "members/export.xlsx", {"kind": "enterprise"}, None, None),
    ("projects/", "projects/export.xlsx", {"q": "项目"}, 3, set(Project.Status.labels)),
    ("motions/", "motions/export.xlsx", {"status": "closed"}, 2, {str(Motion.Status.CLOSED.label)}),
    ("meetings/", "meetings/export.xlsx", {}, 3, set(map(str, Meeting.Status.labels))),
    ("ip/", "ip/export.xlsx", {}, None, None),
])
def test_the_export_holds_every_row_the_filtered_list_counts(oe, path, export, params, label_column, labels):
    client = client_for(oe.user("sec"))
    base = f"/a/{oe.alliance.slug}/"
    with scope(alliance=oe.alliance):
        if path == "projects/":
            for n in range(3):
                Project.objects.create(alliance=oe.alliance, code=f"X-{n}", title=f"导出项目{n}", lead_unit=oe.units[0])
    page = client.get(base + path, {**params, "page_size": 1})
    assert page.status_code == 200
    total = _total(page.content.decode())
    rows = xlsx_rows(client.get(base + export, {**params, "page_size": 1, "page": 1}))
    body = [row for row in rows[1:] if any(cell is not None for cell in row)]
    if path == "members/":
        body = body[:total]  # the second sheet counts by kind
    assert len(body) == total, (path, len(body), total)
    if label_column is not None and body:
        assert {str(row[label_column]) for row in body} <= {str(label) for label in labels}, path


def test_the_trial_balance_export_is_the_accounts_page_at_its_date(oe, journal):
    client = client_for(oe.user("auditor"))
    url = f"/a/{oe.alliance.slug}/finance/accounts/export.xlsx"
    rows = xlsx_rows(client.get(url, {"as_of": "2026-03-31"}))
    assert rows[0][0] == "截至日期"
    body = {row[0]: row for row in rows[2:] if row[0] and row[0] != "合计"}
    assert body["1002"][3] == pytest.approx(100 + 2500 + 40000)  # posted up to 31 March, debits of the bank
    total = [row for row in rows if row[0] == "合计"][0]
    assert total[5] == total[6]
    later = {row[0]: row for row in xlsx_rows(client.get(url, {"as_of": "2026-12-31"}))[2:] if row[0]}
    assert later["1002"][3] == pytest.approx(100 + 2500 + 40000 + 999.99 + 12.34)
