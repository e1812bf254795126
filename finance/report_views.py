"""The statutory statements as pages under /a/<slug>/finance/reports/ (?format=xlsx or pdf: the files)."""

from django.http import HttpResponse
from django.utils import timezone

from alliances.exports import XLSX_CONTENT_TYPE
from finance import forms, statement_files, statements
from finance.views import FinancePage

BUILDERS = {"balance-sheet": statements.balance_sheet, "activities": statements.activities,
            "cash-flow": statements.cash_flow}


class ReportView(FinancePage):
    template_name = "finance/report.html"
    kind = "balance-sheet"

    def dates(self):
        """(arguments of the statement, {field: [message]})."""
        form = forms.StatementDatesForm(self.request.GET)
        if not form.is_valid():
            return None, {field: list(messages) for field, messages in form.errors.items()}
        data = form.cleaned_data
        if self.kind == "balance-sheet":
            errors = statements.dates_errors(as_of=data["as_of"])
            return {"as_of": data["as_of"] or timezone.localdate()}, errors
        errors = statements.dates_errors(date_from=data["date_from"], date_to=data["date_to"])
        if errors:
            return None, errors
        date_from, date_to = statements.period_of(data["date_from"], data["date_to"])
        errors = statements.dates_errors(date_from=date_from, date_to=date_to)
        return {"date_from": date_from, "date_to": date_to}, errors

    def get(self, request, *args, **kwargs):
        arguments, errors = self.dates()
        statement = None if errors else BUILDERS[self.kind](self.alliance, **arguments)
        fmt = request.GET.get("format")
        if statement is not None and fmt in ("xlsx", "pdf"):
            if fmt == "xlsx":
                response = HttpResponse(statement_files.statement_xlsx(statement), content_type=XLSX_CONTENT_TYPE)
            else:
                response = HttpResponse(statement_files.statement_pdf(statement), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{statement_files.filename(statement, self.alliance, fmt)}"'
            return response
        context = self.get_context_data(
            kind=self.kind, s=statement, errors=errors, query=request.GET.urlencode(),
            columns=statement_files.columns(statement) if statement else [],
            table=statement_files.table(statement) if statement else [],
            period=statement_files.period_text(statement) if statement else "",
            values={key: request.GET.get(key, "") for key in ("as_of", "date_from", "date_to")},
        )
        return self.render_to_response(context)
