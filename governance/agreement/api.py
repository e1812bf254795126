"""The agreement's API, mounted under /api/v1/alliances/<slug>/: `agreement/` (the version in force,
its clauses and signatures) and `agreement/versions/` (drafts, amendments, signing, the diff, the PDF)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from alliances import access, signing
from alliances.api.base import AllianceViewMixin, AllianceViewSet
from alliances.api.fields import ScopedRelatedField
from alliances.api.inputs import Input
from alliances.models import Role
from governance.agreement import clauses as c
from governance.agreement import documents, selectors, services
from governance.agreement.models import STATE_LABELS, AgreementSignature, AgreementVersion
from governance.api.serializers import MotionDetailOutput
from membership.models import MemberUnit

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


class AgreementSignatureOutput(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    capacity_label = serializers.CharField(source="get_capacity_display")
    has_proxy_letter = serializers.SerializerMethodField()

    class Meta:
        model = AgreementSignature
        fields = ["id", "unit", "unit_name", "signer_name", "capacity", "capacity_label", "has_proxy_letter", "signed_on",
                  "sequence", "hash"]

    def get_has_proxy_letter(self, signature) -> bool:
        return bool(signature.proxy_letter)


class AgreementVersionOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    state = serializers.SerializerMethodField()
    state_label = serializers.SerializerMethodField()
    based_on = serializers.IntegerField(source="based_on.number", allow_null=True, default=None)
    missing = serializers.SerializerMethodField()

    class Meta:
        model = AgreementVersion
        fields = ["number", "status", "status_label", "state", "state_label", "note", "based_on", "effective_on",
                  "motion", "resolution_number", "adopted_at", "created_at", "missing"]

    def get_state(self, version) -> str:
        return version.state(self.context.get("in_force"))

    def get_state_label(self, version) -> str:
        state = self.get_state(version)
        return str(STATE_LABELS.get(state) or AgreementVersion.Status(state).label)

    def get_missing(self, version) -> list[str]:
        return c.missing(version.clauses)


class AgreementVersionDetailOutput(AgreementVersionOutput):
    clauses = serializers.JSONField()
    sections = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    rules = serializers.SerializerMethodField()

    class Meta(AgreementVersionOutput.Meta):
        fields = AgreementVersionOutput.Meta.fields + ["clauses", "sections", "parties", "signatures", "rules"]

    def get_sections(self, version) -> list[dict]:
        return c.readable(version.clauses, selectors.unit_names(version.alliance))

    def get_parties(self, version) -> list[dict]:
        return selectors.party_rows(version)

    def get_signatures(self, version) -> list[dict]:
        return AgreementSignatureOutput(selectors.signatures(version), many=True).data

    def get_rules(self, version) -> dict:
        return c.rules_of(version.clauses)


class AgreementDraftInput(Input):
    clauses = serializers.JSONField(required=False, default=dict)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)


class AgreementProposeInput(Input):
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AgreementSignInput(Input):
    unit = ScopedRelatedField(model=MemberUnit)
    signer_name = serializers.CharField(max_length=100)
    capacity = serializers.ChoiceField(choices=AgreementSignature.Capacity.choices)
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    proxy_letter = serializers.FileField(required=False, allow_null=True, default=None)


class AgreementOutput(serializers.Serializer):
    in_force = AgreementVersionDetailOutput(allow_null=True, help_text="the version in force; null while none is")
    problems = serializers.ListField(child=serializers.CharField(), help_text="what keeps the agreement from the bureau")


class AgreementView(AllianceViewMixin, generics.GenericAPIView):
    """The agreement in force (null while none is), with what keeps it from the bureau."""

    @extend_schema(responses=AgreementOutput)
    def get(self, request, slug):
        version = selectors.in_force(self.alliance)
        data = AgreementVersionDetailOutput(version, context={"in_force": version.number}).data if version else None
        return Response({"in_force": data, "problems": [str(p) for p in selectors.problems(self.alliance)]})


class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Versions of the agreement. The secretariat drafts (POST), edits a draft (PATCH), opens the
    founding version for signature and puts an amendment to the council (`propose/`); the parties sign."""

    lookup_field = "number"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_write_roles(self):
        return access.SECRETARIAT | {Role.REPRESENTATIVE} if self.action == "sign" else access.SECRETARIAT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return AgreementVersion.objects.none()
        return AgreementVersion.objects.select_related("based_on")

    def get_serializer_class(self):
        return AgreementVersionDetailOutput if self.action == "retrieve" else AgreementVersionOutput

    def get_serializer_context(self):
        return super().get_serializer_context() | {"in_force": selectors.in_force_number(self.alliance)}

    def _detail(self, version, code=status.HTTP_200_OK):
        version = self.get_queryset().get(pk=version.pk)
        return Response(AgreementVersionDetailOutput(version, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=AgreementDraftInput, responses={201: AgreementVersionDetailOutput})
    def create(self, request, slug):
        data = AgreementDraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.agreement_draft(actor=request.user, alliance=self.alliance, **data.validated_data)
        return self._detail(version, status.HTTP_201_CREATED)

    @extend_schema(request=AgreementDraftInput, responses=AgreementVersionDetailOutput)
    def partial_update(self, request, slug, number):
        data = AgreementDraftInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        version = services.agreement_draft_update(actor=request.user, alliance=self.alliance, version=self.get_object(),
                                                  **data.validated_data)
        return self._detail(version)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def diff(self, request, slug, number):
        """The clauses this version changes against the one it amends (the founding version: against nothing)."""
        version = self.get_object()
        base = version.based_on
        return Response({"number": version.number, "based_on": base.number if base else None,
                         "changes": c.diff(base.clauses if base else {}, version.clauses, selectors.unit_names(self.alliance))})

    @extend_schema(request=None, responses=AgreementVersionDetailOutput)
    @action(detail=True, methods=["post"], url_path="open-for-signature")
    def open_for_signature(self, request, slug, number):
        version = services.agreement_open_for_signature(actor=request.user, alliance=self.alliance, version=self.get_object())
        return self._detail(version)

    @extend_schema(request=AgreementProposeInput, responses={201: MotionDetailOutput})
    @action(detail=True, methods=["post"])
    def propose(self, request, slug, number):
        data = AgreementProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        motion = services.agreement_propose(actor=request.user, alliance=self.alliance, version=self.get_object(),
                                            **data.validated_data)
        motion = type(motion).objects.select_related("charter", "subject_type", "sealed_result", "resolution_record").get(pk=motion.pk)
        return Response(MotionDetailOutput(motion, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": AgreementSignInput, "application/json": AgreementSignInput}, responses={201: AgreementSignatureOutput})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, JSONParser])
    def sign(self, request, slug, number):
        data = AgreementSignInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        signature = services.agreement_sign(actor=request.user, alliance=self.alliance, version=self.get_object(),
                                            **data.validated_data)
        return Response(AgreementSignatureOutput(signature).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request, slug, number):
        """The version with its parties and signatures, signed (PAdES) with the alliance's certificate."""
        version = self.get_object()
        return signing.pdf_response(documents.version_pdf(version), documents.version_filename(version))
