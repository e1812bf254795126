from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.INT)
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
