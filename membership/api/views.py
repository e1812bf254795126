from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from alliances import access, signing
from alliances.api.base import AllianceViewSet
from membership import documents, selectors, services
from membership.filters import MemberFilter
from membership.api import serializers as s
from membership.models import AccessionAgreement, MemberUnit


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Member units. Secretariat writes (the chair may also sign accession agreements); councillors,
    experts, auditors and the bureau read all units; a representative reads only their own unit."""

    serializer_class = s.MemberOutput
    filterset_class = MemberFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request alliance
            return MemberUnit.objects.none()
        return selectors.visible_units(self.request.user, self.alliance).order_by("name", "id")

    def get_serializer_class(self):
        return s.MemberDetailOutput if self.action == "retrieve" else s.MemberOutput

    def get_write_roles(self):
        if getattr(self, "action", None) == "sign_accession":
            return access.SECRETARIAT | {access.CHAIR}
        return access.SECRETARIAT

    def _detail(self, unit, code=status.HTTP_200_OK):
        unit = self.get_queryset().prefetch_related("transitions__actor", "expulsion_cases__proposed_by", "bars").get(pk=unit.pk)
        return Response(s.MemberDetailOutput(unit).data, status=code)

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=s.MemberInput, responses={201: s.MemberDetailOutput})
    def create(self, request, slug):
        unit = services.member_apply(actor=request.user, alliance=self.alliance, **self._input(s.MemberInput))
        return self._detail(unit, status.HTTP_201_CREATED)

    @extend_schema(request=s.MemberUpdateInput, responses=s.MemberDetailOutput)
    def partial_update(self, request, slug, pk):
        unit = services.member_update(actor=request.user, alliance=self.alliance, unit=self.get_object(),
                                      **self._input(s.MemberUpdateInput))
        return self._detail(unit)

    @extend_schema(request=None, responses=s.MemberDetailOutput)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, slug, pk):
        unit = services.member_review_start(actor=request.user, alliance=self.alliance, unit=self.get_object())
        return self._detail(unit)

    @extend_schema(request=s.AdmissionInput, responses=s.MemberDetailOutput)
    @action(detail=True, methods=["post"], url_path="submit-for-admission")
    def submit_for_admission(self, request, slug, pk):
        unit = services.member_submit_for_admission(
            actor=request.user, alliance=self.alliance, unit=self.get_object(), **self._input(s.AdmissionInput)
        )
        return self._detail(unit)

    @extend_schema(request=s.AccessionInput, responses=s.MemberDetailOutput)
    @action(detail=True, methods=["post"], url_path="sign-accession")
    def sign_accession(self, request, slug, pk):
        unit = services.member_sign_accession(
            actor=request.user, alliance=self.alliance, unit=self.get_object(), **self._input(s.AccessionInput)
        )
        return self._detail(unit)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="accession/pdf")
    def accession_pdf(self, request, slug, pk):
        """The accession record as a PDF signed with the alliance's certificate (404 before signing)."""
        agreement = (AccessionAgreement.objects.select_related("unit", "signatory_unit", "signatory", "recorded_by")
                     .filter(unit=self.get_object()).first())
        if agreement is None:
            raise exceptions.NotFound()
        return signing.pdf_response(documents.accession_pdf(agreement), documents.accession_filename(agreement))

    @extend_schema(request=s.WithdrawRequestInput, responses=s.MemberDetailOutput)
    @action(detail=True, methods=["post"], url_path="request-withdrawal")
    def request_withdrawal(self, request, slug, pk):
        unit = services.member_withdraw_request(
            actor=request.user, alliance=self.alliance, unit=self.get_object(), **self._input(s.WithdrawRequestInput)
        )
        return self._detail(unit)

    @extend_schema(request=s.WithdrawCompleteInput, responses=s.MemberDetailOutput)
    @action(detail=True, methods=["post"], url_path="complete-withdrawal")
    def complete_withdrawal(self, request, slug, pk):
        unit = services.member_withdraw_complete(
            actor=request.user, alliance=self.alliance, unit=self.get_object(), **self._input(s.WithdrawCompleteInput)
        )
        return self._detail(unit)

    @extend_schema(request=s.ExpelInput, responses=s.MemberDetailOutput)
    @action(detail=True, methods=["post"], url_path="propose-expulsion")
    def propose_expulsion(self, request, slug, pk):
        case = services.member_expel_propose(
            actor=request.user, alliance=self.alliance, unit=self.get_object(), **self._input(s.ExpelInput)
        )
        return self._detail(case.unit)

    @extend_schema(request=s.BarInput, responses=s.MemberDetailOutput)
    @action(detail=True, methods=["post"], url_path="bar")
    def bar(self, request, slug, pk):
        unit = self.get_object()
        services.member_bar_record(actor=request.user, alliance=self.alliance, unit=unit, **self._input(s.BarInput))
        return self._detail(unit)

    @extend_schema(responses=s.CountsOutput)
    @action(detail=False, methods=["get"])
    def counts(self, request, slug):
        """Current members by kind (附件1)."""
        return Response(selectors.member_counts_by_kind(self.alliance))
