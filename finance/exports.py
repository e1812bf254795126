"""Files: the member statement as XLSX and PDF, and the auditor's ZIP."""

import csv
import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from finance import selectors
from finance.models import JournalEntry


def statement_xlsx(alliance, statement) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("对账单")
    bold = Font(bold=True)
    ws.append([alliance.name])
    ws.append([_("成员单位对账单"), statement["unit"].name])
    ws.append([_("截至日期"), statement["as_of"].isoformat()])
    ws.append([])
    ws.append([_("承诺出资"), statement["committed"]])
    ws.append([_("已缴"), statement["paid"]])
    ws.append([_("未缴"), statement["outstanding"]])
    ws.append([_("已获收益分成"), statement["revenue_shares"]])
    ws.append([])
    ws.append([_("年度"), _("币种"), _("承诺"), _("已缴"), _("未缴")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for y in statement["years"]:
        ws.append([y["year"], y["currency"], y["committed"], y["paid"], y["outstanding"]])
    ws.append([])
    ws.append([_("日期"), _("凭证号"), _("摘要"), _("币种"), _("金额")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for r in statement["receipts"]:
        ws.append([r["date"], r["sequence"], r["description"], r["currency"], r["amount"]])
    ws.append([])
    ws.append([_("收益分成"), _("凭证号"), _("摘要"), _("币种"), _("金额")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for s in statement["shares"]:
        ws.append([s["date"], s["sequence"], s["description"], s["currency"], s["amount"]])
    for column, width in zip("ABCDE", (18, 10, 40, 8, 16)):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statement_pdf(alliance, statement) -> bytes:
    from weasyprint import HTML

    html = render_to_string("finance/statement_pdf.html", {"alliance": alliance, "s": statement, "now": timezone.now()})
    return HTML(string=html).write_pdf()


JOURNAL_HEADER = ["sequence", "date", "description", "status", "recorded_by", "approved_by", "posted_at", "reverses",
                  "previous_hash", "hash", "line", "account", "account_name", "fund", "currency", "debit", "credit",
                  "member_unit", "project", "category", "memo"]


def journal_csv(alliance, as_of) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(JOURNAL_HEADER)
    entries = (
        JournalEntry.objects.filter(status=JournalEntry.Status.POSTED, date__lte=as_of)
        .select_related("recorded_by", "approved_by", "reverses")
        .prefetch_related("lines__account", "lines__fund__project", "lines__member_unit", "lines__project")
        .order_by("sequence")
    )
    for entry in entries:
        for line in sorted(entry.lines.all(), key=lambda l: l.position):
            writer.writerow([
                entry.sequence, entry.date.isoformat(), entry.description, entry.status,
                entry.recorded_by.username, entry.approved_by.username if entry.approved_by else "",
                entry.posted_at.isoformat() if entry.posted_at else "",
                entry.reverses.sequence if entry.reverses_id else "", entry.previous_hash, entry.hash,
                line.position, line.account.code, line.account.name, str(line.fund), str(line.debit.currency),
                f"{line.debit.amount:.2f}", f"{line.credit.amount:.2f}",
                line.member_unit.name if line.member_unit_id else "", line.project.code if line.project_id else "",
                line.category, line.memo,
            ])
    return out.getvalue()


def trial_balance_csv(alliance, as_of) -> str:
    tb = selectors.trial_balance(alliance, as_of)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "currency", "debit", "credit", "balance_debit", "balance_credit"])
    for row in tb["rows"]:
        writer.writerow([row["code"], row["name"], row["currency"], f"{row['debit']:.2f}", f"{row['credit']:.2f}",
                         f"{row['balance_debit']:.2f}", f"{row['balance_credit']:.2f}"])
    for currency, t in sorted(tb["totals"].items()):
        writer.writerow(["TOTAL", "", currency, "", "", f"{t['debit']:.2f}", f"{t['credit']:.2f}"])
    return out.getvalue()


def auditor_zip(alliance, as_of) -> bytes:
    """journal.csv (with hashes), trial_balance.csv and verification.json for the accounting firm."""
    verification = selectors.verify_chain(alliance)
    verification = {**verification, "alliance": alliance.slug, "as_of": as_of.isoformat(),
                    "generated_at": timezone.now().isoformat()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("journal.csv", "\ufeff" + journal_csv(alliance, as_of))
        archive.writestr("trial_balance.csv", "\ufeff" + trial_balance_csv(alliance, as_of))
        archive.writestr("verification.json", json.dumps(verification, ensure_ascii=False, indent=2))
    return buffer.getvalue()
