"""API of the staged review (/api/v1/bureau/reviews/, /api/v1/bureau/lists/). Bureau officers read
every review and act where their office decides (the services answer 403 otherwise); an invited
expert reads the reviews it was asked to and gives its opinion."""

from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliances import access, signing
from alliances.api.inputs import Input
from bureau.review import documents, services
from bureau.review.models import ExpertInvitation, PublishedList, ReviewExpert, StageOpinion


class StageOpinionOutput(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name")
    stage = serializers.CharField(source="get_stage_display")
    outcome = serializers.CharField(help_text="passed / returned / rejected")
    decided_by = serializers.CharField(source="decided_by.username")

    class Meta:
        model = StageOpinion
        fields = ["id", "round", "stage", "office", "outcome", "opinion", "decided_by", "decided_at"]


class ReviewInvitationOutput(serializers.ModelSerializer):
    expert = serializers.CharField(source="expert.username")

    class Meta:
        model = ExpertInvitation
        fields = ["id", "round", "expert", "excluded", "exclusion_reason", "invited_at", "binding_opinion",
                  "goals_opinion", "item7_opinion", "answered_at"]


class ReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    alliance = serializers.CharField(source="alliance.slug")
    submission = serializers.IntegerField(source="submission_id")
    title = serializers.CharField(source="submission.title")
    status = serializers.CharField(source="submission.status")
    stage = serializers.CharField(help_text="business / general / expert / confirmation / confirmed / published / filed")
    stage_label = serializers.CharField(source="get_stage_display")
    round = serializers.IntegerField()
    business_office = serializers.CharField(source="business_office.name", default="")
    recognition_number = serializers.CharField()
    confirmed_on = serializers.DateField(allow_null=True)
    published_list = serializers.IntegerField(source="published_list_id", allow_null=True)
    filed_on = serializers.DateField(allow_null=True)
    filing_reference = serializers.CharField()
    opinions = StageOpinionOutput(many=True, source="opinions.all")
    invitations = serializers.SerializerMethodField()

    def get_invitations(self, obj) -> list[dict]:
        user = self.context["request"].user
        rows = obj.invitations.all()
        if not access.is_bureau_officer(user):
            rows = rows.filter(expert=user)
        return ReviewInvitationOutput(rows, many=True).data


class StageDecideInput(Input):
    outcome = serializers.ChoiceField(choices=StageOpinion.Outcome.choices)
    opinion = serializers.CharField(max_length=20000)


class InviteInput(Input):
    expert = serializers.CharField(max_length=150, help_text="the expert's username")


class ExpertOpinionInput(Input):
    binding_opinion = serializers.CharField(max_length=20000)
    goals_opinion = serializers.CharField(max_length=20000)
    item7_opinion = serializers.CharField(max_length=20000)


class ReviewOpinionInput(Input):
    opinion = serializers.CharField(max_length=20000)


class FilingInput(Input):
    filed_on = serializers.DateField()
    reference = serializers.CharField(max_length=100)


class ListOutput(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.username")
    alliances = serializers.SerializerMethodField()

    class Meta:
        model = PublishedList
        fields = ["id", "title", "number", "published_on", "notice", "published_by", "alliances"]

    def get_alliances(self, obj) -> list[dict]:
        rows = sorted(obj.reviews.all(), key=lambda r: r.recognition_number)  # prefetched with the alliances
        return [{"slug": r.alliance.slug, "name": r.alliance.name, "recognition_number": r.recognition_number}
                for r in rows]


class ListInput(Input):
    title = serializers.CharField(max_length=200)
    number = serializers.CharField(max_length=60)
    published_on = serializers.DateField()
    notice = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    reviews = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)


class IsBureauOfficer(permissions.BasePermission):
    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        return access.is_bureau_officer(request.user)


class IsReviewer(IsBureauOfficer):
    """A bureau officer, or an expert of the bureau's pool."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) or ReviewExpert.objects.filter(user=request.user).exists()


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsReviewer]
    serializer_class = ReviewOutput
    queryset = PublishedList.objects.none()  # for the schema; the real one is built with scopes disabled

    def get_queryset(self):
        return services.reviews_for(self.request.user).prefetch_related("opinions__office", "opinions__decided_by",
                                                                        "invitations__expert").order_by("-id")

    def get_object(self):
        with scopes_disabled():
            return super().get_object()

    def list(self, request, *args, **kwargs):
        with scopes_disabled():
            return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        with scopes_disabled():
            return super().retrieve(request, *args, **kwargs)

    def _answer(self, review):
        with scopes_disabled():
            return Response(ReviewOutput(self.get_queryset().get(pk=review.pk), context={"request": self.request}).data)

    @extend_schema(request=StageDecideInput, responses=ReviewOutput)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk):
        """The office of the current stage passes, returns (with reasons) or rejects, with its opinion."""
        v = _valid(StageDecideInput, request)
        return self._answer(services.stage_decide(actor=request.user, review=self.get_object(), **v))

    @extend_schema(request=InviteInput, responses={201: ReviewInvitationOutput})
    @action(detail=True, methods=["post"])
    def experts(self, request, pk):
        """Invite an expert of the bureau's pool; a conflicted one is recorded as excluded (回避)."""
        v = _valid(InviteInput, request)
        expert = get_user_model().objects.filter(username=v["expert"]).first()
        invitation = services.expert_invite(actor=request.user, review=self.get_object(), expert=expert)
        return Response(ReviewInvitationOutput(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExpertOpinionInput, responses=ReviewInvitationOutput)
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk):
        """The invited expert's opinion on 第十二条's three points."""
        v = _valid(ExpertOpinionInput, request)
        review = self.get_object()
        with scopes_disabled():
            invitation = review.invitations.filter(round=review.round, expert=request.user).first()
        if invitation is None:
            raise exceptions.PermissionDenied()
        return Response(ReviewInvitationOutput(services.expert_opinion(actor=request.user, invitation=invitation, **v)).data)

    @extend_schema(request=ReviewOpinionInput, responses=ReviewOutput)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk):
        """The head of 政策法规处 confirms: a recognition number, the alliance recognised."""
        v = _valid(ReviewOpinionInput, request)
        return self._answer(services.recognition_confirm(actor=request.user, review=self.get_object(), **v))

    @extend_schema(request=FilingInput, responses=ReviewOutput)
    @action(detail=True, methods=["post"])
    def filing(self, request, pk):
        """报科技部备案: the filing date and reference."""
        v = _valid(FilingInput, request)
        return self._answer(services.filing_record(actor=request.user, review=self.get_object(), **v))


def _valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class ListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsBureauOfficer]
    serializer_class = ListOutput
    queryset = PublishedList.objects.select_related("published_by").prefetch_related("reviews__alliance")

    def list(self, request, *args, **kwargs):
        with scopes_disabled():  # the lists span alliances
            return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        with scopes_disabled():
            return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=ListInput, responses={201: ListOutput})
    def create(self, request):
        v = _valid(ListInput, request)
        with scopes_disabled():
            reviews = list(services.reviews_for(request.user).filter(pk__in=v.pop("reviews")))
        published = services.list_publish(actor=request.user, reviews=reviews, **v)
        with scopes_disabled():
            return Response(ListOutput(published).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def notice(self, request, pk):
        """The printable notice of the list, signed with the bureau's certificate."""
        published = self.get_object()
        return signing.pdf_response(documents.notice_pdf(published), documents.notice_filename(published))
