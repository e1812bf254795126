"""The base of every request-body serializer: what a request may not write is refused, not ignored."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class Input(serializers.Serializer):
    # No docstring: the schema would show it as the description of every input serializer.
    # A key the serializer does not take (read-only like a member's `status`, or unknown) answers 400
    # naming that key, so a client never believes a change was made that was silently dropped. Every
    # input serializer inherits this (nested ones too); the schema marks them `additionalProperties:
    # false` (alliances.api.schema.AutoSchema). Query-string serializers do not: a query string also
    # carries paging and format parameters.

    default_error_messages = {"not_writable": _("该字段不可写入（只读字段或未知字段）。")}

    def to_internal_value(self, data):
        refused = {}
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = {str(key): [self.error_messages["not_writable"]] for key in data if key not in writable}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if refused and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **refused}) from exc
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value
