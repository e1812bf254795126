from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from alliances.money import to_cents


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related field whose choices come from the tenant scope at request time.

    Building the queryset per request (not at import) means another alliance's id is simply
    not found: 400 "object does not exist", never a cross-tenant link.
    """

    def __init__(self, model=None, filter=None, **kwargs):
        self.model = model
        self.filter = filter or {}
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.filter(**self.filter)

    def to_internal_value(self, data):
        # The database would read 1.5 or true as row 1: an id is a whole number, nothing else.
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return self.to_value(super().to_internal_value(data))

    def to_value(self, row):
        """The validated value for the row found (the row itself, unless a subclass names another)."""
        return row


class ExpertField(ScopedRelatedField):
    """An expert, named by the id of their expert role grant (`roles/`, role "expert"), as every page
    and endpoint that asks experts (consultations, project reviews, acceptance panels) takes them;
    the validated value is the expert's user."""

    default_error_messages = {
        "does_not_exist": _("“{pk_value}”不是本联盟在任专家委员会委员的角色授权 id（应填 roles/ 中角色为专家的授权 id）。"),
    }

    def __init__(self, **kwargs):
        from alliances.models import Role, RoleGrant

        kwargs.setdefault("help_text", _("专家的角色授权 id（roles/ 中角色为专家的授权）"))
        super().__init__(model=RoleGrant, filter={"role": Role.EXPERT, "revoked_at__isnull": True}, **kwargs)

    def get_queryset(self):
        return super().get_queryset().select_related("user")

    def to_value(self, grant):
        return grant.user


class ScopedRelatedFieldSchema(OpenApiSerializerFieldExtension):
    """In the OpenAPI schema a scoped related field is the related row's integer id."""

    target_class = ScopedRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return build_basic_type(OpenApiTypes.INT)


class AmountField(serializers.DecimalField):
    """Every amount the API gives: a decimal string with exactly two decimals (`"4969543.21"`,
    `"-1234.50"`), never a float, whatever the value's stored scale (also a djmoney `Money`'s
    amount). As input it takes the same, to the cent."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 2)
        kwargs["coerce_to_string"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        amount = to_cents(value)
        return None if amount is None else f"{amount:.2f}"
