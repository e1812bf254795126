"""Finance pages under /a/<slug>/finance/. Thin: forms in, one service call, messages out.

Ledger readers (secretariat, auditor, council, bureau) see the books; a member representative
sees only their own unit's statement; only the secretariat writes (others get 403 on POST).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from djmoney.money import Money

from alliances import access, listing, uploads
from alliances import jobs as alliance_jobs
from alliances.errors import ServiceError, ValidationFailed
from alliances.pages import AlliancePageMixin
from finance import exports, figures, filters, forms, selectors, services
from finance import jobs as finance_jobs
from finance.models import Account, Attachment, Commitment, JournalEntry, Period, RestrictionRelease

READERS = selectors.LEDGER_READERS


class FinancePage(AlliancePageMixin, TemplateView):
    page_roles = READERS
    write_roles = access.SECRETARIAT

    def post(self, request, *args, **kwargs):
        if not (self.roles & set(self.write_roles)):
            raise PermissionDenied
        return self.handle(request, *args, **kwargs)

    def as_of(self):
        form = forms.AsOfForm(self.request.GET or None)
        if form.is_valid() and form.cleaned_data.get("as_of"):
            return form.cleaned_data["as_of"]
        return timezone.localdate()

    def back(self, name="finance:home", **kwargs):
        return redirect(name, slug=self.alliance.slug, **kwargs)

    def fail(self, exc: ServiceError):
        messages.error(self.request, f"{exc.message} " + " ".join(
            f"{field}: {'；'.join(str(m) for m in msgs)}" for field, msgs in exc.fields.items()
        ))


class HomeView(FinancePage):
    template_name = "finance/home.html"
    page_roles = READERS | {"representative"}

    def get(self, request, *args, **kwargs):
        if not (self.roles & READERS) and not access.is_bureau_officer(request.user):
            units = list(selectors.statement_units_of(request.user, self.alliance))
            if len(units) == 1:
                return redirect("finance:statement", slug=self.alliance.slug, unit_id=units[0].pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of = self.as_of()
        readers = bool(self.roles & READERS) or access.is_bureau_officer(self.request.user)
        context.update(as_of=as_of, readers=readers, units=selectors.statement_units_of(self.request.user, self.alliance))
        if readers:
            services.chart_install(self.alliance)
            context.update(
                funds=selectors.fund_balances(self.alliance, as_of),
                pending=JournalEntry.objects.filter(status=JournalEntry.Status.RECORDED).count(),
                recent=JournalEntry.objects.filter(status=JournalEntry.Status.POSTED).order_by("-sequence")[:10],
                government=selectors.government_funds(self.alliance, as_of),
                balance_chart=figures.fund_balances_chart(self.alliance, as_of),
            )
        return context


class EntryNewView(FinancePage):
    template_name = "finance/entry_form.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services.chart_install(self.alliance)
        context.setdefault("form", forms.EntryForm(initial={"date": timezone.localdate()}))
        context.setdefault("lines", forms.LineFormSet(prefix="lines"))
        return context

    def handle(self, request, *args, **kwargs):
        form = forms.EntryForm(request.POST)
        lines = forms.LineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            proposed = [f.to_line() for f in lines.forms if f.cleaned_data and not f.is_blank()]
            try:
                entry = services.entry_record(actor=request.user, alliance=self.alliance, date=form.cleaned_data["date"],
                                              description=form.cleaned_data["description"], lines=proposed)
            except ServiceError as exc:
                self.fail(exc)
            else:
                messages.success(request, _("凭证已录入，等待另一人审核。"))
                return self.back("finance:entry", pk=entry.pk)
        return self.render_to_response(self.get_context_data(form=form, lines=lines))


class EntryListView(listing.ListPageMixin, FinancePage):
    template_name = "finance/entries.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(self.request, filters.EntryFilter, journal()), "entries"))
        return context


def journal():
    return JournalEntry.objects.select_related("recorded_by", "approved_by").order_by("-date", "-id")


class EntryExportView(FinancePage):
    """The journal as the list shows it (same filters, every page), as XLSX."""

    def get(self, request, *args, **kwargs):
        filterset, entries = listing.filtered(request, filters.EntryFilter, journal())
        if filterset.errors:
            return listing.bad_filters(filterset)
        return exports.journal_book(entries).response(f"journal-{self.alliance.slug}.xlsx")


class ApprovalQueueView(FinancePage):
    template_name = "finance/approvals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = selectors.pending_entries(self.alliance)
        # Only the roles the service lets approve see the batch form (the auditor reads this page).
        context["may_approve"] = bool(self.roles & set(services.APPROVER_ROLES))
        return context

    def handle(self, request, *args, **kwargs):
        """批量审核: post the ticked entries in date order, all or nothing."""
        ids = [int(pk) for pk in request.POST.getlist("entry") if pk.isdigit()]
        order = {pk: n for n, pk in enumerate(selectors.pending_entries(self.alliance).filter(pk__in=ids).values_list("pk", flat=True))}
        try:
            if not ids:
                raise ValidationFailed(fields={"entry": [_("请选择要审核的凭证。")]})
            posted = services.entries_approve_batch(actor=request.user, alliance=self.alliance,
                                                    entries=sorted(ids, key=lambda pk: order.get(pk, -1)))
            messages.success(request, _("%(n)s张凭证已审核过账。") % {"n": len(posted)})
        except ServiceError as exc:
            self.fail(exc)
        return self.back("finance:approvals")


class EntryDetailView(FinancePage):
    template_name = "finance/entry.html"

    def entry(self):
        return get_object_or_404(JournalEntry.objects.select_related("recorded_by", "approved_by", "reverses"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.entry()
        context.update(entry=entry, lines=entry.lines.select_related("account", "fund__project", "member_unit", "project"),
                       reversal=JournalEntry.objects.filter(reverses=entry).first(),
                       release=RestrictionRelease.objects.filter(entry=entry).select_related("fund", "submission").first(),
                       can_approve=entry.status == "recorded" and entry.recorded_by_id != self.request.user.pk)
        return context

    def handle(self, request, *args, **kwargs):
        entry = self.entry()
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.entry_approve(actor=request.user, alliance=self.alliance, entry=entry)
                messages.success(request, _("凭证已审核过账。"))
            elif action == "reject":
                services.entry_reject(actor=request.user, alliance=self.alliance, entry=entry, reason=request.POST.get("reason", ""))
                messages.success(request, _("凭证已退回。"))
            elif action == "attach":
                services.attachment_add(actor=request.user, alliance=self.alliance, entry=entry, upload=request.FILES.get("file"))
                messages.success(request, _("附件已上传。"))
            elif action == "reverse":
                reversal = services.entry_reverse(actor=request.user, alliance=self.alliance, entry=entry)
                messages.success(request, _("冲销凭证已录入，等待审核。"))
                return self.back("finance:entry", pk=reversal.pk)
            else:
                raise Http404
        except ServiceError as exc:
            self.fail(exc)
        return self.back("finance:entry", pk=entry.pk)


class AttachmentView(FinancePage):
    """Download a voucher file (ledger readers only)."""

    accepts_api_token = True

    def get(self, request, *args, **kwargs):
        attachment = get_object_or_404(Attachment, pk=kwargs["attachment_id"], entry_id=kwargs["pk"])
        return uploads.download(attachment.file, attachment.name)


class AccountsView(FinancePage):
    template_name = "finance/accounts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services.chart_install(self.alliance)
        as_of = self.as_of()
        context.update(as_of=as_of, trial=selectors.trial_balance(self.alliance, as_of),
                       accounts=Account.objects.all(), funds=selectors.fund_balances(self.alliance, as_of))
        return context


class TrialBalanceExportView(FinancePage):
    """The trial balance of the accounts page, at its date, as XLSX."""

    def get(self, request, *args, **kwargs):
        form = forms.AsOfForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return listing.bad_filters(form)
        as_of = self.as_of()
        return exports.trial_balance_book(selectors.trial_balance(self.alliance, as_of)).response(
            f"trial-balance-{self.alliance.slug}-{as_of.isoformat()}.xlsx")


class GeneralLedgerView(FinancePage):
    template_name = "finance/general_ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of = self.as_of()
        account = Account.objects.filter(code=self.request.GET.get("account", "")).first()
        context.update(as_of=as_of, accounts=Account.objects.all(), account=account,
                       ledger=selectors.general_ledger(self.alliance, as_of, account=account))
        return context


class PeriodsView(FinancePage):
    template_name = "finance/periods.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(periods=Period.objects.all(), close_form=forms.PeriodForm(initial={"year": today.year, "month": today.month}),
                       reopen_form=forms.ReopenForm(), is_sg="secretary_general" in self.roles)
        return context

    def handle(self, request, *args, **kwargs):
        reopening = request.POST.get("action") == "reopen"
        form = (forms.ReopenForm if reopening else forms.PeriodForm)(request.POST)
        if form.is_valid():
            try:
                if reopening:
                    services.period_reopen(actor=request.user, alliance=self.alliance, **form.cleaned_data)
                    messages.success(request, _("期间已重新开放。"))
                else:
                    services.period_close(actor=request.user, alliance=self.alliance, **form.cleaned_data)
                    messages.success(request, _("期间已结账。"))
            except ServiceError as exc:
                self.fail(exc)
        else:
            messages.error(request, _("输入有误，请检查各字段。"))
        return self.back("finance:periods")


class ContributionsView(FinancePage):
    template_name = "finance/contributions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for commitment in Commitment.objects.select_related("member_unit").order_by("-year", "member_unit__name"):
            rows.append({"commitment": commitment, "receipt_form": forms.ReceiptForm(prefix=f"c{commitment.pk}")})
        as_of = self.as_of()
        paid = {item["commitment"].pk: item for item in selectors.commitments_of(self.alliance, as_of=as_of)}
        for row in rows:
            row["paid"] = paid.get(row["commitment"].pk)
        context.update(rows=rows, as_of=as_of, chart=figures.contributions_chart(self.alliance, as_of), form=kwargs.get("form") or forms.CommitmentForm(initial={"year": timezone.localdate().year}))
        return context

    def handle(self, request, *args, **kwargs):
        try:
            if "commitment" in request.POST:
                commitment = get_object_or_404(Commitment, pk=request.POST["commitment"])
                form = forms.ReceiptForm(request.POST, prefix=f"c{commitment.pk}")
                if not form.is_valid():
                    messages.error(request, _("输入有误，请检查各字段。"))
                    return self.back("finance:contributions")
                services.contribution_receive(actor=request.user, alliance=self.alliance, commitment=commitment,
                                              amount=Money(form.cleaned_data["amount"], commitment.amount.currency),
                                              date=form.cleaned_data["date"],
                                              prepayment_year=form.cleaned_data["prepayment_year"])
                messages.success(request, _("到账已录入，等待审核。"))
            else:
                form = forms.CommitmentForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form))
                data = form.cleaned_data
                services.commitment_set(actor=request.user, alliance=self.alliance, member_unit=data["member_unit"],
                                        year=data["year"], amount=Money(data["amount"], "CNY"), note=data["note"])
                messages.success(request, _("出资承诺已保存。"))
        except ServiceError as exc:
            self.fail(exc)
        return self.back("finance:contributions")


class StatementView(FinancePage):
    """One member unit's statement: page, ?format=xlsx or ?format=pdf."""

    template_name = "finance/statement.html"
    page_roles = READERS | {"representative"}

    def unit(self):
        unit = selectors.statement_units_of(self.request.user, self.alliance).filter(pk=self.kwargs["unit_id"]).first()
        if unit is None:
            raise Http404
        return unit

    def get(self, request, *args, **kwargs):
        export = request.GET.get("format") in ("xlsx", "pdf")
        # The page shows one page of detail lines (totals from SQL); the exports carry every line.
        statement = selectors.member_statement(self.alliance, self.unit(), self.as_of(), page=request.GET.get("page"),
                                               page_size=None if export else selectors.STATEMENT_PAGE_SIZE)
        fmt = request.GET.get("format")
        if fmt == "xlsx":
            response = HttpResponse(exports.statement_xlsx(self.alliance, statement),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="statement-{statement["unit"].pk}-{statement["as_of"]}.xlsx"'
            return response
        if fmt == "pdf":
            response = HttpResponse(exports.statement_pdf(self.alliance, statement), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="statement-{statement["unit"].pk}-{statement["as_of"]}.pdf"'
            return response
        return self.render_to_response(self.get_context_data(s=statement))


class ProjectBudgetView(FinancePage):
    template_name = "finance/budget.html"

    def get_context_data(self, **kwargs):
        from finance.models import Source
        from projects import selectors as project_selectors
        from projects.models import BudgetLine, Project

        context = super().get_context_data(**kwargs)
        project = get_object_or_404(Project, pk=self.kwargs["project_id"])
        as_of = self.as_of()
        # labels, never codes: a budget line's category and source as the project names them
        categories, sources = dict(BudgetLine.Category.choices), dict(Source.choices) | dict(BudgetLine.Source.choices)
        rows = [r | {"category": categories.get(r["category"], r["category"]), "source": sources.get(r["source"], r["source"])}
                for r in selectors.budget_vs_actual(self.alliance, project, budget=project_selectors.budget_by_key(project),
                                                    as_of=as_of)]
        context.update(project=project, as_of=as_of, rows=rows,
                       funds=[r for r in selectors.fund_balances(self.alliance, as_of) if r["fund"].project_id == project.pk])
        return context


class AuditorExportView(FinancePage):
    def get(self, request, *args, **kwargs):
        as_of = self.as_of()
        return alliance_jobs.export(request, self.alliance, finance_jobs.AUDITOR_ZIP, {"as_of": as_of.isoformat()},
                                    finance_jobs.auditor_zip_rows(self.alliance, as_of))
