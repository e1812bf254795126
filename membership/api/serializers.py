from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliances.api.inputs import Input
from membership.models import AccessionAgreement, ExpulsionCase, MemberTransition, MemberUnit, ProjectBar
from membership.services import consequence_text


# A pattern, not an enum: spectacular hoists enums into components named after the field, and
# `kind` would collide with other apps' `kind` enums (settings' ENUM_NAME_OVERRIDES is not ours).
@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(MemberUnit.Kind.values) + ")$",
                      "description": "enterprise | university | institute | other"})
class KindField(serializers.ChoiceField):
    """The unit kind."""

    def __init__(self, **kwargs):
        super().__init__(choices=MemberUnit.Kind.choices, **kwargs)


class MemberOutput(serializers.ModelSerializer):
    # Plain strings: the choice sets are documented once, on the input serializers.
    status = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    alliance_role = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    alliance_role_display = serializers.CharField(source="get_alliance_role_display", read_only=True)

    class Meta:
        model = MemberUnit
        fields = [
            "id", "name", "uscc", "kind", "kind_display", "status", "status_display", "alliance_role",
            "alliance_role_display", "legal_representative", "address", "contact_person", "phone", "email",
            "standing", "application_statement", "source", "applied_on", "admitted_on", "admission_resolution",
            "joined_on", "left_on", "pending_motion_id", "pending_motion_kind", "withdrawal_reason",
            "withdrawal_requested_on", "withdrawal_effective_on",
        ]


class TransitionOutput(serializers.ModelSerializer):
    event = serializers.CharField(read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    event_display = serializers.CharField(source="get_event_display", read_only=True)
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)
    consequences = serializers.SerializerMethodField()

    class Meta:
        model = MemberTransition
        fields = ["id", "event", "event_display", "from_status", "to_status", "date", "reason",
                  "resolution_number", "motion_id", "actor", "consequences", "recorded_at"]

    def get_consequences(self, transition) -> list[dict]:
        return [{**item, "text": consequence_text(item)} for item in transition.consequences]


class AccessionOutput(serializers.ModelSerializer):
    signatory_unit_name = serializers.CharField(source="signatory_unit.name", read_only=True)
    signatory = serializers.CharField(source="signatory.username", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = AccessionAgreement
        fields = ["signed_on", "signatory_unit", "signatory_unit_name", "signatory", "recorded_by",
                  "resolution_number", "agreement_version", "note"]


class ExpulsionCaseOutput(serializers.ModelSerializer):
    grounds = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)

    class Meta:
        model = ExpulsionCase
        fields = ["id", "grounds", "statement", "evidence", "proposed_by", "proposed_on", "motion_id", "outcome",
                  "resolution_number", "decided_on"]


class BarOutput(serializers.ModelSerializer):
    class Meta:
        model = ProjectBar
        fields = ["id", "start", "end", "grounds", "resolution_number", "expulsion_case"]


class MemberDetailOutput(MemberOutput):
    transitions = TransitionOutput(many=True, read_only=True)
    accession = serializers.SerializerMethodField()
    expulsion_cases = ExpulsionCaseOutput(many=True, read_only=True)
    bars = BarOutput(many=True, read_only=True)

    class Meta(MemberOutput.Meta):
        fields = MemberOutput.Meta.fields + ["transitions", "accession", "expulsion_cases", "bars"]

    @extend_schema_field(AccessionOutput(allow_null=True))
    def get_accession(self, unit):
        agreement = AccessionAgreement.objects.filter(unit=unit).select_related("signatory_unit", "signatory", "recorded_by").first()
        return AccessionOutput(agreement).data if agreement else None


class MemberInput(Input):
    """A new applicant. The service validates the code (GB 32100-2015) and its uniqueness."""

    name = serializers.CharField(label=_("单位名称"), max_length=200)
    uscc = serializers.CharField(label=_("统一社会信用代码"), max_length=40)
    kind = KindField(label=_("单位类型"))
    alliance_role = serializers.ChoiceField(
        label=_("联盟职务"), choices=MemberUnit.AllianceRole.choices, required=False, default=MemberUnit.AllianceRole.ORDINARY
    )
    legal_representative = serializers.CharField(label=_("法定代表人"), max_length=100, required=False, allow_blank=True, default="")
    address = serializers.CharField(label=_("地址"), max_length=300, required=False, allow_blank=True, default="")
    contact_person = serializers.CharField(label=_("联系人"), max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(label=_("电话"), max_length=50, required=False, allow_blank=True, default="")
    email = serializers.EmailField(label=_("电子邮箱"), required=False, allow_blank=True, default="")
    standing = serializers.CharField(label=_("在行业中的地位"), max_length=200, required=False, allow_blank=True, default="")
    application_statement = serializers.CharField(label=_("申请说明"), max_length=5000, required=False, allow_blank=True, default="")
    applied_on = serializers.DateField(label=_("申请日期"), required=False, allow_null=True, default=None)


class MemberUpdateInput(Input):
    name = serializers.CharField(max_length=200, required=False)
    uscc = serializers.CharField(max_length=40, required=False)
    kind = KindField(required=False)
    alliance_role = serializers.ChoiceField(choices=MemberUnit.AllianceRole.choices, required=False)
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact_person = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    standing = serializers.CharField(max_length=200, required=False, allow_blank=True)
    application_statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class MotionWindowInput(Input):
    closes_at = serializers.DateTimeField(label=_("表决截止时间"))
    title = serializers.CharField(label=_("议案标题"), max_length=200, required=False, allow_blank=True, default="")


class AdmissionInput(MotionWindowInput):
    body = serializers.CharField(label=_("议案正文"), required=False, allow_blank=True, default="")


class AccessionInput(Input):
    signed_on = serializers.DateField(label=_("签署日期"), required=False, allow_null=True, default=None)
    note = serializers.CharField(label=_("备注"), required=False, allow_blank=True, default="")


class WithdrawRequestInput(Input):
    reason = serializers.CharField(label=_("退出理由"), max_length=5000)
    effective_on = serializers.DateField(label=_("退出生效日期"))


class WithdrawCompleteInput(Input):
    resolution_number = serializers.CharField(label=_("理事会决议编号"), max_length=40, required=False, allow_blank=True, default="")


class ExpelInput(MotionWindowInput):
    grounds = serializers.ChoiceField(label=_("除名事由"), choices=ExpulsionCase.Grounds.choices)
    statement = serializers.CharField(label=_("事实与理由"), max_length=10000)
    evidence = serializers.CharField(label=_("证据"), max_length=10000)


class BarInput(Input):
    grounds = serializers.CharField(label=_("事由"), max_length=5000)
    resolution_number = serializers.CharField(label=_("理事会决议编号"), max_length=40)
    start = serializers.DateField(label=_("起始日期"), required=False, allow_null=True, default=None)


class CountsOutput(serializers.Serializer):
    enterprise = serializers.IntegerField()
    university = serializers.IntegerField()
    institute = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.IntegerField()
