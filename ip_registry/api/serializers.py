from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alliances.api.fields import ScopedRelatedField
from alliances.api.inputs import Input
from alliances.api.serializers import MoneyOutput
from ip_registry import selectors
from ip_registry.models import (
    IPAsset, Licence, Licensor, OwnershipShare, OwnershipVersion, Region, RevenueReceipt, RevenueShare, Territory, Transfer,
)
from membership.models import MemberUnit
from projects.models import Project

DETAIL_FIELDS = ("application_number", "patent_number", "registration_number", "filing_date", "grant_date",
                 "expiry_date", "status", "description", "cost_recovery_note")


# ---------------------------------------------------------------- input


class PartyInput(Input):
    member_unit = ScopedRelatedField(model=MemberUnit, required=False, allow_null=True, default=None)
    party_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    party_region = serializers.ChoiceField(
        choices=Region.choices, required=False, allow_blank=True, default="",
        help_text=_("联盟外单位的注册地（联盟外单位必填；成员单位按其统一社会信用代码视为境内）。"),
    )

    def validate(self, data):
        # The service says the same; here a malformed row is named before anything else runs.
        if (data.get("member_unit") is None) == (not data.get("party_name", "").strip()):
            raise serializers.ValidationError(_("须填写成员单位或联盟外单位名称之一（不能同时填写）。"))
        return data


class OwnerInput(PartyInput):
    share = serializers.DecimalField(max_digits=7, decimal_places=4, label=_("份额（%）"))


def owners_of(data: list[dict]) -> list[tuple]:
    return [(row["member_unit"], row["party_name"], row["share"], row["party_region"]) for row in data]


class AssetDetailsInput(Input):
    application_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    patent_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    registration_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    filing_date = serializers.DateField(required=False, allow_null=True)
    grant_date = serializers.DateField(required=False, allow_null=True)
    expiry_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=IPAsset.Status.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    cost_recovery_note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AssetInput(AssetDetailsInput):
    kind = serializers.ChoiceField(choices=IPAsset.Kind.choices)
    title = serializers.CharField(max_length=300)
    origin = serializers.ChoiceField(choices=IPAsset.Origin.choices)
    project = ScopedRelatedField(model=Project, required=False, allow_null=True, default=None)
    owners = OwnerInput(many=True)
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)


class OwnershipChangeInput(Input):
    owners = OwnerInput(many=True)
    valid_from = serializers.DateField()
    reason = serializers.CharField(max_length=300)


class LicenceInput(Input):
    asset = ScopedRelatedField(model=IPAsset)
    kind = serializers.ChoiceField(choices=Licence.Kind.choices)
    licensors = PartyInput(many=True, required=False, default=list)
    licensee_unit = ScopedRelatedField(model=MemberUnit, required=False, allow_null=True, default=None)
    licensee_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    licensee_region = serializers.ChoiceField(
        choices=Region.choices, required=False, allow_blank=True, default="",
        help_text=_("被许可联盟外单位的注册地（联盟外单位必填）。"),
    )
    field_of_use = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                         help_text=_("留空表示全部领域。"))
    territory = serializers.ChoiceField(choices=Territory.choices)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True, default=None)
    royalty_kind = serializers.ChoiceField(choices=Licence.Royalty.choices, default=Licence.Royalty.NONE)
    royalty_amount = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True, default=None)
    royalty_rate = serializers.DecimalField(max_digits=7, decimal_places=4, required=False, allow_null=True, default=None)
    free_internal_rd = serializers.BooleanField(required=False, default=False)
    rd_project = ScopedRelatedField(model=Project, required=False, allow_null=True, default=None)


class TerminateInput(Input):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=300)


class RevenueReceiptInput(Input):
    reference = serializers.CharField(max_length=80)
    received_on = serializers.DateField()
    gross = serializers.DecimalField(max_digits=18, decimal_places=2)
    cost_recovery = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True, default=None)


class TransferInput(Input):
    asset = ScopedRelatedField(model=IPAsset)
    transferees = OwnerInput(many=True)
    price = serializers.DecimalField(max_digits=18, decimal_places=2)
    agreed_on = serializers.DateField()


# ---------------------------------------------------------------- output




class ShareOutput(serializers.ModelSerializer):
    member_unit_name = serializers.CharField(source="member_unit.name", default=None, allow_null=True)

    class Meta:
        model = OwnershipShare
        fields = ["position", "member_unit", "member_unit_name", "party_name", "party_region", "share"]


class OwnershipVersionOutput(serializers.ModelSerializer):
    shares = ShareOutput(many=True)

    class Meta:
        model = OwnershipVersion
        fields = ["number", "valid_from", "reason", "shares", "created_at"]


class AssetOutput(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", default=None, allow_null=True)
    owners = serializers.SerializerMethodField()
    government_funded = serializers.SerializerMethodField()
    city_licensing_duty = serializers.SerializerMethodField(
        help_text=_("第十六条（三）：政府资助形成的知识产权负有向本市单位许可的义务。")
    )

    class Meta:
        model = IPAsset
        fields = ["id", "kind", "title", "origin", "project", "project_code", *DETAIL_FIELDS, "owners",
                  "government_funded", "city_licensing_duty", "registered_at"]

    def _funded(self) -> set[int]:
        if "funded_projects" not in self.context:
            self.context["funded_projects"] = selectors.government_funded_project_ids(self.context["alliance"])
        return self.context["funded_projects"]

    def get_owners(self, asset) -> list[dict]:
        versions = sorted(asset.ownership_versions.all(), key=lambda v: v.number)
        from django.utils import timezone

        today = timezone.localdate()
        current = next((v for v in reversed(versions) if v.valid_from <= today), versions[0] if versions else None)
        return ShareOutput(current.shares.all(), many=True).data if current else []

    def get_government_funded(self, asset) -> bool:
        return asset.origin == IPAsset.Origin.FOREGROUND and asset.project_id in self._funded()

    def get_city_licensing_duty(self, asset) -> bool:
        return selectors.city_licensing_duty(asset, self._funded())


class AssetDetailOutput(AssetOutput):
    ownership_history = OwnershipVersionOutput(many=True, source="ownership_versions")

    class Meta(AssetOutput.Meta):
        fields = [*AssetOutput.Meta.fields, "ownership_history"]


class LicensorOutput(serializers.ModelSerializer):
    member_unit_name = serializers.CharField(source="member_unit.name", default=None, allow_null=True)

    class Meta:
        model = Licensor
        fields = ["member_unit", "member_unit_name", "party_name", "party_region"]


class LicenceOutput(serializers.ModelSerializer):
    licensors = LicensorOutput(many=True)
    licensee_unit_name = serializers.CharField(source="licensee_unit.name", default=None, allow_null=True)
    royalty_amount = MoneyOutput(allow_null=True)

    class Meta:
        model = Licence
        fields = ["id", "number", "asset", "kind", "licensors", "licensee_unit", "licensee_unit_name", "licensee_name",
                  "licensee_region", "field_of_use", "territory", "start", "end", "royalty_kind", "royalty_amount", "royalty_rate",
                  "free_internal_rd", "rd_project", "status", "status_reason", "terminated_on",
                  "bureau_submission_id", "granted_at"]


class TransferOutput(serializers.ModelSerializer):
    price = MoneyOutput()

    class Meta:
        model = Transfer
        fields = ["id", "number", "asset", "foreign", "transferees", "price", "agreed_on", "effective_on", "status",
                  "status_reason", "bureau_submission_id", "created_at"]


class RevenueShareOutput(serializers.ModelSerializer):
    member_unit_name = serializers.CharField(source="member_unit.name", default=None, allow_null=True)
    amount = MoneyOutput()

    class Meta:
        model = RevenueShare
        fields = ["position", "member_unit", "member_unit_name", "party_name", "share", "amount"]


class ReceiptOutput(serializers.ModelSerializer):
    gross = MoneyOutput()
    cost_recovery = MoneyOutput()
    net = MoneyOutput()
    ownership_version = serializers.IntegerField(source="ownership_version.number")
    shares = RevenueShareOutput(many=True)

    class Meta:
        model = RevenueReceipt
        fields = ["id", "asset", "licence", "transfer", "reference", "received_on", "gross", "cost_recovery", "net",
                  "ownership_version", "shares", "journal_entry_id", "recorded_at"]
