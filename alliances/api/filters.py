"""Filter types shared by every app's API: a value that is not what the schema documents is a 400,
never silently ignored (an empty value still means "no filter")."""

import django_filters
from django import forms
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
