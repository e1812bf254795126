from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alliances.api.fields import AmountField, ScopedRelatedField
from alliances.api.inputs import Input
from alliances.models import Alliance, Role, RoleGrant, Seat, User, member_unit_model


class MoneyOutput(serializers.Serializer):
    """Money as {"amount": "1234.50", "currency": "CNY"}: two decimals, never a float.

    Null exactly when its column may be null: bound to a model serializer, the field takes the
    column's nullability, so the schema never promises an amount the response leaves out."""

    amount = AmountField(max_digits=18)
    currency = serializers.CharField()

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if model is not None and "." not in self.source:
            try:
                self.allow_null = self.allow_null or model._meta.get_field(self.source).null
            except FieldDoesNotExist:
                pass

    def to_representation(self, money):
        if money is None:
            return None
        return {"amount": self.fields["amount"].to_representation(money.amount), "currency": str(money.currency)}


class AllianceOutput(serializers.ModelSerializer):
    host_unit_name = serializers.CharField(source="host_unit.name", default=None, allow_null=True, read_only=True)
    responsible_entity_name = serializers.CharField(source="responsible_entity.name", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Alliance
        fields = ["slug", "name", "name_en", "code", "technology_field", "status", "agreement_version",
                  "address", "contact_name", "contact_phone", "contact_email", "founded_on",
                  "host_unit", "host_unit_name", "responsible_entity", "responsible_entity_name",
                  "responsible_entity_scope"]


class UserBrief(serializers.ModelSerializer):
    # Stored addresses passed Django's validator, which allows more than JSON Schema's "email"
    # format (e.g. "admin/@example.org", valid under RFC 5322): document what we return.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email"]


class SeatOutput(serializers.ModelSerializer):
    organ = serializers.CharField(source="organ.kind")
    unit_name = serializers.CharField(source="unit.name", default=None, allow_null=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Seat
        fields = ["id", "organ", "title", "unit", "unit_name", "is_chair", "position", "resolution_number", "holder"]

    def get_holder(self, seat) -> dict | None:
        grants = [g for g in seat.grants.all() if g.revoked_at is None]
        return UserBrief(grants[0].user).data if grants else None


class RoleGrantOutput(serializers.ModelSerializer):
    user = UserBrief()
    granted_by = serializers.CharField(source="granted_by.username", default=None, allow_null=True)
    revoked_by = serializers.CharField(source="revoked_by.username", default=None, allow_null=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "user", "role", "seat", "member_unit", "resolution_number", "granted_by", "granted_at", "revoked_by", "revoked_at"]


class InvitationInput(Input):
    email = serializers.EmailField(label=_("电子邮箱"))
    display_name = serializers.CharField(label=_("姓名"), max_length=100, required=False, default="")
    username = serializers.CharField(
        label=_("用户名"), max_length=150, required=False, default="", help_text=_("留空则以电子邮箱为用户名。"))
    role = serializers.ChoiceField(label=_("角色"), choices=Role.choices)
    seat = ScopedRelatedField(model=Seat, required=False, allow_null=True, default=None)
    member_unit = ScopedRelatedField(model=None, required=False, allow_null=True, default=None)
    resolution_number = serializers.CharField(
        label=_("理事会决议编号"), max_length=40, required=False, allow_blank=True, default="",
        help_text=_("任命审计须引用理事会的人事任命决议。"))
    replace_holder = serializers.BooleanField(
        label=_("替换在任理事"), required=False, default=False,
        help_text=_("席位已有在任理事时，由此人接替（理事长席位不得空缺）。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_unit"].model = member_unit_model()


class AllianceProfileInput(Input):
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    technology_field = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    host_unit = ScopedRelatedField(model=None, required=False, allow_null=True)
    responsible_entity = ScopedRelatedField(model=None, required=False, allow_null=True)
    responsible_entity_scope = serializers.CharField(required=False, allow_blank=True)
    founded_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].model = self.fields["responsible_entity"].model = member_unit_model()


class SeatInput(Input):
    organ_kind = serializers.ChoiceField(choices=["council", "expert_committee", "secretariat"])
    title = serializers.CharField(max_length=100)
    unit = ScopedRelatedField(model=None, required=False, allow_null=True, default=None)
    is_chair = serializers.BooleanField(required=False, default=False)
    position = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1000)
    resolution_number = serializers.CharField(
        label=_("理事会决议编号"), max_length=40, required=False, allow_blank=True, default="",
        help_text=_("理事会席位须引用理事会关于该成员单位的人事任命决议。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].model = member_unit_model()
