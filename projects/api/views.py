"""Projects API under /api/v1/alliances/<slug>/projects/: thin views, one service call per write."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from alliances import access
from alliances.api.base import AllianceViewSet
from alliances.api.parsers import JSONParser
from alliances.models import Role
from projects import selectors, services
from projects.filters import ExpenseFilter, ProjectFilter
from projects.api import serializers as s
from projects.models import Adjustment, BudgetLine, Document, Expense, IPAgreement, Milestone, Participant, Project, Result

OK = s.ProjectDetailOutput


def _detail_queryset(queryset):
    return queryset.select_related("lead_unit", "ip_agreement").prefetch_related(
        "participants__unit", "budget_lines", "milestones", "ip_agreement__shares__participant__unit",
    )


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AllianceViewSet):
    """Projects and their lifecycle. Representatives see only the projects their unit takes part in."""

    filterset_class = ProjectFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return Project.objects.with_scopes_disabled().none()
        return selectors.projects_for(self.request.user, self.alliance)

    def get_serializer_class(self):
        return s.ProjectOutput if self.action == "list" else s.ProjectDetailOutput

    def retrieve(self, request, *args, **kwargs):
        return Response(OK(_detail_queryset(self.get_queryset()).get(pk=self.get_object().pk)).data)

    def _done(self, project, code=status.HTTP_200_OK):
        with_detail = _detail_queryset(Project.objects.all()).get(pk=project.pk)
        return Response(OK(with_detail).data, status=code)

    def _input(self, serializer_class, partial=False):
        data = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    def _call(self, service, **kwargs):
        return service(actor=self.request.user, alliance=self.alliance, **kwargs)

    @extend_schema(request=s.ProjectInput, responses={201: OK})
    def create(self, request, slug):
        return self._done(self._call(services.project_create, **self._input(s.ProjectInput)), status.HTTP_201_CREATED)

    @extend_schema(request=s.ProjectUpdateInput, responses=OK)
    def partial_update(self, request, slug, pk):
        return self._done(self._call(services.project_update, project=self.get_object(), **self._input(s.ProjectUpdateInput, True)))

    @extend_schema(request=None, responses=OK)
    @action(detail=True, methods=["post"])
    def submit(self, request, slug, pk):
        return self._done(self._call(services.project_submit, project=self.get_object()))

    @extend_schema(request=s.ReturnInput, responses=OK)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, slug, pk):
        return self._done(self._call(services.project_return, project=self.get_object(), **self._input(s.ReturnInput)))

    @extend_schema(request=s.ReviewInput, responses=OK)
    @action(detail=True, methods=["post"])
    def review(self, request, slug, pk):
        return self._done(self._call(services.project_review_open, project=self.get_object(), **self._input(s.ReviewInput)))

    @extend_schema(request=s.CouncilReferInput, responses=OK)
    @action(detail=True, methods=["post"], url_path="refer-council")
    def refer_council(self, request, slug, pk):
        return self._done(self._call(services.project_council_refer, project=self.get_object(), **self._input(s.CouncilReferInput)))

    @extend_schema(request=None, responses=OK)
    @action(detail=True, methods=["post"], url_path="refer-bureau")
    def refer_bureau(self, request, slug, pk):
        return self._done(self._call(services.project_bureau_refer, project=self.get_object()))

    @extend_schema(request=None, responses=OK)
    @action(detail=True, methods=["post"])
    def start(self, request, slug, pk):
        return self._done(self._call(services.project_start, project=self.get_object()))

    @extend_schema(request=s.AcceptanceRequestInput, responses=OK)
    @action(detail=True, methods=["post"], url_path="request-acceptance")
    def request_acceptance(self, request, slug, pk):
        return self._done(self._call(services.acceptance_request, project=self.get_object(), **self._input(s.AcceptanceRequestInput)))

    @extend_schema(request=s.ReviewInput, responses=OK)
    @action(detail=True, methods=["post"], url_path="acceptance-panel")
    def acceptance_panel(self, request, slug, pk):
        return self._done(self._call(services.acceptance_review_open, project=self.get_object(), **self._input(s.ReviewInput)))

    @extend_schema(request=s.AcceptanceInput, responses=OK)
    @action(detail=True, methods=["post"])
    def acceptance(self, request, slug, pk):
        return self._done(self._call(services.acceptance_record, project=self.get_object(), **self._input(s.AcceptanceInput)))

    @extend_schema(request=None, responses=OK)
    @action(detail=True, methods=["post"])
    def close(self, request, slug, pk):
        return self._done(self._call(services.project_close, project=self.get_object()))

    @extend_schema(methods=["GET"], request=None, responses=s.IPAgreementOutput)
    @extend_schema(methods=["PUT"], request=s.IPAgreementInput, responses=s.IPAgreementOutput)
    @action(detail=True, methods=["get", "put"], url_path="ip-agreement")
    def ip_agreement(self, request, slug, pk):
        project = self.get_object()
        if request.method == "PUT":
            data = self._input(s.IPAgreementInput)
            shares = [(row["participant"], row["share"]) for row in data.pop("shares")]
            agreement = self._call(services.ip_agreement_set, project=project, shares=shares, **data)
        else:
            agreement = IPAgreement.objects.filter(project=project).first()
            if agreement is None:
                return Response({"licensing": "", "revenue_sharing": "", "on_dissolution": "", "on_withdrawal": "", "outside_owners": "",
                                 "shares": [], "gaps": [str(g) for g in selectors.ip_agreement_gaps(project)]})
        return Response(s.IPAgreementOutput(agreement).data)

    @extend_schema(request=None, responses=s.BudgetVsActualOutput)
    @action(detail=True, methods=["get"], url_path="budget-vs-actual")
    def budget_vs_actual(self, request, slug, pk):
        return Response(s.BudgetVsActualOutput(selectors.budget_vs_actual(self.get_object())).data)

    @extend_schema(request=None, responses=s.EventOutput(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, slug, pk):
        return self.paginated(self.get_object().events.select_related("actor"), s.EventOutput)

    @extend_schema(request=None, responses=s.VersionOutput(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, slug, pk):
        return self.paginated(self.get_object().versions.all(), s.VersionOutput)


class ProjectChildViewSet(AllianceViewSet):
    """Rows of one project, at /projects/<project_pk>/<rows>/; the project must be visible to the caller."""

    model = None

    def get_project(self) -> Project:
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(selectors.projects_for(self.request.user, self.alliance), pk=self.kwargs["project_pk"])
        return self._project

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return self.model.objects.with_scopes_disabled().none()
        return self.model.objects.filter(project=self.get_project())

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    def _call(self, service, **kwargs):
        return service(actor=self.request.user, alliance=self.alliance, **kwargs)


class ParticipantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    model = Participant
    serializer_class = s.ParticipantOutput

    def get_queryset(self):
        return super().get_queryset().select_related("unit")

    @extend_schema(request=s.ParticipantInput, responses={201: s.ParticipantOutput})
    def create(self, request, slug, project_pk):
        participant = self._call(services.participant_add, project=self.get_project(), **self._input(s.ParticipantInput))
        return Response(s.ParticipantOutput(participant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ParticipantUpdateInput, responses=s.ParticipantOutput)
    def partial_update(self, request, slug, project_pk, pk):
        participant = self._call(services.participant_update, participant=self.get_object(), **self._input(s.ParticipantUpdateInput))
        return Response(s.ParticipantOutput(participant).data)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, slug, project_pk, pk):
        self._call(services.participant_remove, participant=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.WithdrawalInput, responses={201: s.AdjustmentOutput})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug, project_pk, pk):
        adjustment = self._call(services.withdrawal_request, participant=self.get_object(), **self._input(s.WithdrawalInput))
        return Response(s.AdjustmentOutput(adjustment).data, status=status.HTTP_201_CREATED)


class BudgetLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    model = BudgetLine
    serializer_class = s.BudgetLineOutput

    @extend_schema(request=s.BudgetLineInput, responses={201: s.BudgetLineOutput})
    def create(self, request, slug, project_pk):
        line = self._call(services.budget_line_add, project=self.get_project(), **self._input(s.BudgetLineInput))
        return Response(s.BudgetLineOutput(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, slug, project_pk, pk):
        self._call(services.budget_line_remove, line=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    model = Milestone
    serializer_class = s.MilestoneOutput

    def get_write_roles(self):
        # Representatives of participating units report milestones; the service checks the unit.
        if self.action == "report":
            return access.SECRETARIAT | {Role.REPRESENTATIVE}
        return access.SECRETARIAT

    @extend_schema(request=s.MilestoneInput, responses={201: s.MilestoneOutput})
    def create(self, request, slug, project_pk):
        milestone = self._call(services.milestone_add, project=self.get_project(), **self._input(s.MilestoneInput))
        return Response(s.MilestoneOutput(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, slug, project_pk, pk):
        self._call(services.milestone_remove, milestone=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.ReportInput, responses=s.MilestoneOutput)
    @action(detail=True, methods=["post"])
    def report(self, request, slug, project_pk, pk):
        milestone = self._call(services.milestone_report, milestone=self.get_object(), **self._input(s.ReportInput))
        return Response(s.MilestoneOutput(milestone).data)


class ExpenseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    model = Expense
    serializer_class = s.ExpenseOutput
    filterset_class = ExpenseFilter

    @extend_schema(request=s.ExpenseInput, responses={201: s.ExpenseOutput})
    def create(self, request, slug, project_pk):
        expense = self._call(services.expense_record, project=self.get_project(), **self._input(s.ExpenseInput))
        return Response(s.ExpenseOutput(expense).data, status=status.HTTP_201_CREATED)


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    model = Document
    serializer_class = s.DocumentOutput
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return super().get_queryset().select_related("alliance")

    @extend_schema(request={"multipart/form-data": s.DocumentInput}, responses={201: s.DocumentOutput})
    def create(self, request, slug, project_pk):
        document = self._call(services.document_add, project=self.get_project(), **self._input(s.DocumentInput))
        return Response(s.DocumentOutput(document, context={"request": request}).data, status=status.HTTP_201_CREATED)


class AdjustmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    """Changes, revocation and withdrawals of a running project (第十九条)."""

    model = Adjustment
    serializer_class = s.AdjustmentOutput

    @extend_schema(request=s.AdjustmentInput, responses={201: s.AdjustmentOutput})
    def create(self, request, slug, project_pk):
        data = self._input(s.AdjustmentInput)
        tasks = [(row["participant"], row["tasks"]) for row in data.pop("tasks", None) or []]
        adjustment = self._call(services.adjustment_propose, project=self.get_project(), tasks=tasks, **data)
        return Response(s.AdjustmentOutput(adjustment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.AdjustmentOutput)
    @action(detail=True, methods=["post"], url_path="refer-bureau")
    def refer_bureau(self, request, slug, project_pk, pk):
        return Response(s.AdjustmentOutput(self._call(services.withdrawal_bureau_refer, adjustment=self.get_object())).data)

    @extend_schema(request=None, responses=s.AdjustmentOutput)
    @action(detail=True, methods=["post"])
    def execute(self, request, slug, project_pk, pk):
        return Response(s.AdjustmentOutput(self._call(services.withdrawal_execute, adjustment=self.get_object())).data)


class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    model = Result
    serializer_class = s.ResultOutput
