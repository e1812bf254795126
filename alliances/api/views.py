from dataclasses import asdict

from django.contrib.auth.signals import user_logged_in
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from alliances import access, activity, jobs, login, services
from alliances.api.base import AllianceViewMixin, AllianceViewSet
from alliances.api.pagination import Pagination
from alliances.api.serializers import (
    AllianceOutput,
    AllianceProfileInput,
    InvitationInput,
    RoleGrantOutput,
    SeatInput,
    SeatOutput,
)
from alliances.errors import TooManyAttempts
from alliances.forms import ActivityFilterForm
from alliances.login import LoginFailureThrottle
from alliances.models import Alliance, RoleGrant, Seat, User


class TokenView(ObtainAuthToken):
    """POST username and password, get {"token": "..."}; use as `Authorization: Token <token>`.
    DELETE (with the token) revokes it. Failed logins count towards the account's lockout, shared
    with the login page, and towards the address's ceiling; successful ones are never throttled."""

    throttle_classes = [LoginFailureThrottle]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    def perform_authentication(self, request):
        if request.method != "POST":  # logging in takes only the posted credentials (a stale token is no reason to refuse)
            super().perform_authentication(request)

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            429: OpenApiResponse(description="Too many failed logins: the account is locked (`locked_out`) or the address throttled (`throttled`)"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        # AuthTokenSerializer calls authenticate(request=request, ...): axes sees the attempt.
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if login.is_locked_out(request):
                raise TooManyAttempts(login.locked_out_message())
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token = services.api_token_issue(actor=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)  # axes: a success clears the count
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        services.api_token_revoke(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyAlliancesView(ListAPIView):
    """The alliances the caller holds a role in (a bureau officer: all of them)."""

    serializer_class = AllianceOutput

    def get_queryset(self):
        alliances = Alliance.objects.select_related("host_unit", "responsible_entity")
        if access.is_bureau_officer(self.request.user):
            return alliances.all()
        return alliances.filter(pk__in=access.alliances_of(self.request.user))


class AllianceDetailView(AllianceViewMixin, RetrieveAPIView):
    """The alliance's profile; the secretary-general updates it with PATCH."""

    serializer_class = AllianceOutput
    write_roles = {"secretary_general"}

    def get_object(self):
        return self.request.alliance

    @extend_schema(request=AllianceProfileInput, responses=AllianceOutput)
    def patch(self, request, slug):
        data = AllianceProfileInput(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        alliance = services.alliance_profile_update(actor=request.user, alliance=self.alliance, **data.validated_data)
        return Response(AllianceOutput(alliance).data)


class SeatViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    serializer_class = SeatOutput

    def get_queryset(self):
        return Seat.objects.select_related("organ", "unit").prefetch_related("grants__user")

    @extend_schema(request=SeatInput, responses={201: SeatOutput})
    def create(self, request, slug):
        data = SeatInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        seat = services.seat_create(actor=request.user, alliance=self.alliance, **data.validated_data)
        return Response(SeatOutput(seat).data, status=status.HTTP_201_CREATED)


class RoleGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Who holds which role. The secretariat invites (grants) and revokes; councillors and the bureau read."""

    serializer_class = RoleGrantOutput
    read_roles = access.SECRETARIAT | {"councillor", "auditor"}
    filterset_fields = ["role", "user"]

    def get_queryset(self):
        return RoleGrant.objects.select_related("user", "granted_by", "revoked_by")

    @extend_schema(request=InvitationInput, responses={201: RoleGrantOutput})
    def create(self, request, slug):
        data = InvitationInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        grant = services.person_invite(actor=request.user, alliance=self.alliance, **data.validated_data)
        return Response(RoleGrantOutput(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RoleGrantOutput)
    @action(detail=True, methods=["post"])
    def revoke(self, request, slug, pk):
        grant = services.role_revoke(actor=request.user, alliance=self.alliance, grant=self.get_object())
        return Response(RoleGrantOutput(grant).data)

    @extend_schema(request=None, responses={200: RoleGrantOutput(many=True)})
    @action(detail=False, methods=["post"], url_path="deactivate/<id:user_id>")
    def deactivate(self, request, slug, user_id):
        grants = self.get_queryset().filter(user_id=user_id)
        if not grants.exists():
            from rest_framework.exceptions import NotFound

            raise NotFound()
        person = get_object_or_404(User, pk=user_id)
        services.person_deactivate(actor=request.user, alliance=self.alliance, user=person)
        return Response(RoleGrantOutput(grants, many=True).data)


def _activity_output(**kwargs):
    change = {"field": serializers.CharField(), "before": serializers.CharField(), "after": serializers.CharField()}
    return inline_serializer("Activity", {
        "key": serializers.CharField(), "date": serializers.DateTimeField(), "user_id": serializers.IntegerField(allow_null=True),
        "user": serializers.CharField(), "kind": serializers.CharField(), "kind_label": serializers.CharField(),
        "object_id": serializers.IntegerField(), "object": serializers.CharField(), "action": serializers.CharField(),
        "action_label": serializers.CharField(), "changes": inline_serializer("ActivityChange", change, many=True),
    }, **kwargs)


class ActivityView(AllianceViewMixin, APIView):
    """The alliance's activity log, newest first, with the page's filters: `person` (user id), `kind`
    (`app_label.model_name`), `object` (with `kind`), `date_from`, `date_to`; `page`, `page_size`."""

    read_roles = access.ACTIVITY_READERS
    bureau_reads = False

    @extend_schema(
        operation_id="v1_alliances_activity_list",
        parameters=[OpenApiParameter(name, type=t) for name, t in (
            ("person", int), ("kind", str), ("object", int), ("date_from", OpenApiTypes.DATE),
            ("date_to", OpenApiTypes.DATE), ("page", int), ("page_size", int))],
        responses=inline_serializer("ActivityPage", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True), "results": _activity_output(many=True)}),
    )
    def get(self, request, slug):
        form = ActivityFilterForm(request.query_params, alliance=self.alliance)
        if not form.is_valid():
            raise exceptions.ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        size = Pagination().get_page_size(request)
        raw = request.query_params.get("page", "1")
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise exceptions.ValidationError({"page": [_("页码须为正整数。")]})
        page = int(raw)
        rows, total = activity.activity_page(self.alliance, form.filters(), page, size)
        url = request.build_absolute_uri()
        return Response({
            "count": total,
            "next": replace_query_param(url, "page", page + 1) if page * size < total else None,
            "previous": (replace_query_param(url, "page", page - 1) if page > 2 else remove_query_param(url, "page"))
            if page > 1 else None,
            "results": [asdict(row) for row in rows],
        })


class JobView(AllianceViewMixin, APIView):
    """A long job (an export answered 202): its status and progress; `file` is the download's URL
    once it is done. Seen by whoever may ask for that kind of job in the alliance, else 404."""

    @extend_schema(operation_id="v1_alliances_jobs_retrieve", responses=inline_serializer("Job", {
        "id": serializers.IntegerField(), "kind": serializers.CharField(), "status": serializers.CharField(),
        "status_label": serializers.CharField(), "progress": serializers.IntegerField(),
        "message": serializers.CharField(), "error": serializers.CharField(),
        "file": serializers.URLField(allow_null=True), "created_at": serializers.DateTimeField(),
        "finished_at": serializers.DateTimeField(allow_null=True)}))
    def get(self, request, slug, pk):
        data = jobs.status_of(jobs.visible(request.user, self.alliance, pk))
        if data["file"]:
            data["file"] = request.build_absolute_uri(data["file"])
        return Response(data)
