from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliances.api.fields import AmountField, ExpertField, ScopedRelatedField
from alliances.api.inputs import Input
from alliances.api.serializers import MoneyOutput
from membership.models import MemberUnit
from projects import links
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
    file = serializers.CharField(source="get_absolute_url", read_only=True, help_text="The access-checked download.")

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
    budget = AmountField()
    actual = AmountField()
    remaining = AmountField()


class BudgetTotalsOutput(serializers.Serializer):
    budget = AmountField()
    actual = AmountField()
    remaining = AmountField()


class BudgetVsActualOutput(serializers.Serializer):
    rows = BudgetRowOutput(many=True)
    totals = BudgetTotalsOutput()
    from_ledger = serializers.BooleanField()
    currency = serializers.CharField()


# ---- input ----------------------------------------------------------------------------------------

class ParticipantUnitField(ScopedRelatedField):
    """A unit that may take part in alliance projects today: the pickers offer no other, and naming
    one that may not (barred under 第十六条(二), not active, facing expulsion) answers why."""

    def __init__(self, **kwargs):
        super().__init__(model=MemberUnit, **kwargs)

    def get_queryset(self):
        return links.project_eligible_units()

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            whole = (isinstance(data, int) and not isinstance(data, bool)) or (isinstance(data, str) and data.isdigit())
            pk = int(data) if whole else 0
            unit = MemberUnit.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None  # this alliance's only
            reason = links.participation_refusal(unit) if unit is not None else None
            if reason:
                raise serializers.ValidationError(reason) from None
            raise


class ProjectInput(Input):
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200)
    lead_unit = ParticipantUnitField()
    technology_field = serializers.CharField(max_length=200, required=False, allow_blank=True)
    goals_near = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    goals_long = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    government_programme = serializers.BooleanField(required=False, default=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    lead_tasks = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ProjectUpdateInput(Input):
    title = serializers.CharField(max_length=200, required=False)
    lead_unit = ParticipantUnitField(required=False)
    technology_field = serializers.CharField(max_length=200, required=False, allow_blank=True)
    goals_near = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    goals_long = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    government_programme = serializers.BooleanField(required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)


class ParticipantInput(Input):
    unit = ParticipantUnitField()
    tasks = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ParticipantUpdateInput(Input):
    tasks = serializers.CharField(allow_blank=True, max_length=5000)


class BudgetLineInput(Input):
    category = serializers.ChoiceField(choices=BudgetLine.Category.choices)
    source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
    amount = serializers.DecimalField(**AMOUNT)
    participant = ScopedRelatedField(model=Participant, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class MilestoneInput(Input):
    due = serializers.DateField()
    description = serializers.CharField(max_length=300)


class ReportInput(Input):
    report = serializers.CharField(max_length=20000)


class ShareInput(Input):
    participant = ScopedRelatedField(model=Participant)
    share = serializers.DecimalField(max_digits=5, decimal_places=2)


class IPAgreementInput(Input):
    licensing = serializers.CharField(allow_blank=True, max_length=10000)
    revenue_sharing = serializers.CharField(allow_blank=True, max_length=10000)
    on_dissolution = serializers.CharField(allow_blank=True, max_length=10000)
    on_withdrawal = serializers.CharField(allow_blank=True, max_length=10000)
    outside_owners = serializers.CharField(allow_blank=True, required=False, default="", max_length=10000,
                                           help_text=_("项目成果的联盟外权利人，每行一个单位全称（第十六条(一)）。"))
    shares = ShareInput(many=True)


class ReturnInput(Input):
    reason = serializers.CharField(max_length=2000)


class ReviewInput(Input):
    experts = serializers.ListField(child=ExpertField(), min_length=1, max_length=50)
    deadline = serializers.DateTimeField()
    question = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CouncilReferInput(Input):
    closes_at = serializers.DateTimeField(required=False, allow_null=True)


class ExpenseInput(Input):
    category = serializers.ChoiceField(choices=BudgetLine.Category.choices)
    source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
    amount = serializers.DecimalField(**AMOUNT)
    date = serializers.DateField()
    description = serializers.CharField(max_length=300)
    participant = ScopedRelatedField(model=Participant, required=False, allow_null=True)


class TaskChangeInput(Input):
    participant = ScopedRelatedField(model=Participant)
    tasks = serializers.CharField(allow_blank=True, max_length=5000)


class AdjustmentInput(Input):
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


class WithdrawalInput(Input):
    reason = serializers.CharField(max_length=5000)
    reassign_to = ScopedRelatedField(model=Participant)
    clawback = serializers.DecimalField(required=False, allow_null=True, **AMOUNT)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)


class AcceptanceRequestInput(Input):
    deliverables = serializers.CharField(max_length=20000)


RESULT_KINDS = [
    ("invention_patent", _("发明专利")), ("utility_model", _("实用新型专利")), ("design_patent", _("外观设计专利")),
    ("software_copyright", _("软件著作权")), ("technical_secret", _("技术秘密")), ("standard", _("标准")), ("other", _("其他")),
]


class ResultInput(Input):
    kind = serializers.ChoiceField(choices=RESULT_KINDS)
    title = serializers.CharField(max_length=300)
    application_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    filing_date = serializers.DateField(required=False, allow_null=True)


class AcceptanceInput(Input):
    accepted = serializers.BooleanField()
    opinion = serializers.CharField(max_length=20000)
    results = ResultInput(many=True, required=False)
    date = serializers.DateField(required=False, allow_null=True)


class DocumentInput(Input):
    kind = serializers.ChoiceField(choices=Document.Kind.choices, required=False, default=Document.Kind.OTHER)
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()
