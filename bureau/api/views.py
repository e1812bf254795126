"""API: the alliance's submissions (/api/v1/alliances/<slug>/submissions/) and the bureau's
console and inbox (/api/v1/bureau/...). Bureau views run with tenant scopes disabled, so each
checks `is_bureau_officer` itself (403 for anyone else) and only the decide action writes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from alliances import access, signing
from alliances.api.base import AllianceViewSet
from alliances.models import Role
from bureau import documents, selectors, services
from bureau.filters import AllianceSubmissionFilter, SubmissionFilter
from bureau.api.serializers import (
    ConsoleRowOutput, DecideInput, SubmissionCreateInput, SubmissionDetailOutput, SubmissionEditInput,
    SubmissionOutput,
)
from bureau.models import Kind, Submission

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}
VERSION_PARAM = OpenApiParameter("version", int, description="版本号（默认最新）")


def _decision(submission, decision_id):
    decision = (submission.decisions.select_related("submission__alliance", "version", "decided_by")
                .filter(pk=decision_id).first())
    if decision is None:
        raise exceptions.NotFound()
    return decision


def _version(submission, request):
    number = request.query_params.get("version")
    versions = submission.versions.all()
    version = versions.filter(number=int(number)).first() if number and number.isdigit() else versions.order_by("-number").first()
    if version is None:
        raise exceptions.NotFound()
    return version


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """The alliance's submissions to the bureau. The secretariat drafts and edits; only the
    secretary-general submits; the council, the auditor and the bureau read."""

    read_roles = access.SECRETARIAT | {Role.COUNCILLOR, access.CHAIR, Role.AUDITOR}
    filterset_class = AllianceSubmissionFilter

    def get_write_roles(self):
        if self.action == "submit":
            return {Role.SECRETARY_GENERAL}
        if self.action == "create":
            return services.DRAFTERS
        return access.SECRETARIAT

    def get_queryset(self):
        return (Submission.objects.select_related("alliance", "created_by", "submitted_by", "subject_type")
                .prefetch_related("versions__submitted_by", "decisions__decided_by", "decisions__version"))

    def get_serializer_class(self):
        return SubmissionDetailOutput if self.action == "retrieve" else SubmissionOutput

    @extend_schema(request=SubmissionCreateInput, responses={201: SubmissionDetailOutput})
    def create(self, request, slug):
        data = SubmissionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        payload, subject = None, None
        if v["kind"] == Kind.ANNUAL_REPORT:
            payload = {"year": v.get("year")}
        elif v["kind"] == Kind.FUND_RELEASE:
            payload, subject = {"amount": v.get("amount")}, v.get("project")
        submission = services.approval_request(
            actor=request.user, alliance=self.alliance, kind=v["kind"], title=v["title"], subject=subject, payload=payload,
        )
        return Response(SubmissionDetailOutput(submission).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SubmissionEditInput, responses=SubmissionDetailOutput)
    def partial_update(self, request, slug, pk):
        data = SubmissionEditInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        submission = services.submission_edit(actor=request.user, alliance=self.alliance, submission=self.get_object(),
                                              **data.validated_data)
        return Response(SubmissionDetailOutput(submission).data)

    @extend_schema(request=None, responses=SubmissionDetailOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request, slug, pk):
        submission = services.submission_submit(actor=request.user, alliance=self.alliance, submission=self.get_object())
        return Response(SubmissionDetailOutput(submission).data)

    @extend_schema(parameters=[VERSION_PARAM, OpenApiParameter("preview", bool)], responses=PDF)
    @action(detail=True, methods=["get"])
    def document(self, request, slug, pk):
        """The frozen PDF (latest version by default); `?preview=1` renders an editable draft from live data."""
        submission = self.get_object()
        if submission.version == 0 or request.query_params.get("preview"):
            if not submission.is_editable:
                raise exceptions.NotFound()
            return signing.pdf_response(documents.preview_pdf(submission), f"preview-{submission.pk}.pdf")
        version = _version(submission, request)
        return signing.pdf_response(documents.signed_document(submission, version),
                                    documents.document_filename(submission, version))

    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"], url_path="decisions/<id:decision_id>/pdf")
    def decision_pdf(self, request, slug, pk, decision_id):
        """The bureau's decision as a PDF signed with the bureau's certificate."""
        decision = _decision(self.get_object(), decision_id)
        return signing.pdf_response(documents.decision_pdf(decision), documents.decision_filename(decision))


class IsBureauOfficer(permissions.BasePermission):
    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        return access.is_bureau_officer(request.user)


class BureauSubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every alliance's submitted submissions (drafts stay with the alliance); filters: alliance
    (slug), kind, status, submitted_after, submitted_before."""

    permission_classes = [IsBureauOfficer]
    filterset_class = SubmissionFilter
    queryset = Submission.objects.none()  # for the schema; the real one is built with scopes disabled

    def get_queryset(self):
        return (selectors.inbox().select_related("subject_type", "created_by")
                .prefetch_related("versions__submitted_by", "decisions__decided_by", "decisions__version"))

    def get_serializer_class(self):
        return SubmissionDetailOutput if self.action == "retrieve" else SubmissionOutput

    @extend_schema(request=DecideInput, responses=SubmissionDetailOutput)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk):
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.submission_decide(actor=request.user, submission=self.get_object(), **data.validated_data)
        return Response(SubmissionDetailOutput(self.get_queryset().get(pk=submission.pk)).data)

    @extend_schema(parameters=[VERSION_PARAM], responses=PDF)
    @action(detail=True, methods=["get"])
    def document(self, request, pk):
        submission = self.get_object()
        version = _version(submission, request)
        return signing.pdf_response(documents.signed_document(submission, version),
                                    documents.document_filename(submission, version))

    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"], url_path="decisions/<id:decision_id>/pdf")
    def decision_pdf(self, request, pk, decision_id):
        """The decision as a PDF signed with the bureau's certificate."""
        decision = _decision(self.get_object(), decision_id)
        return signing.pdf_response(documents.decision_pdf(decision), documents.decision_filename(decision))


class ConsoleView(APIView):
    """Every alliance side by side: status, members by kind, open projects, government funds,
    pending submissions, overdue annual reports."""

    permission_classes = [IsBureauOfficer]

    @extend_schema(responses=ConsoleRowOutput(many=True))
    def get(self, request):
        return Response(ConsoleRowOutput([row.as_dict() for row in selectors.console_rows()], many=True).data)
