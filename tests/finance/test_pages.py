"""Finance pages: the secretariat records and approves, the auditor reads and changes nothing,
a representative sees only their own unit's statement."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django_scopes import scope

from finance import services
from finance.models import Account, Commitment, JournalEntry, Period
from tests.finance.conftest import cny, make_project, post


def page(ctx, name, **kwargs):
    return reverse(f"finance:{name}", kwargs={"slug": ctx.alliance.slug, **kwargs})


def login(client, user):
    client.force_login(user)
    return client


def entry_form_data(fund, debit="100.00", credit="100.00"):
    data = {"date": "2026-02-10", "description": "页面录入", "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "2", "lines-MAX_NUM_FORMS": "50"}
    data.update({"lines-0-account": "1002", "lines-0-fund": fund.pk, "lines-0-debit": debit, "lines-0-currency": "CNY"})
    data.update({"lines-1-account": "4901.02", "lines-1-fund": fund.pk, "lines-1-credit": credit, "lines-1-currency": "CNY"})
    data.update({"lines-2-currency": "CNY"})
    return data


def test_secretariat_records_on_the_form_and_another_approves_in_the_queue(oe, client):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    login(client, oe.user("sec"))
    form = client.get(page(oe, "entry_new"))
    assert form.status_code == 200 and b"debit-total" in form.content
    response = client.post(page(oe, "entry_new"), entry_form_data(fund))
    assert response.status_code == 302
    with scope(alliance=oe.alliance):
        entry = JournalEntry.objects.get()
    queue = client.get(page(oe, "approvals"))
    assert "页面录入" in queue.content.decode()
    detail = client.get(page(oe, "entry", pk=entry.pk)).content.decode()
    assert "制单人不能审核自己录入的凭证" in detail
    client.post(page(oe, "entry", pk=entry.pk), {"action": "approve"})
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get().status == "recorded"
    login(client, oe.user("sg"))
    client.post(page(oe, "entry", pk=entry.pk), {"action": "approve"})
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get().status == "posted"


def test_unbalanced_form_shows_the_reason_and_writes_nothing(oe, client):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    login(client, oe.user("sec"))
    response = client.post(page(oe, "entry_new"), entry_form_data(fund, credit="99.00"))
    assert response.status_code == 200
    assert "借贷不平衡" in response.content.decode()
    with scope(alliance=oe.alliance):
        assert not JournalEntry.objects.exists()


def test_auditor_reads_every_page_and_every_write_is_403(oe, client):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    entry = post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 5),
                                           description="收入", lines=[{"account": "1002", "fund": fund, "debit": cny(5)},
                                                                    {"account": "4901.02", "fund": fund, "credit": cny(5)}]))
    project = make_project(oe)
    login(client, oe.user("auditor"))
    for url in [page(oe, "home"), page(oe, "entries"), page(oe, "approvals"), page(oe, "accounts"), page(oe, "general_ledger"),
                page(oe, "periods"), page(oe, "contributions"), page(oe, "entry", pk=entry.pk),
                page(oe, "statement", unit_id=oe.units[2].pk), page(oe, "project_budget", project_id=project.pk),
                page(oe, "auditor_export")]:
        assert client.get(url).status_code == 200, url
    assert client.get(page(oe, "entry_new")).status_code == 403
    assert client.post(page(oe, "entry_new"), entry_form_data(fund)).status_code == 403
    assert client.post(page(oe, "entry", pk=entry.pk), {"action": "reverse"}).status_code == 403
    assert client.post(page(oe, "periods"), {"action": "close", "year": 2026, "month": 1}).status_code == 403
    assert client.post(page(oe, "contributions"), {"member_unit": oe.units[0].pk, "year": 2026, "amount": "1"}).status_code == 403
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.count() == 1 and not Period.objects.exists() and not Commitment.objects.exists()


def test_representative_sees_only_their_own_statement(oe, client):
    login(client, oe.user("rep-1"))
    home = client.get(page(oe, "home"))
    assert home.status_code == 302 and home.url == page(oe, "statement", unit_id=oe.units[5].pk)
    assert client.get(page(oe, "statement", unit_id=oe.units[5].pk)).status_code == 200
    assert client.get(page(oe, "statement", unit_id=oe.units[4].pk)).status_code == 404
    assert client.get(page(oe, "statement", unit_id=oe.units[4].pk) + "?format=pdf").status_code == 404
    assert client.get(page(oe, "entries")).status_code == 403
    assert client.get(page(oe, "auditor_export")).status_code == 403


def test_another_alliances_user_gets_404(oe, bm, client):
    login(client, bm.user("sg"))
    assert client.get(page(oe, "home")).status_code == 404
    assert client.get(page(oe, "statement", unit_id=oe.units[0].pk)).status_code == 404


def test_bureau_reads_the_books_but_cannot_post(oe, bureau_user, client):
    fund = services.fund_for(alliance=oe.alliance, source="other")
    login(client, bureau_user)
    assert client.get(page(oe, "accounts")).status_code == 200
    assert client.post(page(oe, "entry_new"), entry_form_data(fund)).status_code == 403


def _has_chinese_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())


def test_statement_pdf_and_xlsx_for_the_representative(oe, client):
    commitment = services.commitment_set(actor=oe.user("sec"), alliance=oe.alliance, member_unit=oe.units[5], year=2026,
                                         amount=cny(30000))
    post(oe, services.contribution_receive(actor=oe.user("sec"), alliance=oe.alliance, commitment=commitment,
                                           amount=cny(10000), date=datetime.date(2026, 2, 1)))
    login(client, oe.user("rep-1"))
    page_html = client.get(page(oe, "statement", unit_id=oe.units[5].pk)).content.decode()
    assert "30,000.00" in page_html and "20,000.00" in page_html
    pdf = client.get(page(oe, "statement", unit_id=oe.units[5].pk) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if _has_chinese_font():
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert oe.units[5].name in text and "成员单位对账单" in text and "20,000.00" in text
    xlsx = client.get(page(oe, "statement", unit_id=oe.units[5].pk) + "?format=xlsx")
    from openpyxl import load_workbook

    values = [c.value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row]
    assert oe.units[5].name in values


def test_periods_page_closes_and_only_the_secretary_general_reopens(oe, client):
    login(client, oe.user("sec"))
    client.post(page(oe, "periods"), {"action": "close", "year": 2026, "month": 1})
    client.post(page(oe, "periods"), {"action": "reopen", "year": 2026, "month": 1, "reason": "x"})
    with scope(alliance=oe.alliance):
        assert Period.objects.get(year=2026, month=1).status == "closed"
    login(client, oe.user("sg"))
    client.post(page(oe, "periods"), {"action": "reopen", "year": 2026, "month": 1, "reason": "补记漏记凭证"})
    with scope(alliance=oe.alliance):
        assert Period.objects.get(year=2026, month=1).status == "open"


def test_contributions_page_commits_and_records_a_receipt(oe, client):
    login(client, oe.user("sec"))
    client.post(page(oe, "contributions"), {"member_unit": oe.units[1].pk, "year": 2026, "amount": "80000"})
    with scope(alliance=oe.alliance):
        commitment = Commitment.objects.get()
    client.post(page(oe, "contributions"), {"commitment": commitment.pk, f"c{commitment.pk}-amount": "50000",
                                            f"c{commitment.pk}-date": "2026-03-01"})
    with scope(alliance=oe.alliance):
        entry = JournalEntry.objects.get()
        assert entry.status == "recorded" and entry.lines.filter(commitment=commitment).count() == 2


def test_dashboard_tiles_for_secretariat_and_representative(oe, client):
    login(client, oe.user("sec"))
    dashboard = reverse("alliances:dashboard", kwargs={"slug": oe.alliance.slug})
    assert "待审核凭证" in client.get(dashboard).content.decode()
    services.commitment_set(actor=oe.user("sec"), alliance=oe.alliance, member_unit=oe.units[5], year=2026, amount=cny(1234))
    login(client, oe.user("rep-1"))
    html = client.get(dashboard).content.decode()
    assert "本单位未缴出资" in html and "1,234.00" in html and "待审核凭证" not in html


def test_chart_account_names_follow_the_language_and_own_names_stay_as_written(oe, client):
    services.chart_install(oe.alliance)
    login(client, oe.user("sec"))
    chinese = client.get(page(oe, "accounts")).content.decode()
    assert "银行存款" in chinese
    english = client.get(page(oe, "accounts"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bank deposits" in english and "银行存款" not in english
    with scope(alliance=oe.alliance):
        own = Account(alliance=oe.alliance, code="9999", name="联盟自设科目", kind="expense")
        assert own.display_name == "联盟自设科目"
