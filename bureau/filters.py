"""Submissions' filters: the alliance's own list (page and API) and the bureau's inbox (page and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bureau.models import Kind, Submission


def _search(self, queryset, name, value):
    value = value.strip()
    return queryset.filter(title__icontains=value) if value else queryset


class AllianceSubmissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("标题"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=Submission.Status.choices, label=_("状态"))

    search = _search

    class Meta:
        model = Submission
        fields = []


class SubmissionFilter(django_filters.FilterSet):
    """The bureau's inbox, across alliances: an alliance by its slug (or name) among the rest."""

    q = django_filters.CharFilter(method="search_all", label=_("标题或联盟"))
    alliance = django_filters.CharFilter(field_name="alliance__slug", label=_("联盟标识"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=Submission.Status.choices, label=_("状态"))
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte", label=_("报送日期起"))
    submitted_before = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte", label=_("报送日期止"))

    class Meta:
        model = Submission
        fields = []

    def search_all(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(alliance__name__icontains=value) | Q(alliance__slug=value))
