"""Filter types shared by every app's API: a value that is not what the schema documents is a 400,
never silently ignored (an empty value still means "no filter")."""

import django_filters
from django import forms
from django_scopes import scopes_disabled
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django.utils.translation import gettext_lazy as _


class NumberFilter(django_filters.NumberFilter):
    """Ids and years: an integer (0.5 is refused), within 64 bits (beyond overflows the database driver)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    TRUE, FALSE = {"true", "1"}, {"false", "0"}
    widget = forms.Select(choices=[("", "—"), ("true", _("是")), ("false", _("否"))])

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("请填写 true 或 false。"), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """`true`/`false` (or 1/0); anything else is refused, where django-filter's reads it as "no filter"."""

    field_class = StrictBooleanField


class TenantChoiceField(forms.ModelChoiceField):
    """A row of the request's alliance, by id. Anything else (another alliance's id, text, a number
    beyond 64 bits) is the same field error, checked before the database sees it."""

    default_error_messages = {"invalid_choice": _("该选项不存在或不属于本联盟。")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and 0 < int(text) < 2**63):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


@extend_schema_field(OpenApiTypes.INT)  # the row's id (a `method=` filter gives the schema no model field to read)
class TenantChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among the rows of the request's alliance: the queryset is built per request
    (`rows(request)`, default: the model's rows of `request.alliance`), so another alliance's id is
    an invalid choice (a 400 on the API, a form error on a page), never a filter that matches."""

    field_class = TenantChoiceField

    def __init__(self, *args, model, rows=None, **kwargs):
        self.target = model
        self.rows = rows or (lambda request: model.objects.filter(alliance=request.alliance))
        kwargs["queryset"] = self._queryset
        super().__init__(*args, **kwargs)

    def _queryset(self, request):
        if request is None or getattr(request, "alliance", None) is None:
            with scopes_disabled():
                return self.target.objects.none()  # schema generation, or no alliance: nothing to choose
        return self.rows(request)
