"""The statements as files: XLSX (amounts as numbers, `#,##0.00`) and PDF (WeasyPrint, Chinese fonts)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# form -> (slug of its paths and files, amount columns: (key, heading))
KINDS = {
    "会民非01表": ("balance-sheet", [("opening", gettext_lazy("年初数")), ("closing", gettext_lazy("期末数"))]),
    "会民非02表": ("activities", [("unrestricted", gettext_lazy("非限定性")), ("restricted", gettext_lazy("限定性")),
                              ("total", gettext_lazy("合计"))]),
    "会民非03表": ("cash-flow", [("amount", gettext_lazy("金额"))]),
}


def columns(statement) -> list:
    return KINDS[statement["form"]][1]


def table(statement) -> list[dict]:
    """Each line with its amount cells in the columns' order (for the page and the PDF)."""
    keys = [key for key, _heading in columns(statement)]
    return [{"line": line, "cells": [line[key] for key in keys]} for line in statement["lines"]]


def period_text(statement) -> str:
    if "as_of" in statement:
        return statement["as_of"].isoformat()
    return _("%(start)s 至 %(end)s") % {"start": statement["date_from"].isoformat(), "end": statement["date_to"].isoformat()}


def filename(statement, alliance, extension: str) -> str:
    slug = KINDS[statement["form"]][0]
    dates = statement["as_of"].isoformat() if "as_of" in statement else f"{statement['date_from']}-{statement['date_to']}"
    return f"{slug}-{alliance.slug}-{dates}.{extension}"


def statement_xlsx(statement) -> bytes:
    from alliances.exports import Spreadsheet

    book = Spreadsheet(statement["title"])
    book.row([statement["title"]], bold=True)
    book.row([statement["form"]])
    book.row([_("编制单位"), statement["organisation"]])
    book.row([_("截至日期") if "as_of" in statement else _("期间"), period_text(statement)])
    book.row([_("单位"), statement["unit"], _("币种"), statement["currency"]])
    book.row()
    book.row([_("项目"), _("行次"), *[heading for _key, heading in columns(statement)]], bold=True)
    for line in statement["lines"]:
        book.row([line["label"] if line["row"] else "    " + str(line["label"]), line["row"],
                  *[line[key] for key, _heading in columns(statement)]], bold=line["is_total"])
    book.widths((44, 8, 18, 18, 18))
    return book.to_bytes()


def statement_pdf(statement) -> bytes:
    from weasyprint import HTML

    html = render_to_string("finance/report_pdf.html", {
        "s": statement, "columns": columns(statement), "table": table(statement), "period": period_text(statement), "now": timezone.now()})
    return HTML(string=html).write_pdf()
