"""Ledger API under /api/v1/alliances/<slug>/ledger/. Thin: parse, call one service or selector, render.

Posted entries have no update or delete route (405): corrections are reversing entries.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from djmoney.money import Money
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from alliances import jobs as alliance_jobs
from alliances.api.base import AllianceViewSet
from finance import exports, selectors, services
from finance import filters
from finance import jobs as finance_jobs
from finance.api import serializers as s
from finance.models import Account, Commitment, Fund, JournalEntry, Period
from projects import selectors as project_selectors
from projects.models import Project

LEDGER_READERS = selectors.LEDGER_READERS
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="report date (default today)")
STATEMENT_PAGE = OpenApiParameter("page", OpenApiTypes.INT, description="page of the detail lines (default 1)")
STATEMENT_PAGE_SIZE = OpenApiParameter("page_size", OpenApiTypes.INT, description="detail lines per page (default 50, at most 500)")


def _as_of(request):
    data = s.AsOfInput(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data.get("as_of") or timezone.localdate()


class LedgerViewSet(AllianceViewSet):
    read_roles = LEDGER_READERS


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):
    """The chart of accounts (installed from the template on first use)."""

    queryset = Account.objects.none()

    serializer_class = s.AccountOutput
    filterset_class = filters.AccountFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Account.objects.none()
        services.chart_install(self.alliance)
        return Account.objects.all()


class FundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):

    queryset = Fund.objects.none()
    serializer_class = s.FundOutput
    filterset_class = filters.FundFilter

    def get_queryset(self):
        return Fund.objects.select_related("project")

    @extend_schema(request=s.FundInput, responses={201: s.FundOutput})
    def create(self, request, slug):
        data = s.FundInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fund = services.fund_for(alliance=self.alliance, **data.validated_data)
        return Response(s.FundOutput(fund).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[AS_OF], responses=s.FundBalanceRow(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])  # a plain list, as documented
    def balances(self, request, slug):
        return Response(s.FundBalanceRow(selectors.fund_balances(self.alliance, _as_of(request)), many=True).data)


class EntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):
    """Journal entries. Create = record (not posted); approve posts; reverse records the reversal."""

    queryset = JournalEntry.objects.none()

    serializer_class = s.EntryOutput
    filterset_class = filters.EntryFilter

    def get_queryset(self):
        return (JournalEntry.objects.select_related("release").prefetch_related("reversals", "lines__account", "attachments")
                .order_by("-date", "-id"))

    @staticmethod
    def _lines(validated):
        lines = []
        for line in validated:
            currency = line.pop("currency")
            line["debit"] = Money(line["debit"], currency) if line.get("debit") is not None else None
            line["credit"] = Money(line["credit"], currency) if line.get("credit") is not None else None
            lines.append(line)
        return lines

    @extend_schema(request=s.EntryInput, responses={201: s.EntryOutput})
    def create(self, request, slug):
        data = s.EntryInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        entry = services.entry_record(
            actor=request.user, alliance=self.alliance, date=data.validated_data["date"],
            description=data.validated_data["description"], lines=self._lines(data.validated_data["lines"]),
        )
        return Response(s.EntryOutput(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EntryBatchInput, responses={201: s.EntryOutput(many=True)})
    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request, slug):
        """Record many entries at once (voucher import): all or nothing; an error names the entry
        (`entries.<i>.…`). They post when someone else approves them (approve-batch)."""
        data = s.EntryBatchInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        specs = [{"date": item["date"], "description": item["description"], "lines": self._lines(item["lines"])}
                 for item in data.validated_data["entries"]]
        entries = services.entries_record_batch(actor=request.user, alliance=self.alliance, entries=specs)
        rows = self.get_queryset().filter(pk__in=[e.pk for e in entries]).order_by("id")
        return Response(s.EntryOutput(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EntryApproveBatchInput, responses=s.EntryOutput(many=True))
    @action(detail=False, methods=["post"], url_path="approve-batch")
    def approve_batch(self, request, slug):
        """Batch approval (批量审核): post recorded entries in the given order, all or nothing."""
        data = s.EntryApproveBatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        entries = services.entries_approve_batch(actor=request.user, alliance=self.alliance,
                                                 entries=data.validated_data["entries"])
        rows = self.get_queryset().filter(pk__in=[e.pk for e in entries]).order_by("sequence")
        return Response(s.EntryOutput(rows, many=True).data)

    @extend_schema(request=None, responses=s.EntryOutput)
    @action(detail=True, methods=["post"])
    def approve(self, request, slug, pk):
        entry = services.entry_approve(actor=request.user, alliance=self.alliance, entry=self.get_object())
        return Response(s.EntryOutput(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(request={"multipart/form-data": s.AttachmentInput}, responses={201: s.EntryOutput})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, slug, pk):
        """Attach a voucher file (before the entry posts)."""
        data = s.AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.attachment_add(actor=request.user, alliance=self.alliance, entry=self.get_object(), upload=data.validated_data["file"])
        return Response(s.EntryOutput(self.get_queryset().get(pk=pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RejectInput, responses=s.EntryOutput)
    @action(detail=True, methods=["post"])
    def reject(self, request, slug, pk):
        data = s.RejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_reject(actor=request.user, alliance=self.alliance, entry=self.get_object(), **data.validated_data)
        return Response(s.EntryOutput(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(request=s.ReverseInput, responses={201: s.EntryOutput})
    @action(detail=True, methods=["post"])
    def reverse(self, request, slug, pk):
        data = s.ReverseInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_reverse(actor=request.user, alliance=self.alliance, entry=self.get_object(), **data.validated_data)
        return Response(s.EntryOutput(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReleaseInput, responses={201: s.EntryOutput})
    @action(detail=False, methods=["post"])
    def release(self, request, slug):
        """Record a release from restriction (restricted fund → unrestricted) on a met condition; it
        posts when a second person approves it."""
        data = s.ReleaseInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        entry = services.restriction_release(
            actor=request.user, alliance=self.alliance, fund=v["fund"], amount=Money(v["amount"], v["currency"]),
            date=v["date"], description=v["description"], condition=v["condition"], submission=v["submission"],
        )
        return Response(s.EntryOutput(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)


class PeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):

    queryset = Period.objects.none()
    serializer_class = s.PeriodOutput
    filterset_class = filters.PeriodFilter

    def get_queryset(self):
        return Period.objects.all()

    @extend_schema(request=s.PeriodInput, responses=s.PeriodOutput)
    @action(detail=False, methods=["post"])
    def close(self, request, slug):
        data = s.PeriodInput(data=request.data)
        data.is_valid(raise_exception=True)
        period = services.period_close(actor=request.user, alliance=self.alliance, **data.validated_data)
        return Response(s.PeriodOutput(period).data)

    @extend_schema(request=s.ReopenInput, responses=s.PeriodOutput)
    @action(detail=False, methods=["post"])
    def reopen(self, request, slug):
        data = s.ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        period = services.period_reopen(actor=request.user, alliance=self.alliance, **data.validated_data)
        return Response(s.PeriodOutput(period).data)


class ContributionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):
    """Member contribution commitments per unit and year; receipts are posted against them."""

    queryset = Commitment.objects.none()

    serializer_class = s.CommitmentOutput
    filterset_class = filters.CommitmentFilter

    def get_queryset(self):
        return Commitment.objects.select_related("member_unit")

    @extend_schema(request=s.CommitmentInput, responses={201: s.CommitmentOutput})
    def create(self, request, slug):
        data = s.CommitmentInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        commitment = services.commitment_set(
            actor=request.user, alliance=self.alliance, member_unit=v["member_unit"], year=v["year"],
            amount=Money(v["amount"], v["currency"]), committed_on=v.get("committed_on"), note=v["note"],
        )
        return Response(s.CommitmentOutput(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReceiptInput, responses={201: s.EntryOutput})
    @action(detail=True, methods=["post"])
    def receive(self, request, slug, pk):
        data = s.ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        entry = services.contribution_receive(
            actor=request.user, alliance=self.alliance, commitment=self.get_object(),
            amount=Money(v["amount"], v["currency"]), date=v["date"], description=v["description"],
            prepayment_year=v["prepayment_year"],
        )
        entry = JournalEntry.objects.prefetch_related("lines__account").get(pk=entry.pk)
        return Response(s.EntryOutput(entry).data, status=status.HTTP_201_CREATED)


class StatementViewSet(AllianceViewSet):
    """Member unit statements. A representative reads only their own unit's (others: 404)."""

    queryset = Commitment.objects.none()

    read_roles = None
    serializer_class = s.StatementOutput

    def _unit(self, request, pk):
        unit = selectors.statement_units_of(request.user, self.alliance).filter(pk=pk).first()
        if unit is None:
            raise NotFound()
        return unit

    @extend_schema(parameters=[AS_OF, STATEMENT_PAGE, STATEMENT_PAGE_SIZE], responses=s.StatementOutput)
    def retrieve(self, request, slug, pk):
        """Totals at `as_of` and one page of the unit's receipts and shares (the XLSX/PDF carry every line)."""
        paging = s.StatementPageInput(data=request.query_params)
        paging.is_valid(raise_exception=True)
        statement = selectors.member_statement(self.alliance, self._unit(request, pk), _as_of(request),
                                               page=paging.validated_data["page"], page_size=paging.validated_data["page_size"])
        return Response(s.StatementOutput(statement).data)

    @extend_schema(parameters=[AS_OF], responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, slug, pk):
        statement = selectors.member_statement(self.alliance, self._unit(request, pk), _as_of(request), page_size=None)
        response = HttpResponse(
            exports.statement_xlsx(self.alliance, statement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="statement-{pk}-{statement["as_of"]}.xlsx"'
        return response

    @extend_schema(parameters=[AS_OF], responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, slug, pk):
        statement = selectors.member_statement(self.alliance, self._unit(request, pk), _as_of(request), page_size=None)
        response = HttpResponse(exports.statement_pdf(self.alliance, statement), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="statement-{pk}-{statement["as_of"]}.pdf"'
        return response


class ReportViewSet(LedgerViewSet):
    """Trial balance, general ledger, budget versus actual, verification and the auditor export."""

    queryset = JournalEntry.objects.none()
    pagination_class = None  # every report is one document or a plain list, as documented

    serializer_class = s.TrialBalanceOutput

    @extend_schema(parameters=[AS_OF], responses=s.TrialBalanceOutput)
    @action(detail=False, methods=["get"], url_path="trial-balance")
    def trial_balance(self, request, slug):
        return Response(s.TrialBalanceOutput(selectors.trial_balance(self.alliance, _as_of(request))).data)

    @extend_schema(
        parameters=[AS_OF, OpenApiParameter("account", OpenApiTypes.STR, description="account code"),
                    OpenApiParameter("date_from", OpenApiTypes.DATE)],
        responses=s.GeneralLedgerAccount(many=True),
    )
    @action(detail=False, methods=["get"], url_path="general-ledger")
    def general_ledger(self, request, slug):
        account = None
        if request.query_params.get("account"):
            account = Account.objects.filter(code=request.query_params["account"]).first()
            if account is None:
                from alliances.errors import ValidationFailed
                from django.utils.translation import gettext as _

                raise ValidationFailed(fields={"account": [_("未知科目。")]})
        date_from = None
        if request.query_params.get("date_from"):
            data = s.AsOfInput(data={"as_of": request.query_params["date_from"]})
            data.is_valid(raise_exception=True)
            date_from = data.validated_data["as_of"]
        rows = selectors.general_ledger(self.alliance, _as_of(request), account=account, date_from=date_from)
        return Response(s.GeneralLedgerAccount(rows, many=True).data)

    @extend_schema(parameters=[AS_OF], responses=s.BudgetRow(many=True))
    @action(detail=False, methods=["get"], url_path="budget-vs-actual/<id:project_id>")
    def budget_vs_actual(self, request, slug, project_id):
        project = get_object_or_404(Project, pk=project_id)
        return Response(s.BudgetRow(selectors.budget_vs_actual(
            self.alliance, project, budget=project_selectors.budget_by_key(project), as_of=_as_of(request)), many=True).data)

    @extend_schema(responses=s.VerificationOutput)
    @action(detail=False, methods=["get"])
    def verify(self, request, slug):
        return Response(s.VerificationOutput(selectors.verify_chain(self.alliance)).data)

    @extend_schema(parameters=[AS_OF], responses={
        (200, "application/zip"): OpenApiTypes.BINARY,
        202: inline_serializer("JobAccepted", {"job": serializers.URLField()}),
    }, description="A ledger of at least JOBS_SYNC_LIMIT lines is built by the worker: 202 with the job's URL to poll.")
    @action(detail=False, methods=["get"], url_path="auditor-export")
    def auditor_export(self, request, slug):
        as_of = _as_of(request)
        return alliance_jobs.api_export(request, self.alliance, finance_jobs.AUDITOR_ZIP, {"as_of": as_of.isoformat()},
                                        finance_jobs.auditor_zip_rows(self.alliance, as_of))
