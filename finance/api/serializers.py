from django.conf import settings
from rest_framework import serializers
from drf_spectacular.utils import extend_schema_field

from alliances.api.fields import AmountField, ScopedRelatedField
from alliances.api.inputs import Input
from finance.models import (
    Account, Attachment, Commitment, Fund, JournalEntry, JournalLine, Period, ReleaseCondition, RestrictionRelease, Source,
)
from membership.models import MemberUnit
from projects.models import Project

CURRENCY_CHOICES = [(c, c) for c in settings.CURRENCIES]


def money_field(**kwargs):
    return serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0, **kwargs)


# ---------------------------------------------------------------- input


class LineInput(Input):
    account = serializers.CharField(max_length=20)
    fund = ScopedRelatedField(model=Fund)
    debit = money_field(required=False, allow_null=True)
    credit = money_field(required=False, allow_null=True)
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, default="CNY")
    member_unit = ScopedRelatedField(model=MemberUnit, required=False, allow_null=True)
    project = ScopedRelatedField(model=Project, required=False, allow_null=True)
    category = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EntryInput(Input):
    date = serializers.DateField()
    description = serializers.CharField(max_length=300)
    lines = LineInput(many=True, allow_empty=False)


class EntryBatchInput(Input):
    entries = EntryInput(many=True, allow_empty=False, max_length=5000)


class EntryApproveBatchInput(Input):
    entries = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False,
                                    max_length=5000,
                                    help_text="ids of recorded entries, posted in this order")


class ReverseInput(Input):
    date = serializers.DateField(required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RejectInput(Input):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FundInput(Input):
    source = serializers.ChoiceField(choices=Source.choices)
    project = ScopedRelatedField(model=Project, required=False, allow_null=True)


class PeriodInput(Input):
    year = serializers.IntegerField(min_value=1900, max_value=9999)
    month = serializers.IntegerField(min_value=1, max_value=12)


class ReopenInput(PeriodInput):
    reason = serializers.CharField(max_length=2000)


class CommitmentInput(Input):
    member_unit = ScopedRelatedField(model=MemberUnit)
    year = serializers.IntegerField(min_value=2000, max_value=2200)
    amount = money_field()
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, default="CNY")
    committed_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReceiptInput(Input):
    amount = money_field()
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, default="CNY")
    date = serializers.DateField()
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    prepayment_year = serializers.IntegerField(
        min_value=2000, max_value=2200, required=False, allow_null=True, default=None,
        help_text="A later year this receipt prepays: it is recorded against that year's commitment (set it first).",
    )


class ReleaseInput(Input):
    fund = ScopedRelatedField(model=Fund)
    amount = money_field()
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, default="CNY")
    date = serializers.DateField()
    description = serializers.CharField(max_length=300)
    condition = serializers.ChoiceField(
        choices=ReleaseCondition.choices,
        help_text="The restriction met: purpose_spent (up to the project's qualifying expenses not yet released, "
                  "computed by the ledger), project_accepted (the project accepted or closed), or bureau_decision "
                  "(government money, with `submission`).",
    )
    submission = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None,
        help_text="For bureau_decision: the id of the bureau's approved fund_release submission about the fund's project.",
    )


class AsOfInput(serializers.Serializer):
    as_of = serializers.DateField(required=False)


# ---------------------------------------------------------------- output


class AccountOutput(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "code", "chain_code", "name", "kind", "contra", "source", "category", "is_active"]


class FundOutput(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__")
    project_code = serializers.CharField(source="project.code", default=None, allow_null=True)

    class Meta:
        model = Fund
        fields = ["id", "label", "source", "project", "project_code", "restricted"]


class LineOutput(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code")
    account_name = serializers.CharField(source="account.display_name")
    currency = serializers.CharField()
    debit = AmountField(source="debit.amount")
    credit = AmountField(source="credit.amount")

    class Meta:
        model = JournalLine
        fields = ["position", "account", "account_name", "fund", "currency", "debit", "credit", "member_unit", "project",
                  "category", "commitment", "memo"]


class AttachmentOutput(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "sha256", "size", "uploaded_by", "uploaded_at"]


class AttachmentInput(Input):
    file = serializers.FileField()


class ReleaseOutput(serializers.ModelSerializer):
    """The condition a release from restriction rests on, and its evidence."""

    condition_label = serializers.CharField(source="get_condition_display")
    amount = serializers.DecimalField(source="amount.amount", max_digits=18, decimal_places=2)
    currency = serializers.CharField(source="amount.currency.code")

    class Meta:
        model = RestrictionRelease
        fields = ["fund", "condition", "condition_label", "amount", "currency", "qualifying_expenses", "project_status",
                  "submission", "evidence"]


class EntryOutput(serializers.ModelSerializer):
    lines = LineOutput(many=True, read_only=True)
    attachments = AttachmentOutput(many=True, read_only=True)
    reversed_by = serializers.SerializerMethodField()
    release = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = JournalEntry
        fields = ["id", "sequence", "date", "kind", "kind_label", "description", "status", "recorded_by", "recorded_at", "approved_by",
                  "posted_at", "previous_hash", "hash", "reverses", "reversed_by", "rejection_reason", "lines",
                  "attachments", "release"]

    @extend_schema_field(ReleaseOutput(allow_null=True))
    def get_release(self, entry) -> dict | None:
        """A release from restriction: its condition and evidence (null for other entries)."""
        release = getattr(entry, "release", None)
        return ReleaseOutput(release).data if release is not None else None

    def get_reversed_by(self, entry) -> int | None:
        """The reversal that is recorded or posted (a rejected one does not count)."""
        return next((r.pk for r in entry.reversals.all() if r.status != JournalEntry.Status.REJECTED), None)


class PeriodOutput(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "year", "month", "status", "closed_at", "closed_by", "reopened_at", "reopened_by", "reopen_reason"]


class CommitmentOutput(serializers.ModelSerializer):
    amount = AmountField(source="amount.amount")
    currency = serializers.CharField(source="amount.currency.code")
    member_unit_name = serializers.CharField(source="member_unit.name")

    class Meta:
        model = Commitment
        fields = ["id", "member_unit", "member_unit_name", "year", "amount", "currency", "committed_on", "note"]


class AmountsRow(serializers.Serializer):
    year = serializers.IntegerField()
    currency = serializers.CharField()
    committed = AmountField()
    paid = AmountField()
    outstanding = AmountField()


class MovementRow(serializers.Serializer):
    date = serializers.DateField()
    sequence = serializers.IntegerField()
    description = serializers.CharField()
    currency = serializers.CharField()
    amount = AmountField()


class StatementOutput(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    as_of = serializers.DateField()
    currency = serializers.CharField()
    committed = AmountField()
    paid = AmountField()
    outstanding = AmountField()
    revenue_shares = AmountField()
    years = AmountsRow(many=True)
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    receipts_count = serializers.IntegerField()
    shares_count = serializers.IntegerField()
    receipts = MovementRow(many=True)
    shares = MovementRow(many=True)


class StatementPageInput(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, required=False, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False, default=50)


class TrialBalanceRow(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    currency = serializers.CharField()
    debit = AmountField()
    credit = AmountField()
    balance_debit = AmountField()
    balance_credit = AmountField()


class TrialBalanceTotal(serializers.Serializer):
    debit = AmountField()
    credit = AmountField()
    balanced = serializers.BooleanField()


class TrialBalanceOutput(serializers.Serializer):
    as_of = serializers.DateField()
    balanced = serializers.BooleanField()
    rows = TrialBalanceRow(many=True)
    totals = serializers.DictField(child=TrialBalanceTotal(), help_text="per currency")


class GeneralLedgerLine(serializers.Serializer):
    date = serializers.DateField(source="line.date")
    sequence = serializers.IntegerField(source="entry.sequence")
    description = serializers.CharField(source="entry.description")
    fund = serializers.IntegerField(source="line.fund_id")
    currency = serializers.CharField()
    debit = AmountField()
    credit = AmountField()
    running = AmountField()


class GeneralLedgerAccount(serializers.Serializer):
    code = serializers.CharField(source="account.code")
    name = serializers.CharField(source="account.display_name")
    opening = serializers.DictField(child=AmountField())
    closing = serializers.DictField(child=AmountField())
    lines = GeneralLedgerLine(many=True)


class BudgetRow(serializers.Serializer):
    category = serializers.CharField()
    source = serializers.CharField()
    currency = serializers.CharField()
    budget = AmountField()
    actual = AmountField()
    remaining = AmountField()


class FundBalanceRow(serializers.Serializer):
    fund = FundOutput()
    currency = serializers.CharField()
    assets = AmountField()
    income = AmountField()
    expense = AmountField()


class VerificationOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    count = serializers.IntegerField()
    broken = serializers.DictField(allow_null=True)
