"""Governance API: thin views, one service call per write."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from alliances import access, signing
from alliances.api.base import AllianceViewSet
from alliances.errors import ValidationFailed
from alliances.models import Role
from governance import documents, meeting_changes, selectors, services
from governance.filters import (ConsultationFilter, MeetingFilter, MotionFilter, NotificationFilter, ResolutionFilter,
                                 SealedResultFilter)
from governance.api import serializers as s
from governance.models import CharterVersion, Consultation, Meeting, Motion, Notification, Resolution, SealedResult

COUNCIL_PAPERS = access.SECRETARIAT | {Role.COUNCILLOR, "chair", Role.AUDITOR}
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


class MotionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Council motions. The secretariat creates, opens and closes; councillors vote (`POST votes/`)."""

    read_roles = COUNCIL_PAPERS
    filterset_class = MotionFilter

    def get_write_roles(self):
        return {Role.COUNCILLOR} if self.action == "votes" else access.SECRETARIAT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return Motion.objects.none()
        return Motion.objects.select_related("charter", "subject_type", "sealed_result", "resolution_record")

    def get_serializer_class(self):
        return s.MotionDetailOutput if self.action == "retrieve" else s.MotionOutput

    def _detail(self, motion, code=status.HTTP_200_OK):
        motion = self.get_queryset().get(pk=motion.pk)
        return Response(s.MotionDetailOutput(motion, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.MotionInput, responses={201: s.MotionDetailOutput})
    def create(self, request, slug):
        data = s.MotionInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        motion = services.motion_create(actor=request.user, alliance=self.alliance, **data.validated_data)
        return self._detail(motion, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.MotionDetailOutput)
    @action(detail=True, methods=["post"])
    def open(self, request, slug, pk):
        motion = services.motion_open(actor=request.user, alliance=self.alliance, motion=self.get_object())
        return self._detail(motion)

    @extend_schema(request={"multipart/form-data": s.UploadInput}, responses={201: s.UploadOutput})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, slug, pk):
        data = s.UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.motion_attach(actor=request.user, alliance=self.alliance, motion=self.get_object(), **data.validated_data)
        return Response(s.UploadOutput(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VoteInput, responses={201: s.VoteOutput})
    @action(detail=True, methods=["post"])
    def votes(self, request, slug, pk):
        data = s.VoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        ballot = services.vote_cast(actor=request.user, alliance=self.alliance, motion=self.get_object(), choice=data.validated_data["choice"])
        return Response(s.VoteOutput(ballot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.MotionDetailOutput)
    @action(detail=True, methods=["post"])
    def close(self, request, slug, pk):
        motion = services.motion_close(actor=request.user, alliance=self.alliance, motion=self.get_object())
        return self._detail(motion)


class ResolutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Numbered resolutions: every role of the alliance and the bureau read them. No writes."""

    serializer_class = s.ResolutionOutput
    http_method_names = ["get", "head", "options"]
    filterset_class = ResolutionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return Resolution.objects.none()
        return Resolution.objects.select_related("motion__sealed_result")

    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request, slug, pk):
        """The resolution as a PDF signed (PAdES) with the alliance's certificate."""
        resolution = self.get_object()
        return signing.pdf_response(documents.resolution_pdf(resolution), documents.resolution_filename(resolution))


class SealedResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """The sealed chain, read-only (no update or delete path)."""

    serializer_class = s.SealedResultOutput
    read_roles = COUNCIL_PAPERS
    http_method_names = ["get", "head", "options"]
    filterset_class = SealedResultFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return SealedResult.objects.none()
        return SealedResult.objects.all()


class CharterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Charter versions: the voting rules, derived from the agreement's decision-rules clause (read
    only). POST answers 400: the rules change only by an agreement amendment (`agreement/versions/`)."""

    serializer_class = s.CharterOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return CharterVersion.objects.none()
        services.current_charter(self.alliance)
        return CharterVersion.objects.all()

    @extend_schema(request=None, responses={400: OpenApiResponse(
        description="Always: the rules change only by amending the agreement (agreement/versions/)")})
    def create(self, request, slug):
        raise ValidationFailed(fields={"thresholds": [_(
            "表决规则由联盟协议的议事规则条款规定，只能通过修改联盟协议变更（agreement/versions/）。")]})


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    read_roles = COUNCIL_PAPERS
    filterset_class = MeetingFilter

    def get_write_roles(self):
        return {Role.SECRETARY_GENERAL, "chair"} if self.action == "minutes_approve" else access.SECRETARIAT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return Meeting.objects.none()
        return Meeting.objects.all()

    def get_serializer_class(self):
        return s.MeetingDetailOutput if self.action == "retrieve" else s.MeetingOutput

    def _detail(self, meeting, code=status.HTTP_200_OK):
        meeting = Meeting.objects.prefetch_related("agenda", "attendance").get(pk=meeting.pk)
        return Response(s.MeetingDetailOutput(meeting).data, status=code)

    @extend_schema(request=s.MeetingInput, responses={201: s.MeetingDetailOutput})
    def create(self, request, slug):
        data = s.MeetingInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(services.meeting_create(actor=request.user, alliance=self.alliance, **data.validated_data), status.HTTP_201_CREATED)

    @extend_schema(request=s.MeetingUpdateInput, responses=s.MeetingDetailOutput)
    def partial_update(self, request, slug, pk):
        data = s.MeetingUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        meeting = meeting_changes.meeting_update(actor=request.user, alliance=self.alliance, meeting=self.get_object(),
                                                 **data.validated_data)
        return self._detail(meeting)

    @extend_schema(request=None, responses=s.MeetingDetailOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request, slug, pk):
        """Cancel a scheduled meeting: its calendar event keeps its UID and turns CANCELLED."""
        return self._detail(meeting_changes.meeting_cancel(actor=request.user, alliance=self.alliance, meeting=self.get_object()))

    @extend_schema(request=s.AgendaItemInput, responses={201: s.MeetingDetailOutput})
    @action(detail=True, methods=["post"])
    def agenda(self, request, slug, pk):
        data = s.AgendaItemInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        meeting = self.get_object()
        services.agenda_item_add(actor=request.user, alliance=self.alliance, meeting=meeting, **data.validated_data)
        return self._detail(meeting, status.HTTP_201_CREATED)

    @extend_schema(request=s.AttendanceInput, responses=s.MeetingDetailOutput)
    @action(detail=True, methods=["post"])
    def attendance(self, request, slug, pk):
        data = s.AttendanceInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        meeting = services.attendance_record(
            actor=request.user, alliance=self.alliance, meeting=self.get_object(),
            present_seats=data.validated_data["present"], absent_seats=data.validated_data["absent"],
        )
        return self._detail(meeting)

    @extend_schema(request=s.MinutesInput, responses=s.MeetingDetailOutput)
    @action(detail=True, methods=["post"])
    def minutes(self, request, slug, pk):
        data = s.MinutesInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.minutes_draft(actor=request.user, alliance=self.alliance, meeting=self.get_object(), text=data.validated_data["text"])
        return self._detail(meeting)

    @extend_schema(request=None, responses=s.MeetingDetailOutput)
    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"], url_path="minutes/pdf")
    def minutes_pdf(self, request, slug, pk):
        """The approved minutes as a PDF signed with the alliance's certificate (404 before approval)."""
        meeting = self.get_object()
        return signing.pdf_response(documents.minutes_pdf(meeting), documents.minutes_filename(meeting))

    @action(detail=True, methods=["post"], url_path="minutes/approve")
    def minutes_approve(self, request, slug, pk):
        return self._detail(services.minutes_approve(actor=request.user, alliance=self.alliance, meeting=self.get_object()))

    @extend_schema(request=None, responses=s.MeetingDetailOutput)
    @action(detail=True, methods=["post"], url_path="minutes/lock")
    def minutes_lock(self, request, slug, pk):
        return self._detail(services.minutes_lock(actor=request.user, alliance=self.alliance, meeting=self.get_object()))


class ConsultationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Expert consultations: an expert sees only those they were asked in, and answers with `POST opinions/`."""

    read_roles = access.SECRETARIAT | {Role.EXPERT, Role.COUNCILLOR, "chair"}
    filterset_class = ConsultationFilter

    def get_write_roles(self):
        return {Role.EXPERT} if self.action == "opinions" else access.SECRETARIAT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return Consultation.objects.none()
        return selectors.consultations_visible_to(self.request.user, self.roles())

    def get_serializer_class(self):
        return s.ConsultationDetailOutput if self.action == "retrieve" else s.ConsultationOutput

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["sees_all_opinions"] = bool(self.roles() & access.SECRETARIAT) or access.is_bureau_officer(self.request.user)
        return context

    def _detail(self, consultation, code=status.HTTP_200_OK):
        return Response(s.ConsultationDetailOutput(consultation, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.ConsultationInput, responses={201: s.ConsultationDetailOutput})
    def create(self, request, slug):
        data = s.ConsultationInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        consultation = services.consultation_create(actor=request.user, alliance=self.alliance, **data.validated_data)
        return self._detail(consultation, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": s.UploadInput}, responses={201: s.UploadOutput})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def documents(self, request, slug, pk):
        data = s.UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.consultation_document_add(
            actor=request.user, alliance=self.alliance, consultation=self.get_object(), **data.validated_data
        )
        return Response(s.UploadOutput(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OpinionInput, responses={201: s.OpinionOutput})
    @action(detail=True, methods=["post"])
    def opinions(self, request, slug, pk):
        data = s.OpinionInput(data=request.data)
        data.is_valid(raise_exception=True)
        opinion = services.opinion_submit(actor=request.user, alliance=self.alliance, consultation=self.get_object(), **data.validated_data)
        return Response(s.OpinionOutput(opinion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ConsultationCloseInput, responses=s.ConsultationDetailOutput)
    @action(detail=True, methods=["post"])
    def close(self, request, slug, pk):
        data = s.ConsultationCloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = services.consultation_close(
            actor=request.user, alliance=self.alliance, consultation=self.get_object(), summary=data.validated_data["summary"]
        )
        return self._detail(consultation)


class NotificationViewSet(mixins.ListModelMixin, AllianceViewSet):
    """The caller's own inbox."""

    serializer_class = s.NotificationOutput
    filterset_class = NotificationFilter

    def get_write_roles(self):
        return access.ALL_ROLES

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user)

    @extend_schema(request=None, responses=s.NotificationOutput)
    @action(detail=True, methods=["post"])
    def read(self, request, slug, pk):
        notification = services.notification_read(actor=request.user, alliance=self.alliance, notification=self.get_object())
        return Response(s.NotificationOutput(notification).data)
