"""Filters, declared explicitly: automatic ones would query the tenant tables at import time
(outside any scope), and a related-model choice filter would list another alliance's rows."""

import django_filters

from alliances.api.filters import BooleanFilter, NumberFilter
from finance.models import Account, Commitment, Fund, JournalEntry, Period, Source


class FundFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=Source.choices)
    restricted = BooleanFilter()
    project = NumberFilter(field_name="project_id")

    class Meta:
        model = Fund
        fields = []


class CommitmentFilter(django_filters.FilterSet):
    year = NumberFilter()
    member_unit = NumberFilter(field_name="member_unit_id")

    class Meta:
        model = Commitment
        fields = []


class AccountFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Account.Kind.choices)
    code = django_filters.CharFilter()

    class Meta:
        model = Account
        fields = []


class EntryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JournalEntry.Status.choices)
    date = django_filters.DateFilter()
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    sequence = NumberFilter()

    class Meta:
        model = JournalEntry
        fields = []


class PeriodFilter(django_filters.FilterSet):
    year = NumberFilter()
    status = django_filters.ChoiceFilter(choices=Period.Status.choices)

    class Meta:
        model = Period
        fields = []
