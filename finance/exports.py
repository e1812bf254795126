"""Files: the member statement as XLSX and PDF, and the auditor's ZIP."""

import io
import json
import zipfile
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.exports import CsvTable, Spreadsheet
from finance import selectors
from alliances.models import Checkpoint
from finance.models import JournalEntry


def statement_xlsx(alliance, statement) -> bytes:
    book = Spreadsheet(_("对账单"))
    book.row([alliance.name])
    book.row([_("成员单位对账单"), statement["unit"].name])
    book.row([_("截至日期"), statement["as_of"].isoformat()])
    book.row()
    book.row([_("承诺出资"), statement["committed"]])
    book.row([_("已缴"), statement["paid"]])
    book.row([_("未缴"), statement["outstanding"]])
    book.row([_("已获收益分成"), statement["revenue_shares"]])
    book.row()
    book.row([_("年度"), _("币种"), _("承诺"), _("已缴"), _("未缴")], bold=True)
    for y in statement["years"]:
        book.row([y["year"], y["currency"], y["committed"], y["paid"], y["outstanding"]])
    book.row()
    book.row([_("日期"), _("凭证号"), _("摘要"), _("币种"), _("金额")], bold=True)
    for r in statement["receipts"]:
        book.row([r["date"], r["sequence"], r["description"], r["currency"], r["amount"]])
    book.row()
    book.row([_("收益分成"), _("凭证号"), _("摘要"), _("币种"), _("金额")], bold=True)
    for s in statement["shares"]:
        book.row([s["date"], s["sequence"], s["description"], s["currency"], s["amount"]])
    book.widths((18, 10, 40, 8, 16))
    return book.to_bytes()


def statement_pdf(alliance, statement) -> bytes:
    from weasyprint import HTML

    html = render_to_string("finance/statement_pdf.html", {"alliance": alliance, "s": statement, "now": timezone.now()})
    return HTML(string=html).write_pdf()


CENT = Decimal("0.01")

JOURNAL_HEADER = ["sequence", "date", "description", "status", "recorded_by", "approved_by", "posted_at", "reverses",
                  "previous_hash", "hash", "line", "account", "account_name", "fund", "currency", "debit", "credit",
                  "member_unit", "project", "category", "memo", "kind", "account_chain_code"]


def journal_csv(alliance, as_of) -> str:
    table = CsvTable()
    table.row(JOURNAL_HEADER)
    entries = (
        JournalEntry.objects.filter(status=JournalEntry.Status.POSTED, date__lte=as_of)
        .select_related("recorded_by", "approved_by", "reverses")
        .prefetch_related("lines__account", "lines__fund__project", "lines__member_unit", "lines__project")
        .order_by("sequence")
    )
    for entry in entries:
        for line in sorted(entry.lines.all(), key=lambda l: l.position):
            table.row([
                entry.sequence, entry.date.isoformat(), entry.description, entry.status,
                entry.recorded_by.username, entry.approved_by.username if entry.approved_by else "",
                entry.posted_at.isoformat() if entry.posted_at else "",
                entry.reverses.sequence if entry.reverses_id else "", entry.previous_hash, entry.hash,
                line.position, line.account.code, line.account.name, str(line.fund), str(line.debit.currency),
                _cents(line.debit.amount), _cents(line.credit.amount),
                line.member_unit.name if line.member_unit_id else "", line.project.code if line.project_id else "",
                line.category, line.memo, entry.kind, line.account.chain_code,
            ])
    return table.text()


def _cents(amount) -> Decimal:
    return Decimal(amount).quantize(CENT)


def trial_balance_csv(alliance, as_of) -> str:
    tb = selectors.trial_balance(alliance, as_of)
    table = CsvTable()
    table.row(["code", "name", "currency", "debit", "credit", "balance_debit", "balance_credit"])
    for row in tb["rows"]:
        table.row([row["code"], row["name"], row["currency"], _cents(row["debit"]), _cents(row["credit"]),
                   _cents(row["balance_debit"]), _cents(row["balance_credit"])])
    for currency, t in sorted(tb["totals"].items()):
        table.row(["TOTAL", "", currency, "", "", _cents(t["debit"]), _cents(t["credit"])])
    return table.text()


def chain_jsonl(alliance) -> str:
    """Every posted entry in sequence order with the exact content its hash covers, so an outsider
    recomputes the chain without our code (docs/operations.md)."""
    from finance.services import entry_content

    rows = []
    entries = (JournalEntry.objects.filter(status=JournalEntry.Status.POSTED).order_by("sequence")
               .prefetch_related("lines__account", "lines__fund", "attachments"))
    for entry in entries:
        lines = sorted(entry.lines.all(), key=lambda l: l.position)
        rows.append(json.dumps({"sequence": entry.sequence, "previous_hash": entry.previous_hash, "hash": entry.hash,
                                "content": entry_content(entry, lines)}, ensure_ascii=False, sort_keys=True))
    return "".join(row + "\n" for row in rows)


def auditor_zip(alliance, as_of, progress=lambda percent, message="": None) -> bytes:
    """journal.csv (with hashes), trial_balance.csv and verification.json for the accounting firm;
    chain.jsonl, checkpoints.json and keys/<key id>.pem for checking them offline. `progress` hears
    each step (the worker's progress bar, finance/jobs.py)."""
    from alliances import checkpoints, keys

    progress(5, _("正在验证账簿哈希链"))
    verification = selectors.verify_chain(alliance)
    verification = {**verification, "alliance": alliance.slug, "as_of": as_of.isoformat(),
                    "generated_at": timezone.now().isoformat()}
    signed = [checkpoints.as_dict(c, alliance.slug) for c in Checkpoint.objects.order_by("number")]
    trusted = keys.trusted_keys()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        progress(30, _("正在导出序时账"))
        archive.writestr("journal.csv", "\ufeff" + journal_csv(alliance, as_of))
        progress(60, _("正在导出试算平衡表"))
        archive.writestr("trial_balance.csv", "\ufeff" + trial_balance_csv(alliance, as_of))
        archive.writestr("verification.json", json.dumps(verification, ensure_ascii=False, indent=2))
        progress(75, _("正在导出哈希链"))
        archive.writestr("chain.jsonl", chain_jsonl(alliance))
        archive.writestr("checkpoints.json", json.dumps(signed, ensure_ascii=False, indent=2))
        # The keys this deployment trusts (not the copies stored beside the checkpoints).
        for key_id in sorted({c["key_id"] for c in signed} & set(trusted)):
            archive.writestr(f"keys/{key_id}.pem", keys.public_pem(trusted[key_id]))
    progress(95, _("正在打包"))
    return buffer.getvalue()


def journal_book(entries) -> Spreadsheet:
    """The journal list's entries (its filters, every page); `entries` carry `amount` (filters.with_amount)."""
    book = Spreadsheet(_("记账凭证"))
    book.row([_("凭证号"), _("日期"), _("摘要"), _("凭证类型"), _("状态"), _("金额"), _("制单人"), _("审核人")], bold=True)
    for e in entries:
        book.row([e.sequence, e.date, e.description, e.get_kind_display(), e.get_status_display(), Decimal(e.amount),
                  str(e.recorded_by), str(e.approved_by or "")])
    book.widths([10, 12, 48, 12, 10, 18, 16, 16])
    return book


def trial_balance_book(trial) -> Spreadsheet:
    book = Spreadsheet(_("试算平衡表"))
    book.row([_("截至日期"), trial["as_of"]])
    book.row([_("科目编码"), _("科目名称"), _("币种"), _("借方发生额"), _("贷方发生额"), _("借方余额"), _("贷方余额")], bold=True)
    for r in trial["rows"]:
        book.row([r["code"], r["name"], r["currency"], r["debit"], r["credit"], r["balance_debit"], r["balance_credit"]])
    for currency, total in trial["totals"].items():
        book.row([_("合计"), "", currency, None, None, total["debit"], total["credit"]], bold=True)
    book.widths([12, 32, 8, 18, 18, 18, 18])
    return book
