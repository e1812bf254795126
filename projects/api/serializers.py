from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliances.api.fields import ScopedRelatedField
from alliances.api.serializers import MoneyOutput
from alliances.models import User
from membership.models import MemberUnit
from projects.models import (
    Adjustment, BudgetLine, Document, Event, Expense, IPAgreement, IPShare, Milestone, Participant, Project,
    ProjectVersion, Result,
)

AMOUNT = {"max_digits": 18, "decimal_places": 2, "min_value": 0}




# ---- output ---------------------------------------------------------------------------------------

class UnitRef(serializers.ModelSerializer):
    class Meta:
        model = MemberUnit
        fields = ["id", "name"]


class ParticipantOutput(serializers.ModelSerializer):
    unit = UnitRef()
    clawed_back = MoneyOutput()

    class Meta:
        model = Participant
        fields = ["id", "unit", "role", "tasks", "status", "withdrawn_on", "clawed_back"]


class BudgetLineOutput(serializers.ModelSerializer):
    amount = MoneyOutput()

    class Meta:
        model = BudgetLine
        fields = ["id", "participant", "category", "source", "amount", "note"]


class MilestoneOutput(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "due", "description", "report", "reported_at", "reported_by"]


class IPShareOutput(serializers.ModelSerializer):
    unit = serializers.CharField(source="participant.unit.name")

    class Meta:
        model = IPShare
        fields = ["participant", "unit", "share"]


class IPAgreementOutput(serializers.ModelSerializer):
    shares = IPShareOutput(many=True)
    gaps = serializers.SerializerMethodField()

    class Meta:
        model = IPAgreement
        fields = ["licensing", "revenue_sharing", "on_dissolution", "on_withdrawal", "outside_owners", "shares", "gaps"]

    def get_gaps(self, agreement) -> list[str]:
        from projects.selectors import ip_agreement_gaps

        return [str(g) for g in ip_agreement_gaps(agreement.project)]


class ProjectOutput(serializers.ModelSerializer):
    lead_unit = UnitRef()

    class Meta:
        model = Project
        fields = [
            "id", "code", "title", "status", "lead_unit", "technology_field", "goals_near", "goals_long", "description",
            "government_programme", "start_date", "end_date", "version", "approval_resolution", "approved_on",
            "review_consultation_id", "approval_motion_id", "bureau_submission_id", "acceptance_consultation_id",
            "deliverables", "acceptance_opinion", "accepted_on",
        ]


class ProjectDetailOutput(ProjectOutput):
    participants = ParticipantOutput(many=True)
    budget_lines = BudgetLineOutput(many=True)
    milestones = MilestoneOutput(many=True)
    ip_agreement = IPAgreementOutput(allow_null=True)

    class Meta(ProjectOutput.Meta):
        fields = ProjectOutput.Meta.fields + ["participants", "budget_lines", "milestones", "ip_agreement"]


class ExpenseOutput(serializers.ModelSerializer):
    amount = MoneyOutput()

    class Meta:
        model = Expense
        fields = ["id", "participant", "category", "source", "amount", "date", "description", "journal_entry_id", "recorded_at"]


class DocumentOutput(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "kind", "title", "file", "uploaded_by", "uploaded_at"]


class EventOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", default=None, allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "at", "actor", "from_status", "to_status", "what", "reference"]


class VersionOutput(serializers.ModelSerializer):
    class Meta:
        model = ProjectVersion
        fields = ["id", "number", "snapshot", "reason", "resolution", "created_at"]


class AdjustmentOutput(serializers.ModelSerializer):
    clawback = MoneyOutput()

    class Meta:
        model = Adjustment
        fields = ["id", "kind", "status", "reason", "payload", "participant", "reassign_to", "clawback", "motion_id",
                  "resolution", "submission_id", "clawback_entry_id", "created_at", "applied_at"]


class ResultOutput(serializers.ModelSerializer):
    class Meta:
        model = Result
        fields = ["id", "kind", "title", "asset_id", "registered_at"]


class BudgetRowOutput(serializers.Serializer):
    category = serializers.CharField()
    category_label = serializers.CharField()
    source = serializers.CharField()
    source_label = serializers.CharField()
    budget = serializers.DecimalField(max_digits=18, decimal_places=2)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=18, decimal_places=2)


class BudgetTotalsOutput(serializers.Serializer):
    budget = serializers.DecimalField(max_digits=18, decimal_places=2)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=18, decimal_places=2)


class BudgetVsActualOutput(serializers.Serializer):
    rows = BudgetRowOutput(many=True)
    totals = BudgetTotalsOutput()
    from_ledger = serializers.BooleanField()
    currency = serializers.CharField()


# ---- input ----------------------------------------------------------------------------------------

class ProjectInput(serializers.Serializer):
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200)
    lead_unit = ScopedRelatedField(model=MemberUnit)
    technology_field = serializers.CharField(max_length=200, required=False, allow_blank=True)
    goals_near = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    goals_long = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    government_programme = serializers.BooleanField(required=False, default=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    lead_tasks = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ProjectUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    lead_unit = ScopedRelatedField(model=MemberUnit, required=False)
    technology_field = serializers.CharField(max_length=200, required=False, allow_blank=True)
    goals_near = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    goals_long = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    government_programme = serializers.BooleanField(required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)


class ParticipantInput(serializers.Serializer):
    unit = ScopedRelatedField(model=MemberUnit)
    tasks = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ParticipantUpdateInput(serializers.Serializer):
    tasks = serializers.CharField(allow_blank=True, max_length=5000)


class BudgetLineInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetLine.Category.choices)
    source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
    amount = serializers.DecimalField(**AMOUNT)
    participant = ScopedRelatedField(model=Participant, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class MilestoneInput(serializers.Serializer):
    due = serializers.DateField()
    description = serializers.CharField(max_length=300)


class ReportInput(serializers.Serializer):
    report = serializers.CharField(max_length=20000)


class ShareInput(serializers.Serializer):
    participant = ScopedRelatedField(model=Participant)
    share = serializers.DecimalField(max_digits=5, decimal_places=2)


class IPAgreementInput(serializers.Serializer):
    licensing = serializers.CharField(allow_blank=True, max_length=10000)
    revenue_sharing = serializers.CharField(allow_blank=True, max_length=10000)
    on_dissolution = serializers.CharField(allow_blank=True, max_length=10000)
    on_withdrawal = serializers.CharField(allow_blank=True, max_length=10000)
    outside_owners = serializers.CharField(allow_blank=True, required=False, default="", max_length=10000,
                                           help_text=_("项目成果的联盟外权利人，每行一个单位全称（第十六条(一)）。"))
    shares = ShareInput(many=True)


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema_field(OpenApiTypes.INT)
class ExpertField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return User.objects.filter(is_active=True)


class ReviewInput(serializers.Serializer):
    experts = ExpertField(many=True)
    deadline = serializers.DateTimeField()
    question = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CouncilReferInput(serializers.Serializer):
    closes_at = serializers.DateTimeField(required=False, allow_null=True)


class ExpenseInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetLine.Category.choices)
    source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
    amount = serializers.DecimalField(**AMOUNT)
    date = serializers.DateField()
    description = serializers.CharField(max_length=300)
    participant = ScopedRelatedField(model=Participant, required=False, allow_null=True)


class TaskChangeInput(serializers.Serializer):
    participant = ScopedRelatedField(model=Participant)
    tasks = serializers.CharField(allow_blank=True, max_length=5000)


class AdjustmentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Adjustment.Kind.CHANGE, Adjustment.Kind.REVOKE])
    reason = serializers.CharField(max_length=5000)
    tasks = TaskChangeInput(many=True, required=False)
    budget_lines = BudgetLineInput(many=True, required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_budget_lines(self, lines):
        # `allow_null` lets the whole list be null (no budget change), not a row inside it.
        if lines is not None and any(line is None for line in lines):
            raise serializers.ValidationError(_("预算行不能为空。"))
        return lines


class WithdrawalInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
    reassign_to = ScopedRelatedField(model=Participant)
    clawback = serializers.DecimalField(required=False, allow_null=True, **AMOUNT)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)


class AcceptanceRequestInput(serializers.Serializer):
    deliverables = serializers.CharField(max_length=20000)


RESULT_KINDS = [
    ("invention_patent", "发明专利"), ("utility_model", "实用新型专利"), ("design_patent", "外观设计专利"),
    ("software_copyright", "软件著作权"), ("technical_secret", "技术秘密"), ("standard", "标准"), ("other", "其他"),
]


class ResultInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RESULT_KINDS)
    title = serializers.CharField(max_length=300)
    application_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    filing_date = serializers.DateField(required=False, allow_null=True)


class AcceptanceInput(serializers.Serializer):
    accepted = serializers.BooleanField()
    opinion = serializers.CharField(max_length=20000)
    results = ResultInput(many=True, required=False)
    date = serializers.DateField(required=False, allow_null=True)


class DocumentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Document.Kind.choices, required=False, default=Document.Kind.OTHER)
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()
