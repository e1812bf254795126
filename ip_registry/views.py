"""Pages of the IP register: the list with filters, an asset's page, the XLSX export."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from alliances import access, listing
from alliances.dashboard import Tile
from alliances.errors import ServiceError
from alliances.exports import Spreadsheet
from alliances.pages import AlliancePageMixin, add_service_errors
from ip_registry import selectors, services
from ip_registry.filters import AssetFilter
from ip_registry.forms import AssetForm, LicenceForm, ReceiptForm
from ip_registry.models import IPAsset, Licence


def dashboard_tile(request, alliance):
    if not request.user.is_authenticated:
        return None
    assets = selectors.assets_for(request.user, alliance)
    pending = selectors.licences_for(request.user, alliance).filter(status=Licence.Status.PENDING_BUREAU).count()
    return Tile(
        title=_("知识产权"), value=str(assets.count()), url=reverse("ip_registry:list", kwargs={"slug": alliance.slug}),
        note=_("%(n)d项许可待市科技局批准") % {"n": pending} if pending else "",
    )


class RegisterMixin(AlliancePageMixin):
    def register(self):
        return selectors.assets_for(self.request.user, self.alliance).order_by("-id")

    def rows(self, assets):
        """The register's rows of `assets` (one page, or every row of an export): current owners, flags."""
        assets = assets.prefetch_related("ownership_versions__shares__member_unit")
        funded = selectors.government_funded_project_ids(self.alliance)
        today = timezone.localdate()
        rows = []
        for asset in assets:
            versions = sorted(asset.ownership_versions.all(), key=lambda v: v.valid_from)
            current = next((v for v in reversed(versions) if v.valid_from <= today), versions[0] if versions else None)
            rows.append({
                "asset": asset, "owners": list(current.shares.all()) if current else [],
                "government_funded": asset.project_id in funded, "city_duty": selectors.city_licensing_duty(asset, funded),
            })
        return rows


class AssetListView(RegisterMixin, listing.ListPageMixin, TemplateView):
    template_name = "ip_registry/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assets = listing.listing(self.request, AssetFilter, self.register())
        context.update(listing.context(assets), rows=self.rows(assets.page.object_list))
        return context


class AssetExportView(RegisterMixin, View):
    def get(self, request, slug):
        filterset, assets = listing.filtered(request, AssetFilter, self.register())
        if filterset.errors:
            return listing.bad_filters(filterset)
        book = Spreadsheet(_("知识产权登记簿"))
        book.row([
            _("编号"), _("类型"), _("名称"), _("来源"), _("来源项目"), _("申请号"), _("专利号"), _("登记号"), _("申请日"),
            _("授权日"), _("届满日"), _("状态"), _("权利人及份额"), _("政府资助"), _("本市许可义务"),
        ])
        for row in self.rows(assets):
            asset = row["asset"]
            book.row([
                asset.pk, asset.get_kind_display(), asset.title, asset.get_origin_display(),
                str(asset.project) if asset.project_id else "", asset.application_number, asset.patent_number,
                asset.registration_number, asset.filing_date, asset.grant_date, asset.expiry_date,
                asset.get_status_display(),
                "; ".join(f"{s.party_label} {s.share_text}%" for s in row["owners"]),
                _("是") if row["government_funded"] else _("否"), _("是") if row["city_duty"] else _("否"),
            ])
        return book.response(f"ip-register-{self.alliance.slug}.xlsx")


class AssetDetailView(AlliancePageMixin, TemplateView):
    template_name = "ip_registry/asset.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        asset = selectors.assets_for(user, self.alliance).filter(pk=kwargs["pk"]).first()
        if asset is None:
            raise Http404
        if self.is_secretariat:
            context["licence_form"] = kwargs.get("licence_form") or LicenceForm()
            context["receipt_form"] = kwargs.get("receipt_form") or ReceiptForm(asset=asset)
        history = list(selectors.ownership_history(asset))
        current = services.ownership_on(asset, timezone.localdate()) or (history[-1] if history else None)
        funded = services.asset_is_government_funded(asset)
        context.update(
            asset=asset, history=history, current=current, government_funded=funded,
            city_duty=selectors.city_licensing_duty(asset),
            licences=selectors.licences_for(user, self.alliance).filter(asset=asset),
            transfers=selectors.transfers_for(user, self.alliance).filter(asset=asset),
            receipts=selectors.receipts_for(user, self.alliance).filter(asset=asset),
        )
        return context



class AssetCreateView(AlliancePageMixin, TemplateView):
    """The secretariat registers an asset with its co-owners."""

    template_name = "ip_registry/asset_form.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or AssetForm()
        return context

    def post(self, request, slug):
        form = AssetForm(request.POST)
        if form.is_valid():
            try:
                asset = services.asset_register(
                    actor=request.user, alliance=self.alliance, kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"], origin=form.cleaned_data["origin"],
                    project=form.cleaned_data["project"], owners=form.owners(), **form.details(),
                )
            except ServiceError as error:
                error.fields = form.owner_error_fields(error.fields)
                add_service_errors(form, error)
            else:
                messages.success(request, _("知识产权已登记。"))
                return redirect("ip_registry:asset", slug=slug, pk=asset.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class LicenceCreateView(AssetDetailView):
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def post(self, request, slug, pk):
        asset = get_object_or_404(IPAsset, pk=pk)
        form = LicenceForm(request.POST)
        if form.is_valid():
            try:
                services.licence_grant(actor=request.user, alliance=self.alliance, asset=asset, **form.cleaned_data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("许可已登记。"))
                return redirect("ip_registry:asset", slug=slug, pk=pk)
        return self.render_to_response(self.get_context_data(pk=pk, licence_form=form), status=400)


class ReceiptCreateView(AssetDetailView):
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def post(self, request, slug, pk):
        asset = get_object_or_404(IPAsset, pk=pk)
        form = ReceiptForm(request.POST, asset=asset)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.receipt_record(actor=request.user, alliance=self.alliance, **data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("收益已登记并按份额分配。"))
                return redirect("ip_registry:asset", slug=slug, pk=pk)
        return self.render_to_response(self.get_context_data(pk=pk, receipt_form=form), status=400)
