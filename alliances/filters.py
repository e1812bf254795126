"""The tenant core's list filters (the activity log's is a plain form, `ActivityFilterForm`: it
reads history tables, not one queryset)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliances.models import OutboxMessage


class OutboxFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("收件人或主题"))
    kind = django_filters.ChoiceFilter(choices=OutboxMessage.Kind.choices, label=_("类别"))

    class Meta:
        model = OutboxMessage
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(recipient__icontains=value) | Q(subject__icontains=value)) if value else queryset
