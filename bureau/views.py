"""Pages: the alliance's submissions (under /a/<slug>/submissions/) and the bureau's console,
inbox and review (under /bureau/, where the middleware disables tenant scopes: every view here
checks `is_bureau_officer` itself and never writes alliance data)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from alliances import access, listing, signing
from alliances.replicas import replica_reads
from alliances.dashboard import Tile
from alliances.errors import ServiceError
from alliances.models import Role
from alliances.pages import AlliancePageMixin, add_service_errors
from bureau import documents, selectors, services, witness
from bureau.filters import AllianceSubmissionFilter, SubmissionFilter
from bureau.forms import DecisionForm, NarrativeForm, SubmissionCreateForm
from bureau.models import Kind, Submission
from bureau.review import conditions
from bureau.review import selectors as review_selectors
from projects import selectors as project_selectors

ALLIANCE_READERS = access.SECRETARIAT | {Role.COUNCILLOR, access.CHAIR, Role.AUDITOR}


def submission_or_404(submission: Submission | None) -> Submission:
    if submission is None:
        raise Http404
    return submission


def history_context(submission: Submission) -> dict:
    """What `bureau/_history.html` shows on both sides: the frozen versions and the decisions."""
    return {
        "submission": submission,
        "versions": submission.versions.order_by("-number"),
        "decisions": submission.decisions.select_related("decided_by").order_by("-decided_at"),
    }


def version_document(submission: Submission, number: str | None):
    versions = submission.versions.all()
    version = versions.filter(number=int(number)).first() if number and number.isdigit() else versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version


def submissions_tile(request, alliance):
    if not access.has_role(request.user, alliance, *access.SECRETARIAT):
        return None
    pending = Submission.objects.filter(status=Submission.Status.SUBMITTED).count()
    returned = Submission.objects.filter(status=Submission.Status.RETURNED).count()
    return Tile(
        title=_("报送市科技局待审"), value=str(pending),
        url=reverse("bureau_alliance:submissions", kwargs={"slug": alliance.slug}),
        note=_("%(n)d 件被退回待修改") % {"n": returned} if returned else "",
    )


# ---------------------------------------------------------------- alliance side


class SubmissionListView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    template_name = "bureau/submissions.html"
    page_roles = ALLIANCE_READERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(
            self.request, AllianceSubmissionFilter, Submission.objects.select_related("created_by", "submitted_by")),
            "submissions"))
        context["form"] = kwargs.get("form") or SubmissionCreateForm(projects=self._projects())
        context["can_draft"] = bool(self.roles & services.DRAFTERS)
        return context

    def _projects(self):
        return project_selectors.project_choices()

    def post(self, request, slug):
        form = SubmissionCreateForm(request.POST, projects=self._projects())
        if form.is_valid():
            data = form.cleaned_data
            payload, subject = None, None
            if data["kind"] == Kind.ANNUAL_REPORT:
                payload = {"year": data["year"]}
            elif data["kind"] == Kind.FUND_RELEASE:
                payload, subject = {"amount": data["amount"]}, data["project"]
            try:
                submission = services.approval_request(
                    actor=request.user, alliance=self.alliance, kind=data["kind"], title=data["title"], subject=subject,
                    payload=payload,
                )
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已创建草稿。"))
                return redirect("bureau_alliance:submission", slug=slug, pk=submission.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SubmissionDetailView(AlliancePageMixin, TemplateView):
    template_name = "bureau/submission_detail.html"
    page_roles = ALLIANCE_READERS

    def get_submission(self):
        return submission_or_404(Submission.objects.filter(pk=self.kwargs["pk"]).first())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = kwargs.get("submission") or self.get_submission()
        initial = {"title": submission.title, **{k: submission.payload.get(k, "") for k in NarrativeForm.FORM_KEYS}}
        initial.update({name: getattr(submission, name) for name in services.NARRATIVE_FIELDS})
        context.update(
            history_context(submission),
            form=kwargs.get("form") or NarrativeForm(initial=initial, kind=submission.kind),
            can_edit=submission.is_editable and self.is_secretariat,
            can_submit=submission.is_editable and Role.SECRETARY_GENERAL in self.roles,
            review=review_selectors.review_summary(submission),
            conditions=conditions.recognition_missing(self.alliance)
            if submission.kind == Kind.RECOGNITION_APPLICATION and submission.is_editable else [],
        )
        return context

    def post(self, request, slug, pk):
        submission = self.get_submission()
        form = NarrativeForm(request.POST, kind=submission.kind)
        if form.is_valid():
            try:
                services.submission_edit(actor=request.user, alliance=self.alliance, submission=submission,
                                         **form.service_kwargs())
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("bureau_alliance:submission", slug=slug, pk=pk)
        return self.render_to_response(self.get_context_data(form=form, submission=submission), status=400)


class SubmissionSubmitView(AlliancePageMixin, View):
    page_roles = {Role.SECRETARY_GENERAL}

    def post(self, request, slug, pk):
        submission = submission_or_404(Submission.objects.filter(pk=pk).first())
        try:
            services.submission_submit(actor=request.user, alliance=self.alliance, submission=submission)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
            for name, msgs in exc.fields.items():
                messages.error(request, f"{name}: {'; '.join(str(m) for m in msgs)}")
        else:
            messages.success(request, _("已报送市科技局。"))
        return redirect("bureau_alliance:submission", slug=slug, pk=pk)


class SubmissionDocumentView(AlliancePageMixin, View):
    """The frozen PDF of a version (the latest by default); a draft gets a live preview."""

    page_roles = ALLIANCE_READERS

    def get(self, request, slug, pk):
        submission = submission_or_404(Submission.objects.filter(pk=pk).first())
        if submission.version == 0 or request.GET.get("preview"):
            if not submission.is_editable:
                raise Http404
            return signing.pdf_response(documents.preview_pdf(submission), f"preview-{submission.pk}.pdf")
        version = version_document(submission, request.GET.get("version"))
        return signing.pdf_response(documents.signed_document(submission, version),
                                    documents.document_filename(submission, version))


def decision_or_404(submission: Submission, decision_id: int):
    decision = submission.decisions.select_related("submission__alliance", "version", "decided_by").filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    return decision


class SubmissionDecisionPdfView(AlliancePageMixin, View):
    """The bureau's decision on the alliance's submission, signed by the bureau."""

    page_roles = ALLIANCE_READERS

    def get(self, request, slug, pk, decision_id):
        decision = decision_or_404(submission_or_404(Submission.objects.filter(pk=pk).first()), decision_id)
        return signing.pdf_response(documents.decision_pdf(decision), documents.decision_filename(decision))


class SubmissionReviewFormView(AlliancePageMixin, View):
    """附件4 审核意见表 of a decision, as the regulation prints it, signed by the bureau."""

    page_roles = ALLIANCE_READERS

    def get(self, request, slug, pk, decision_id):
        decision = decision_or_404(submission_or_404(Submission.objects.filter(pk=pk).first()), decision_id)
        return signing.pdf_response(documents.review_form_pdf(decision), documents.review_form_filename(decision))


# ---------------------------------------------------------------- bureau side


class BureauOfficerRequired(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return access.is_bureau_officer(self.request.user)


class ConsoleView(BureauOfficerRequired, TemplateView):
    """Every alliance side by side."""

    template_name = "bureau/console.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with replica_reads():  # the heaviest read of the bureau: a replica's seconds of lag are fine here
            context["rows"] = selectors.console_rows()
            context["witness_rows"] = witness.console_rows()
        context["kinds"] = ["enterprise", "university", "institute", "other"]
        return context


class InboxView(BureauOfficerRequired, listing.ListPageMixin, TemplateView):
    template_name = "bureau/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(self.request, SubmissionFilter, selectors.inbox()), "submissions"))
        return context


class BureauSubmissionView(BureauOfficerRequired, TemplateView):
    template_name = "bureau/review.html"

    def get_submission(self):
        return submission_or_404(selectors.bureau_submission(self.kwargs["pk"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = kwargs.get("submission") or self.get_submission()
        context.update(
            history_context(submission),
            form=kwargs.get("form") or DecisionForm(),
            can_decide=submission.status == Submission.Status.SUBMITTED,
        )
        return context

    def post(self, request, pk):
        submission = self.get_submission()
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.submission_decide(actor=request.user, submission=submission, **form.cleaned_data)
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("审核结论已记录。"))
                return redirect("bureau:submission", pk=pk)
        return self.render_to_response(self.get_context_data(form=form, submission=submission), status=400)


class BureauDocumentView(BureauOfficerRequired, View):
    def get(self, request, pk):
        submission = submission_or_404(selectors.bureau_submission(pk))
        version = version_document(submission, request.GET.get("version"))
        return signing.pdf_response(documents.signed_document(submission, version),
                                    documents.document_filename(submission, version))


class BureauDecisionPdfView(BureauOfficerRequired, View):
    def get(self, request, pk, decision_id):
        decision = decision_or_404(submission_or_404(selectors.bureau_submission(pk)), decision_id)
        return signing.pdf_response(documents.decision_pdf(decision), documents.decision_filename(decision))


class BureauReviewFormView(BureauOfficerRequired, View):
    def get(self, request, pk, decision_id):
        decision = decision_or_404(submission_or_404(selectors.bureau_submission(pk)), decision_id)
        return signing.pdf_response(documents.review_form_pdf(decision), documents.review_form_filename(decision))
