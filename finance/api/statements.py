"""The three statutory statements under /api/v1/alliances/<slug>/ledger/reports/: JSON, `xlsx/`, `pdf/`.
Read by those who read the ledger (`LedgerViewSet.read_roles`); bad dates are 400 naming the field."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from alliances.api.fields import AmountField
from alliances.exports import XLSX_CONTENT_TYPE
from finance import statement_files, statements
from finance.api.views import LedgerViewSet
from finance.models import JournalEntry

# ---------------------------------------------------------------- input


class AsOfInput(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="the statement's date (default today)")

    def validate(self, data):
        errors = statements.dates_errors(as_of=data.get("as_of"))
        if errors:
            raise serializers.ValidationError(errors)
        return data


class PeriodInput(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="first day (default 1 January of date_to's year)")
    date_to = serializers.DateField(required=False, help_text="last day (default today)")

    def validate(self, data):
        errors = statements.dates_errors(date_from=data.get("date_from"), date_to=data.get("date_to"))
        if not errors:
            data["date_from"], data["date_to"] = statements.period_of(data.get("date_from"), data.get("date_to"))
            errors = statements.dates_errors(date_from=data["date_from"], date_to=data["date_to"])
        if errors:
            raise serializers.ValidationError(errors)
        return data


# ---------------------------------------------------------------- output


class Header(serializers.Serializer):
    form = serializers.CharField(help_text="会民非01表, 会民非02表 or 会民非03表")
    title = serializers.CharField()
    organisation = serializers.CharField(help_text="编制单位")
    unit = serializers.CharField(help_text="单位：元")
    currency = serializers.CharField(help_text="CNY: the statements are in renminbi only")


class Line(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="行次 (null: a detail line beneath its row)")
    label = serializers.CharField()
    section = serializers.CharField()
    is_total = serializers.BooleanField()


class BalanceSheetLine(Line):
    opening = AmountField(help_text="年初数")
    closing = AmountField(help_text="期末数")


class BalanceSheetTotalsAt(serializers.Serializer):
    assets = AmountField()
    liabilities = AmountField()
    net_assets = AmountField()
    unrestricted_net_assets = AmountField()
    restricted_net_assets = AmountField()


class BalanceSheetTotals(BalanceSheetTotalsAt):
    opening_totals = BalanceSheetTotalsAt(help_text="at the end of the previous year (年初数)")


class BalanceSheetOutput(Header):
    as_of = serializers.DateField()
    opening_date = serializers.DateField()
    lines = BalanceSheetLine(many=True)
    totals = BalanceSheetTotals()


class Columns(serializers.Serializer):
    unrestricted = AmountField(help_text="非限定性")
    restricted = AmountField(help_text="限定性")
    total = AmountField(help_text="合计")


class ActivitiesLine(Line, Columns):
    pass


class ActivitiesTotals(serializers.Serializer):
    income = Columns()
    expense = Columns()
    net_asset_change = Columns()


class ActivitiesOutput(Header):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    lines = ActivitiesLine(many=True)
    totals = ActivitiesTotals()


class CashFlowLine(Line):
    amount = AmountField()


class CashFlowTotals(serializers.Serializer):
    operating = AmountField()
    investing = AmountField()
    financing = AmountField()
    net_cash_change = AmountField()
    cash_begin = AmountField(help_text="cash at the end of the day before date_from")
    cash_end = AmountField()


class CashFlowOutput(Header):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    lines = CashFlowLine(many=True)
    totals = CashFlowTotals()


# ---------------------------------------------------------------- views

AS_OF = [OpenApiParameter("as_of", OpenApiTypes.DATE, description="the statement's date (default today)")]
PERIOD = [OpenApiParameter("date_from", OpenApiTypes.DATE, description="default 1 January of date_to's year"),
          OpenApiParameter("date_to", OpenApiTypes.DATE, description="default today")]
XLSX = {(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


class StatementView(LedgerViewSet):
    queryset = JournalEntry.objects.none()
    pagination_class = None
    filter_backends = []

    def build(self, request) -> dict:
        data = self.input_class(data=request.query_params)
        data.is_valid(raise_exception=True)
        return self.statement(self.alliance, **data.validated_data)

    @action(detail=False, methods=["get"])
    def document(self, request, slug):
        return Response(self.serializer_class(self.build(request)).data)

    @action(detail=False, methods=["get"])
    def xlsx(self, request, slug):
        statement = self.build(request)
        response = HttpResponse(statement_files.statement_xlsx(statement), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{statement_files.filename(statement, self.alliance, "xlsx")}"'
        return response

    @action(detail=False, methods=["get"])
    def pdf(self, request, slug):
        statement = self.build(request)
        response = HttpResponse(statement_files.statement_pdf(statement), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{statement_files.filename(statement, self.alliance, "pdf")}"'
        return response


def _schema(parameters, output, summary):
    return extend_schema_view(
        document=extend_schema(parameters=parameters, responses=output, summary=summary),
        xlsx=extend_schema(parameters=parameters, responses=XLSX, summary=summary + " (XLSX)"),
        pdf=extend_schema(parameters=parameters, responses=PDF, summary=summary + " (PDF)"),
    )


@_schema(AS_OF, BalanceSheetOutput, "Balance sheet (资产负债表, 会民非01表)")
class BalanceSheetView(StatementView):
    input_class = AsOfInput
    serializer_class = BalanceSheetOutput

    @staticmethod
    def statement(alliance, as_of=None):
        return statements.balance_sheet(alliance, as_of or timezone.localdate())


@_schema(PERIOD, ActivitiesOutput, "Statement of activities (业务活动表, 会民非02表)")
class ActivitiesView(StatementView):
    input_class = PeriodInput
    serializer_class = ActivitiesOutput
    statement = staticmethod(statements.activities)


@_schema(PERIOD, CashFlowOutput, "Cash flow statement (现金流量表, 会民非03表)")
class CashFlowView(StatementView):
    input_class = PeriodInput
    serializer_class = CashFlowOutput
    statement = staticmethod(statements.cash_flow)


VIEWS = {"balance-sheet": BalanceSheetView, "activities": ActivitiesView, "cash-flow": CashFlowView}
