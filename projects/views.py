"""Project pages under /a/<slug>/projects/: thin views over the services and selectors."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from alliances import access, listing, uploads
from alliances.dashboard import Tile
from alliances.errors import ServiceError
from alliances.pages import AlliancePageMixin, add_service_errors
from projects import exports, figures, forms, selectors, services
from projects.filters import ProjectFilter
from projects.models import EXECUTING, BudgetLine, Document, IPAgreement, IPShare, Project


def projects_tile(request, alliance):
    if not getattr(request.user, "is_authenticated", False):
        return None
    visible = selectors.projects_for(request.user, alliance)
    return Tile(
        title=_("实施中的项目"), value=str(visible.filter(status__in=EXECUTING).count()),
        url=reverse("projects:list", kwargs={"slug": alliance.slug}),
        note=_("共%(n)s个项目") % {"n": visible.count()},
    )


def _service_errors(form, error: ServiceError):
    add_service_errors(form, error)
    # A refusal naming no field of this form (e.g. the IP agreement's gaps) also gets its summary.
    if error.fields and not any(f in form.fields for f in error.fields):
        form.add_error(None, error.message)


class ProjectListView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    template_name = "projects/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(self.request, ProjectFilter, project_list(self)), "projects"))
        return context


def project_list(view):
    return selectors.projects_for(view.request.user, view.alliance).order_by("-id")


class ProjectExportView(AlliancePageMixin, View):
    """The projects the list shows (same filters, every page), as XLSX."""

    def get(self, request, slug):
        filterset, projects = listing.filtered(request, ProjectFilter, project_list(self))
        if filterset.errors:
            return listing.bad_filters(filterset)
        return exports.projects_book(projects).response(f"projects-{self.alliance.slug}.xlsx")


class ProjectMixin(AlliancePageMixin):
    def get_project(self):
        return get_object_or_404(selectors.projects_for(self.request.user, self.alliance), pk=self.kwargs["pk"])


class ProjectDetailView(ProjectMixin, TemplateView):
    template_name = "projects/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.get_project()
        agreement = IPAgreement.objects.filter(project=project).first()
        participants = list(project.participants.select_related("unit"))
        # The agreement form shows each participant's current share: saving it replaces all shares.
        share_of = {s.participant_id: s.share for s in agreement.shares.all()} if agreement else {}
        for participant in participants:
            participant.ip_share = share_of.get(participant.pk)
        budget = selectors.budget_vs_actual(project)
        context.update(
            project=project,
            participants=participants,
            budget=budget,
            budget_chart=figures.budget_chart(budget),
            budget_lines=project.budget_lines.select_related("participant__unit"),
            milestones=project.milestones.all(),
            agreement=agreement,
            shares=agreement.shares.select_related("participant__unit") if agreement else [],
            gaps=selectors.ip_agreement_gaps(project),
            documents=project.documents.select_related("uploaded_by", "alliance"),
            events=project.events.select_related("actor"),
            versions=project.versions.all(),
            adjustments=project.adjustments.select_related("participant__unit", "reassign_to__unit"),
            results=project.results.all(),
            expenses=project.expenses.select_related("participant__unit"),  # a project's own, shown whole
            participant_form=kwargs.get("participant_form") or forms.ParticipantForm(),
            categories=BudgetLine.Category.choices, sources=BudgetLine.Source.choices,
            rep_units=set(selectors.representative_units(self.request.user, self.alliance)),
        )
        return context


class DocumentView(ProjectMixin, View):
    """Download one of a project's documents (whoever may see the project)."""

    accepts_api_token = True

    def get(self, request, slug, pk, document_id):
        document = get_object_or_404(Document, pk=document_id, project=self.get_project())
        return uploads.download(document.file, document.title)


class ProposalCreateView(AlliancePageMixin, FormView):
    template_name = "projects/proposal_form.html"
    form_class = forms.ProposalForm
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_initial(self):
        return {"technology_field": self.alliance.technology_field}

    def form_valid(self, form):
        try:
            project = services.project_create(actor=self.request.user, alliance=self.alliance, **form.cleaned_data)
        except ServiceError as error:
            _service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, _("项目建议书已创建，请补充参与单位、预算、进度和知识产权约定。"))
        return redirect("projects:detail", slug=self.alliance.slug, pk=project.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AcceptanceView(AlliancePageMixin, FormView):
    template_name = "projects/acceptance_form.html"
    form_class = forms.AcceptanceForm
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_project(self):
        return get_object_or_404(Project, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.get_project()
        context.update(project=project, shares=IPShare.objects.filter(agreement__project=project).select_related("participant__unit"))
        return context

    def form_valid(self, form):
        project = self.get_project()
        try:
            services.acceptance_record(actor=self.request.user, alliance=self.alliance, project=project,
                                       accepted=form.cleaned_data["accepted"], opinion=form.cleaned_data["opinion"],
                                       results=form.cleaned_data["results"])
        except ServiceError as error:
            _service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, _("验收结果已记录。"))
        return redirect("projects:detail", slug=self.alliance.slug, pk=project.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProjectActionView(AlliancePageMixin, View):
    """The project page's buttons: one POST per lifecycle step or draft edit."""

    page_roles = access.SECRETARIAT | {"representative"}
    SIMPLE = {
        "submit": services.project_submit, "start": services.project_start, "refer_bureau": services.project_bureau_refer,
        "refer_council": services.project_council_refer, "close": services.project_close,
    }

    def post(self, request, slug, pk):
        project = get_object_or_404(selectors.projects_for(request.user, self.alliance), pk=pk)
        what = request.POST.get("action", "")
        call = {"actor": request.user, "alliance": self.alliance}
        try:
            if what in self.SIMPLE:
                self.SIMPLE[what](project=project, **call)
            elif what == "add_participant":
                form = forms.ParticipantForm(request.POST)
                if not form.is_valid():
                    raise services.ValidationFailed(fields=form.errors)
                services.participant_add(project=project, **form.cleaned_data, **call)
            elif what == "add_budget":
                participant = project.participants.filter(pk=request.POST.get("participant") or 0).first()
                services.budget_line_add(project=project, category=request.POST.get("category"), source=request.POST.get("source"),
                                         amount=request.POST.get("amount"), participant=participant,
                                         note=request.POST.get("note", ""), **call)
            elif what == "add_milestone":
                services.milestone_add(project=project, due=datetime.date.fromisoformat(request.POST.get("due", "")),
                                       description=request.POST.get("description", ""), **call)
            elif what == "ip_agreement":
                shares = []
                for participant in project.participants.all():
                    value = request.POST.get(f"share_{participant.pk}", "").strip()
                    if value:
                        shares.append((participant, value))
                services.ip_agreement_set(project=project, shares=shares, **{k: request.POST.get(k, "") for k in (
                    "licensing", "revenue_sharing", "on_dissolution", "on_withdrawal", "outside_owners")}, **call)
            elif what == "report_milestone":
                milestone = get_object_or_404(project.milestones, pk=request.POST.get("milestone") or 0)
                services.milestone_report(milestone=milestone, report=request.POST.get("report", ""), **call)
            elif what == "request_acceptance":
                services.acceptance_request(project=project, deliverables=request.POST.get("deliverables", ""), **call)
            else:
                raise Http404
        except ServiceError as error:
            details = "；".join(str(m) for msgs in error.fields.values() for m in msgs)
            messages.error(request, f"{error.message} {details}".strip())
        except (ValueError, TypeError):
            messages.error(request, _("输入有误，请检查各字段。"))
        else:
            messages.success(request, _("已保存。"))
        return redirect("projects:detail", slug=slug, pk=pk)
