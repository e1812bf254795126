from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from alliances.api.base import AllianceViewSet
from ip_registry import selectors, services
from ip_registry.filters import AssetFilter, LicenceFilter, TransferFilter
from ip_registry.api import serializers as s
from ip_registry.models import IPAsset, Licence, Transfer


class IPAssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """The IP register. Representatives see only what their unit owns or licenses."""

    filterset_class = AssetFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            return IPAsset.objects.none()
        return selectors.assets_for(self.request.user, self.alliance).prefetch_related(
            "ownership_versions__shares__member_unit"
        )

    def get_serializer_class(self):
        return s.AssetDetailOutput if self.action == "retrieve" else s.AssetOutput

    @extend_schema(request=s.AssetInput, responses={201: s.AssetDetailOutput})
    def create(self, request, slug):
        data = s.AssetInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owners = s.owners_of(values.pop("owners"))
        asset = services.asset_register(actor=request.user, alliance=self.alliance, owners=owners, **values)
        return Response(s.AssetDetailOutput(asset, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AssetDetailsInput, responses=s.AssetDetailOutput)
    def partial_update(self, request, slug, pk):
        asset = self.get_object()
        data = s.AssetDetailsInput(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        asset = services.asset_update(actor=request.user, alliance=self.alliance, asset=asset, **data.validated_data)
        return Response(s.AssetDetailOutput(asset, context=self.get_serializer_context()).data)

    @extend_schema(request=s.OwnershipChangeInput, responses={201: s.OwnershipVersionOutput, 202: s.TransferOutput},
                   description="201: the new ownership version. 202: the change hands a government-funded asset to a "
                               "party registered abroad, so a pending transfer waits for the bureau (第十六条(四)).")
    @action(detail=True, methods=["post"])
    def ownership(self, request, slug, pk):
        asset = self.get_object()
        data = s.OwnershipChangeInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        version = services.ownership_change(
            actor=request.user, alliance=self.alliance, asset=asset, owners=s.owners_of(data.validated_data["owners"]),
            valid_from=data.validated_data["valid_from"], reason=data.validated_data["reason"],
        )
        if isinstance(version, Transfer):
            return Response(s.TransferOutput(version).data, status=status.HTTP_202_ACCEPTED)
        return Response(s.OwnershipVersionOutput(version).data, status=status.HTTP_201_CREATED)


class ReceiptsMixin:
    """GET lists the receipts of a licence or transfer; POST records one (once per reference)."""

    receipt_source = "licence"

    def _receipts(self, request, obj):
        if request.method == "GET":
            receipts = selectors.receipts_for(request.user, self.alliance).filter(**{self.receipt_source: obj})
            return self.paginated(receipts, s.ReceiptOutput)
        data = s.RevenueReceiptInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        receipt = services.receipt_record(
            actor=request.user, alliance=self.alliance, **{self.receipt_source: obj}, **data.validated_data
        )
        return Response(s.ReceiptOutput(receipt).data, status=status.HTTP_201_CREATED)


class LicenceViewSet(ReceiptsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    serializer_class = s.LicenceOutput
    filterset_class = LicenceFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            return Licence.objects.none()
        return selectors.licences_for(self.request.user, self.alliance)

    @extend_schema(request=s.LicenceInput, responses={201: s.LicenceOutput})
    def create(self, request, slug):
        data = s.LicenceInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["licensors"] = [(row["member_unit"], row["party_name"]) for row in values["licensors"]]
        values["licensee_name"] = values["licensee_name"].strip()
        licence = services.licence_grant(actor=request.user, alliance=self.alliance, **values)
        return Response(s.LicenceOutput(licence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TerminateInput, responses=s.LicenceOutput)
    @action(detail=True, methods=["post"])
    def terminate(self, request, slug, pk):
        data = s.TerminateInput(data=request.data)
        data.is_valid(raise_exception=True)
        licence = services.licence_terminate(actor=request.user, alliance=self.alliance, licence=self.get_object(),
                                             **data.validated_data)
        return Response(s.LicenceOutput(licence).data)

    @extend_schema(methods=["GET"], request=None, responses=s.ReceiptOutput(many=True))
    @extend_schema(methods=["POST"], request=s.RevenueReceiptInput, responses={201: s.ReceiptOutput})
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def receipts(self, request, slug, pk):
        return self._receipts(request, self.get_object())


class TransferViewSet(ReceiptsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    serializer_class = s.TransferOutput
    filterset_class = TransferFilter
    receipt_source = "transfer"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            return Transfer.objects.none()
        return selectors.transfers_for(self.request.user, self.alliance)

    @extend_schema(request=s.TransferInput, responses={201: s.TransferOutput})
    def create(self, request, slug):
        data = s.TransferInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["transferees"] = s.owners_of(values["transferees"])
        transfer = services.transfer_create(actor=request.user, alliance=self.alliance, **values)
        return Response(s.TransferOutput(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=s.ReceiptOutput(many=True))
    @extend_schema(methods=["POST"], request=s.RevenueReceiptInput, responses={201: s.ReceiptOutput})
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def receipts(self, request, slug, pk):
        return self._receipts(request, self.get_object())


