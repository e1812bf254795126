from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from alliances import access, activity, checkpoints, jobs, listing, services
from alliances.dashboard import tiles_for
from alliances.errors import ServiceError
from alliances.filters import OutboxFilter
from alliances.forms import ActivityFilterForm, AllianceCreateForm, InviteForm, LoginForm, SecretaryGeneralRecoverForm
from alliances.login import password_reset_may_send
from alliances.models import Alliance, OutboxMessage, Role, RoleGrant, User
from alliances.pages import AlliancePageMixin, add_service_errors


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if {"throttled", "locked_out"} & {e.code for e in form.non_field_errors().as_data()}:
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a password link by e-mail. The answer is the same whether or not the address is known
    (Django's form mails only active accounts with that address); the link is SetPasswordView's."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if not password_reset_may_send(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())  # the same answer, no mail
        return super().form_valid(form)

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL.rstrip("/")}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation or a password reset: set a password, then log in."""

    template_name = "registration/set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_complete(actor=self.user)
        return response


@login_required
def home(request):
    """Where a person lands: their alliances (straight in when there is just one), or the bureau console."""
    mine = Alliance.objects.filter(pk__in=access.alliances_of(request.user))
    if access.is_bureau_officer(request.user) and not mine:
        return redirect("bureau:console")
    if len(mine) == 1 and not request.user.is_superuser:
        return redirect("alliances:dashboard", slug=mine[0].slug)
    return render(request, "alliances/home.html", {"alliances": mine})


class DashboardView(AlliancePageMixin, TemplateView):
    template_name = "alliances/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tiles"] = tiles_for(self.request, self.alliance)
        context["organs"] = self.alliance_organs()
        return context

    def alliance_organs(self):
        from alliances.models import Organ

        return Organ.objects.annotate(seat_count=Count("seats")).order_by("kind")


class PeopleView(AlliancePageMixin, TemplateView):
    """The secretariat's people page: invite, grant, revoke, deactivate."""

    template_name = "alliances/people.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grants"] = RoleGrant.objects.select_related("user", "seat", "seat__organ", "member_unit", "granted_by", "revoked_by")
        context["form"] = kwargs.get("form") or InviteForm()
        return context

    def post(self, request, slug):
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                services.person_invite(actor=request.user, alliance=self.alliance, **form.cleaned_data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("邀请已发送。"))
                return redirect("alliances:people", slug=slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RevokeGrantView(AlliancePageMixin, View):
    page_roles = access.SECRETARIAT

    def post(self, request, slug, pk):
        grant = get_object_or_404(RoleGrant, pk=pk)
        try:
            services.role_revoke(actor=request.user, alliance=self.alliance, grant=grant)
            messages.success(request, _("角色已撤销。"))
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect("alliances:people", slug=slug)


class DeactivatePersonView(AlliancePageMixin, View):
    page_roles = access.SECRETARIAT

    def post(self, request, slug, user_id):
        if not RoleGrant.objects.filter(user_id=user_id).exists():
            raise Http404
        person = get_object_or_404(User, pk=user_id)
        try:
            services.person_deactivate(actor=request.user, alliance=self.alliance, user=person)
            messages.success(request, _("已停用此人在本联盟的全部角色。"))
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect("alliances:people", slug=slug)


class OutboxView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    """The secretariat's undelivered e-mails (queued for a retry, or failed), each with a retry button."""

    template_name = "alliances/outbox.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's own mail, with its recipients

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        undelivered = OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT)
        context.update(listing.context(listing.listing(self.request, OutboxFilter, undelivered.filter(
            Q(status=OutboxMessage.Status.FAILED) | Q(attempts__gt=0)).order_by("-created_at", "-id")), "messages_undelivered"))
        context["waiting"] = undelivered.filter(status=OutboxMessage.Status.QUEUED, attempts=0).count()
        return context


class OutboxRetryView(AlliancePageMixin, View):
    page_roles = access.SECRETARIAT

    def post(self, request, slug, pk):
        message = get_object_or_404(OutboxMessage, pk=pk)
        try:
            services.outbox_retry(actor=request.user, alliance=self.alliance, message=message)
            messages.success(request, _("邮件已重新排队发送。"))
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect("alliances:outbox", slug=slug)


class PlatformAllianceCreateView(LoginRequiredMixin, UserPassesTestMixin, FormView):
    """Onboarding: a platform administrator creates an alliance and invites its secretary-general."""

    template_name = "alliances/platform_create.html"
    form_class = AllianceCreateForm

    def test_func(self):
        return self.request.user.is_superuser

    def form_valid(self, form):
        try:
            alliance = services.alliance_create(actor=self.request.user, **form.cleaned_data)
        except ServiceError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("联盟已创建，已向秘书长发送邀请。"))
        return redirect("home")



class PlatformSecretaryGeneralRecoverView(LoginRequiredMixin, UserPassesTestMixin, FormView):
    """Recovery: a platform administrator appoints a secretary-general, with a written reason kept
    in the grant's history (`services.secretary_general_recover`)."""

    template_name = "alliances/platform_recover.html"
    form_class = SecretaryGeneralRecoverForm

    def test_func(self):
        return self.request.user.is_superuser

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["target"] = get_object_or_404(Alliance, slug=self.kwargs["slug"])
        return context

    def form_valid(self, form):
        alliance = get_object_or_404(Alliance, slug=self.kwargs["slug"])
        try:
            services.secretary_general_recover(actor=self.request.user, alliance=alliance, **form.cleaned_data)
        except ServiceError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已任命秘书长，并已发送邀请。"))
        return redirect("home")


class IntegrityView(AlliancePageMixin, TemplateView):
    """The auditor's and the bureau's page: each chain's status, its last checkpoint and witnessed
    head, and the last full verification; the auditor or the secretariat may run one now."""

    template_name = "alliances/integrity.html"
    page_roles = access.SECRETARIAT | {Role.AUDITOR, Role.COUNCILLOR, access.CHAIR}  # who reads the ledger

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(checkpoints.status(self.alliance))
        return context

    def post(self, request, slug):
        result = checkpoints.verify_alliance(self.alliance, source="page")
        if result["ok"]:
            messages.success(request, _("验证完成：所有链及检查点均完好。"))
        else:
            messages.error(request, _("验证发现问题：%(problems)s") % {"problems": "；".join(result["problems"])})
        return redirect("alliances:integrity", slug=slug)


ACTIVITY_PAGE_SIZE = 50


class ActivityView(AlliancePageMixin, TemplateView):
    """The alliance's activity log (alliances.activity): the secretariat and the auditor read it;
    `?format=xlsx` downloads what the filters select."""

    template_name = "alliances/activity.html"
    page_roles = access.ACTIVITY_READERS
    bureau_reads = False

    def get(self, request, *args, **kwargs):
        form = ActivityFilterForm(request.GET, alliance=self.alliance)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, rows=[], total=0), status=400)
        if request.GET.get("format") == "xlsx":
            params = {name: request.GET[name] for name in form.fields if name in request.GET}
            return jobs.export(request, self.alliance, activity.EXPORT_JOB, params,
                               activity.count(self.alliance, form.filters()))
        page = request.GET.get("page", "1")
        page = int(page) if page.isascii() and page.isdigit() and int(page) >= 1 else 1
        rows, total = activity.activity_page(self.alliance, form.filters(), page, ACTIVITY_PAGE_SIZE)
        pages = max(1, -(-total // ACTIVITY_PAGE_SIZE))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(self.get_context_data(
            form=form, rows=rows, total=total, page=page, pages=pages, query=query.urlencode(),
            previous_page=page - 1 if page > 1 else None, next_page=page + 1 if page < pages else None,
        ))
