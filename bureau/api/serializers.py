from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alliances.api.fields import ScopedRelatedField
from alliances.api.inputs import Input
from bureau.review import conditions
from bureau.review import selectors as review_selectors
from bureau.models import INNOVATION_GOALS_MAX, Decision, Kind, Outcome, Submission, SubmissionVersion
from projects.models import Project


class VersionOutput(serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.username")

    class Meta:
        model = SubmissionVersion
        fields = ["number", "sha256", "submitted_by", "submitted_at", "snapshot"]


class DecisionOutput(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")
    outcome = serializers.CharField(help_text="approved / rejected / returned")
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = Decision
        fields = ["id", "version", "outcome", "necessity_opinion", "necessity_office", "necessity_date",
                  "organisation_opinion", "organisation_office", "organisation_date", "comments",
                  "decided_by", "decided_at"]


class SubmissionOutput(serializers.ModelSerializer):
    alliance = serializers.CharField(source="alliance.slug")
    subject = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    submitted_by = serializers.CharField(source="submitted_by.username", default=None, allow_null=True)
    sha256 = serializers.SerializerMethodField()
    decisions = DecisionOutput(many=True)
    # Plain strings (the choices are documented) so the schema's enum names do not collide across apps.
    kind = serializers.CharField(help_text=", ".join(Kind.values))
    status = serializers.CharField(help_text=", ".join(Submission.Status.values))
    decision = serializers.CharField(help_text="approved / rejected / returned, empty before a decision")

    class Meta:
        model = Submission
        fields = ["id", "alliance", "kind", "title", "status", "version", "subject", "payload",
                  "innovation_goals", "industry_status", "technology_trends", "policy_fit", "alliance_role", "body",
                  "created_by", "created_at", "submitted_by", "submitted_at", "decision", "decided_at",
                  "sha256", "decisions"]

    def get_subject(self, obj) -> dict | None:
        if obj.subject_type_id is None:
            return None
        return {"type": f"{obj.subject_type.app_label}.{obj.subject_type.model}", "id": obj.subject_id}

    def get_sha256(self, obj) -> str:
        versions = sorted(obj.versions.all(), key=lambda v: v.number)
        return versions[-1].sha256 if versions else ""


class SubmissionDetailOutput(SubmissionOutput):
    versions = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField(help_text="recognition application: its stage and every stage opinion")
    conditions = serializers.SerializerMethodField(help_text="recognition application not yet submitted: what is missing")

    class Meta(SubmissionOutput.Meta):
        fields = SubmissionOutput.Meta.fields + ["versions", "review", "conditions"]

    def get_review(self, obj) -> dict | None:
        return review_selectors.review_summary(obj)

    def get_conditions(self, obj) -> list[str]:
        if obj.kind != Kind.RECOGNITION_APPLICATION or not obj.is_editable:
            return []
        return conditions.recognition_missing(obj.alliance)

    def get_versions(self, obj) -> list[dict]:
        return VersionOutput(sorted(obj.versions.all(), key=lambda v: v.number), many=True).data


class FormInput(Input):
    lead_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    supervising_department = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    fax = serializers.CharField(max_length=50, required=False, allow_blank=True)


class SubmissionCreateInput(Input):
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text=_("年度报告的年度"))
    project = ScopedRelatedField(model=Project, required=False, allow_null=True, default=None,
                                 help_text="fund_release: the project whose government money the request is about.")
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"), required=False,
                                      allow_null=True, default=None, help_text="fund_release: the amount to release.")


class SubmissionEditInput(Input):
    title = serializers.CharField(max_length=200, required=False)
    innovation_goals = serializers.CharField(max_length=INNOVATION_GOALS_MAX, required=False, allow_blank=True)
    industry_status = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    technology_trends = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    policy_fit = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    alliance_role = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    body = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    form = FormInput(required=False)  # another key answers 400 (Input), no longer dropped here


class DecideInput(Input):
    decision = serializers.ChoiceField(choices=Outcome.choices)
    necessity_opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    necessity_office = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    necessity_date = serializers.DateField(required=False, allow_null=True, default=None)
    organisation_opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    organisation_office = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    organisation_date = serializers.DateField(required=False, allow_null=True, default=None)
    comments = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class ConsoleRowOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    technology_field = serializers.CharField()
    status = serializers.CharField()
    members_by_kind = serializers.DictField(child=serializers.IntegerField())
    members_total = serializers.IntegerField()
    open_projects = serializers.IntegerField()
    government_funds = serializers.JSONField(allow_null=True)
    pending_submissions = serializers.IntegerField()
    overdue_annual_reports = serializers.ListField(child=serializers.IntegerField())
