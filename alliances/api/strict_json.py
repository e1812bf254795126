"""JSON bodies are typed: a field takes the JSON type the schema documents for it. DRF coerces
(`"title": 0` becomes "0", `"is_chair": 0` becomes False, `"year": "2026"` becomes 2026), which
hides client bugs and makes the schema a lie. Form and multipart bodies and query strings carry
only text, so they keep DRF's parsing; the check applies where the serializer was given parsed JSON
(anything but a QueryDict).

Installed once for every serializer (alliances.apps), so no input serializer can forget it."""



from django.http import QueryDict
from rest_framework import fields, relations

# field class -> the JSON types it takes (checked most specific first)
JSON_TYPES = (
    (fields.BooleanField, (bool,)),
    (fields.IntegerField, (int,)),
    (fields.DecimalField, (str,)),  # money and shares are decimal strings in this API
    (fields.CharField, (str,)),
    (relations.PrimaryKeyRelatedField, (int,)),
)


def _from_json(field) -> bool:
    data = getattr(field.root, "initial_data", None)
    return data is not None and not isinstance(data, QueryDict)


def _is_a(data, types) -> bool:
    if isinstance(data, bool):
        return bool in types
    if int in types and isinstance(data, float):
        return data.is_integer()  # JSON Schema: 1.0 is an integer
    return isinstance(data, types)


def _wrap(cls, types):
    original = cls.to_internal_value

    def to_internal_value(self, data):
        if _from_json(self) and not _is_a(data, types):
            if isinstance(self, relations.RelatedField):
                self.fail("incorrect_type", data_type=type(data).__name__)
            raise fields.ValidationError(fields.ErrorDetail(_message(types), code="invalid_type"))
        return original(self, data)

    to_internal_value.strict_json = True
    cls.to_internal_value = to_internal_value


def _message(types) -> str:
    from django.utils.translation import gettext as _

    kind = {bool: _("布尔值（true 或 false）"), int: _("整数"), str: _("字符串")}[types[0]]
    return _("类型有误：应为%(kind)s。") % {"kind": kind}


def install() -> None:
    for cls, types in JSON_TYPES:
        if not getattr(cls.to_internal_value, "strict_json", False):
            _wrap(cls, types)
