"""The one way the product writes spreadsheets and CSV files (OWASP "CSV injection").

Text a user typed (a unit's name, an address, a memo) must reach a spreadsheet as text: a value that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return would otherwise be evaluated as a formula
by Excel or LibreOffice (`=HYPERLINK(...)` becomes a live link). Numbers, decimals and dates stay
typed (a negative amount is a number, not text). Every export builds its files with `Spreadsheet`
and `CsvTable`; no other module imports openpyxl or `csv.writer` (tests/security/test_formula_injection.py).
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from alliances.money import MONEY_FORMAT, to_cents

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_formula_like(value) -> bool:
    """Whether a spreadsheet would read this text as the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _cell_value(value):
    """Numbers and dates stay typed (a `Money` is its amount); everything else (labels, lazy
    translations, objects) is text."""
    if hasattr(value, "amount") and hasattr(value, "currency"):
        return value.amount
    if value is None or isinstance(value, (bool, int, float, Decimal, datetime.date, datetime.datetime, datetime.time)):
        return value
    return str(value)


class Spreadsheet:
    """An XLSX workbook whose rows keep user text as literal text.

    A string cell is written as a string (never a formula) and, when it starts like a formula, with
    the quote-prefix style (Excel's leading apostrophe), so the visible text is exactly the stored
    text and editing the cell does not turn it into a formula either."""

    def __init__(self, title: str):
        self._book = Workbook()
        self._sheet = self._book.active
        self._sheet.title = str(title)[:31]

    def add_sheet(self, title: str) -> None:
        """Start a new sheet; the following rows go there."""
        self._sheet = self._book.create_sheet(str(title)[:31])

    def row(self, values=(), *, bold: bool = False) -> None:
        # A Decimal is an amount: a number to the cent, shown as `#,##0.00`.
        values = [to_cents(v) if isinstance(v, Decimal) else v for v in map(_cell_value, values)]
        self._sheet.append(values)
        for cell, value in zip(self._sheet[self._sheet.max_row], values):
            if isinstance(value, str):
                cell.data_type = "s"
                if is_formula_like(value):
                    cell.quotePrefix = True
            elif isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            if bold:
                cell.font = Font(bold=True)

    def widths(self, widths) -> None:
        """Column widths, in order from column A."""
        for index, width in enumerate(widths):
            self._sheet.column_dimensions[get_column_letter(index + 1)].width = width

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._book.save(out)
        return out.getvalue()

    def response(self, filename: str) -> HttpResponse:
        response = HttpResponse(self.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def csv_cell(value) -> str:
    """One CSV field: a number as written, text that starts like a formula behind a single quote
    (the OWASP recommendation: spreadsheets then show it as text)."""
    value = _cell_value(value)
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    return str(value)


class CsvTable:
    """A CSV file built row by row with `csv_cell` on every field."""

    def __init__(self):
        self._out = io.StringIO()
        self._writer = csv.writer(self._out)

    def row(self, values) -> None:
        self._writer.writerow([csv_cell(v) for v in values])

    def text(self) -> str:
        return self._out.getvalue()
