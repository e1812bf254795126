import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from alliances import access, listing, signing
from alliances import jobs as alliance_jobs
from alliances.dashboard import Tile
from alliances.errors import ServiceError
from alliances.pages import AlliancePageMixin, add_service_errors
from membership import documents, forms, selectors, services
from membership import jobs as membership_jobs
from membership.filters import MemberFilter
from membership.models import AccessionAgreement, ApplicationForm, MemberUnit

PUBLIC_APPLY_LIMIT = 10  # submissions per address per alliance per hour
PUBLIC_APPLY_WINDOW = 3600


def members_tile(request, alliance):
    if not selectors.reads_whole_directory(request.user, alliance):
        return None
    counts = selectors.member_counts_by_kind(alliance)
    by_status = selectors.member_counts_by_status(alliance)
    waiting = by_status[MemberUnit.Status.APPLIED] + by_status[MemberUnit.Status.UNDER_REVIEW] + by_status[MemberUnit.Status.ADMITTED]
    return Tile(
        title=_("成员单位"), value=str(counts["total"]),
        url=reverse("membership:list", kwargs={"slug": alliance.slug}),
        note=" · ".join([f"{row['label']}{row['count']}" for row in selectors.kind_rows(counts)]
                        + [_("待办申请%(w)d") % {"w": waiting}]),
    )


def _error_text(error: ServiceError) -> str:
    parts = [str(error.message)]
    for field, field_messages in error.fields.items():
        parts.append(f"{field}: {'；'.join(str(m) for m in field_messages)}")
    return " ".join(parts)



class DirectoryMixin(AlliancePageMixin):
    @property
    def whole_directory(self) -> bool:
        return selectors.reads_whole_directory(self.request.user, self.alliance)


class MemberListView(DirectoryMixin, listing.ListPageMixin, TemplateView):
    """The directory: filters by kind, status and role; search by name or code; counts by kind."""

    template_name = "membership/list.html"

    def get(self, request, *args, **kwargs):
        if not self.whole_directory:
            return redirect("membership:portal", slug=self.alliance.slug)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = listing.listing(self.request, MemberFilter, selectors.visible_units(self.request.user, self.alliance).order_by("name", "id"))
        context.update(
            listing.context(units, "units"), counts=(counts := selectors.member_counts_by_kind(self.alliance)),
            kind_counts=selectors.kind_rows(counts),
            application_form=ApplicationForm.objects.filter(alliance=self.alliance).first(),
        )
        return context


class MemberDetailView(DirectoryMixin, TemplateView):
    """A unit's page: profile, status, accession agreement, expulsion cases, bars, full history."""

    template_name = "membership/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = get_object_or_404(selectors.visible_units(self.request.user, self.alliance), pk=self.kwargs["pk"])
        context.update(_unit_context(unit))
        if self.is_secretariat or access.CHAIR in self.roles:
            context.update(
                admission_form=forms.AdmissionForm(), accession_form=forms.AccessionForm(),
                withdraw_request_form=forms.WithdrawRequestForm(), withdraw_complete_form=forms.WithdrawCompleteForm(),
                expel_form=forms.ExpelForm(), bar_form=forms.BarForm(),
                missing=[str(MemberUnit._meta.get_field(n).verbose_name) for n in services.missing_for_review(unit)],
                can_sign=access.CHAIR in self.roles or self.is_secretariat,
            )
        return context


class AccessionPdfView(AlliancePageMixin, View):
    """The signed accession record: whoever may read the unit (its representatives, the directory readers)."""

    accepts_api_token = True

    def get(self, request, slug, pk):
        unit = get_object_or_404(selectors.visible_units(request.user, self.alliance), pk=pk)
        agreement = get_object_or_404(AccessionAgreement.objects.select_related("unit", "signatory_unit", "signatory",
                                                                               "recorded_by"), unit=unit)
        return signing.pdf_response(documents.accession_pdf(agreement), documents.accession_filename(agreement))


def _unit_context(unit) -> dict:
    transitions = list(selectors.unit_transitions(unit))
    for t in transitions:
        t.consequence_texts = [services.consequence_text(item) for item in t.consequences]
    return {
        "unit": unit,
        "transitions": transitions,
        "changes": selectors.unit_changes(unit),
        "accession": AccessionAgreement.objects.filter(unit=unit).select_related("signatory_unit", "signatory").first(),
        "cases": unit.expulsion_cases.select_related("proposed_by"),
        "bars": unit.bars.all(),
        "refusal": selectors.participation_refusal(unit),
    }


class MemberCreateView(AlliancePageMixin, TemplateView):
    template_name = "membership/form.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.MemberForm())
        context["heading"] = _("录入入盟申请")
        return context

    def post(self, request, slug):
        form = forms.MemberForm(request.POST)
        if form.is_valid():
            try:
                unit = services.member_apply(actor=request.user, alliance=self.alliance, **form.cleaned_data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("入盟申请已录入。"))
                return redirect("membership:detail", slug=slug, pk=unit.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MemberEditView(AlliancePageMixin, TemplateView):
    template_name = "membership/form.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def unit(self):
        return get_object_or_404(MemberUnit, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.unit()
        initial = {name: getattr(unit, name) for name in forms.MemberForm.base_fields}
        context.setdefault("form", forms.MemberForm(initial=initial))
        context["heading"] = _("修改成员单位信息：%(name)s") % {"name": unit.name}
        context["unit"] = unit
        return context

    def post(self, request, slug, pk):
        unit = self.unit()
        form = forms.MemberForm(request.POST)
        if form.is_valid():
            try:
                services.member_update(actor=request.user, alliance=self.alliance, unit=unit, **form.cleaned_data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("membership:detail", slug=slug, pk=unit.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Page actions: (form class, service, roles allowed, success message)
ACTIONS = {
    "start-review": (None, services.member_review_start, access.SECRETARIAT, _("已开始审核。")),
    "submit-for-admission": (forms.AdmissionForm, services.member_submit_for_admission, access.SECRETARIAT, _("已提交理事会表决。")),
    "sign-accession": (forms.AccessionForm, services.member_sign_accession, access.SECRETARIAT | {access.CHAIR}, _("入盟协议已签署，成为正式成员。")),
    "request-withdrawal": (forms.WithdrawRequestForm, services.member_withdraw_request, access.SECRETARIAT, _("退出申请已记录。")),
    "complete-withdrawal": (forms.WithdrawCompleteForm, services.member_withdraw_complete, access.SECRETARIAT, _("退出已完成。")),
    "propose-expulsion": (forms.ExpelForm, services.member_expel_propose, access.SECRETARIAT, _("除名议案已提交理事会表决。")),
    "bar": (forms.BarForm, services.member_bar_record, access.SECRETARIAT, _("禁止期已记录。")),
}


class MemberActionView(AlliancePageMixin, View):
    """POST one lifecycle action of a unit; refusals come back as a message on the unit's page."""

    def post(self, request, slug, pk, act):
        if act not in ACTIONS:
            raise Http404
        form_class, service, roles, done = ACTIONS[act]
        if not self.roles & set(roles):
            raise PermissionDenied
        unit = get_object_or_404(MemberUnit, pk=pk)
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(f"{form.fields[f].label if f in form.fields else ''}: {'；'.join(e)}" for f, e in form.errors.items()))
                return redirect("membership:detail", slug=slug, pk=pk)
            data = {k: v for k, v in form.cleaned_data.items() if v is not None or k in ("effective_on", "closes_at")}
        try:
            service(actor=request.user, alliance=self.alliance, unit=unit, **data)
        except ServiceError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, done)
        return redirect("membership:detail", slug=slug, pk=pk)


class PortalView(AlliancePageMixin, TemplateView):
    """The member representative's portal: their own unit's profile, status and history."""

    template_name = "membership/portal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = selectors.represented_unit_ids(self.request.user, self.alliance)
        context["portals"] = [_unit_context(unit) for unit in MemberUnit.objects.filter(pk__in=ids).order_by("name")]
        return context


class ExportView(DirectoryMixin, View):
    """The directory (with the same filters) as an XLSX workbook; a large one is built by the worker."""

    def get(self, request, slug):
        if not self.whole_directory:
            raise PermissionDenied
        filterset = membership_jobs.directory_filter(self.alliance, request.user, request.GET)
        if not filterset.is_valid():
            return listing.bad_filters(filterset)
        params = {name: value for name, value in request.GET.items() if name in filterset.filters}
        return alliance_jobs.export(request, self.alliance, membership_jobs.DIRECTORY_XLSX, params, filterset.qs.count())


class ImportView(AlliancePageMixin, TemplateView):
    """CSV import: every row is checked; one bad row and nothing is imported (row-by-row report)."""

    template_name = "membership/import.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.ImportForm())
        context["columns"] = services.IMPORT_COLUMNS
        return context

    def post(self, request, slug):
        form = forms.ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", _("文件须为UTF-8编码的CSV。"))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or [])]
        unknown = [h for h in header if h not in services.IMPORT_COLUMNS]
        missing = [h for h in ("name", "uscc", "kind") if h not in header]
        if unknown or missing:
            form.add_error("file", _("表头须包含 name、uscc、kind，只能使用以下列：%(cols)s") % {"cols": ", ".join(services.IMPORT_COLUMNS)})
            return self.render_to_response(self.get_context_data(form=form), status=400)
        rows = [{(k or "").strip(): v for k, v in row.items() if k} for row in reader]
        if alliance_jobs.is_large(len(rows)):  # checked and imported by the worker; the job shows the report
            job = alliance_jobs.job_start(actor=request.user, alliance=self.alliance, kind=membership_jobs.IMPORT_CSV,
                                          params={"rows": rows})
            return redirect("alliances:job", slug=slug, pk=job.pk)
        try:
            units = services.member_import(actor=request.user, alliance=self.alliance, rows=rows)
        except ServiceError as error:
            return self.render_to_response(
                self.get_context_data(form=form, report=error.fields, report_message=error.message), status=400
            )
        messages.success(request, _("已导入%(n)d家单位。") % {"n": len(units)})
        return redirect("membership:list", slug=slug)


class ApplicationFormSettingsView(AlliancePageMixin, TemplateView):
    template_name = "membership/form_settings.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = ApplicationForm.objects.filter(alliance=self.alliance).first()
        context.setdefault("form", forms.ApplicationFormSettingsForm(
            initial={"is_open": current.is_open, "intro": current.intro} if current else {}
        ))
        context["public_url"] = self.request.build_absolute_uri(reverse("membership:apply_public", kwargs={"slug": self.alliance.slug}))
        return context

    def post(self, request, slug):
        form = forms.ApplicationFormSettingsForm(request.POST)
        if form.is_valid():
            services.application_form_update(actor=request.user, alliance=self.alliance, **form.cleaned_data)
            messages.success(request, _("已保存。"))
            return redirect("membership:form_settings", slug=slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class PublicApplyView(View):
    """The alliance's published application form: no login. A honeypot field catches bots and
    each address may submit a few times an hour; the application goes through the service."""

    template_name = "membership/apply_public.html"

    def setup_form(self, request):
        self.alliance = request.alliance
        self.settings = ApplicationForm.objects.filter(alliance=self.alliance, is_open=True).first()
        if self.settings is None:
            raise Http404

    def render(self, request, form, status=200, done=False):
        return render(request, self.template_name, {
            "form": form, "alliance": self.alliance, "intro": self.settings.intro, "done": done,
        }, status=status)

    def get(self, request, slug):
        self.setup_form(request)
        return self.render(request, forms.PublicApplicationForm())

    def post(self, request, slug):
        self.setup_form(request)
        key = f"membership-apply:{self.alliance.pk}:{_client_address(request)}"
        limit = getattr(settings, "MEMBERSHIP_PUBLIC_APPLY_LIMIT", PUBLIC_APPLY_LIMIT)
        cache.add(key, 0, PUBLIC_APPLY_WINDOW)
        attempts = cache.incr(key)
        form = forms.PublicApplicationForm(request.POST)
        if attempts > limit:
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请一小时后再试。"))
            return self.render(request, form, status=429)
        if not form.is_valid():
            return self.render(request, form, status=400)
        data = dict(form.cleaned_data)
        if data.pop("website"):
            # A bot filled the hidden field: answer as if accepted, record nothing.
            return self.render(request, forms.PublicApplicationForm(), done=True)
        try:
            services.member_apply_public(actor=None, alliance=self.alliance, **data)
        except ServiceError as error:
            add_service_errors(form, error)
            return self.render(request, form, status=400)
        return self.render(request, forms.PublicApplicationForm(), done=True)
