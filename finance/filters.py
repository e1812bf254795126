"""The ledger's filters, one FilterSet per list, used by the API (`filterset_class`) and by the
pages' filter forms alike. Declared, never generated: generated filters would query the tenant
tables at import time (outside any scope); a choice of rows (account, fund, project, unit) is built
per request from the request's alliance, so another alliance's id is an invalid choice."""

import django_filters
from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from alliances.api.filters import BooleanFilter, NumberFilter, TenantChoiceFilter
from finance.models import Account, Commitment, Fund, JournalEntry, JournalLine, Period, Source
from membership.models import MemberUnit
from projects.models import Project

AMOUNT = {"max_digits": 18, "decimal_places": 2, "min_value": 0, "max_value": 10**16 - 1}


class FundFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=Source.choices)
    restricted = BooleanFilter()
    project = TenantChoiceFilter(model=Project)

    class Meta:
        model = Fund
        fields = []


class CommitmentFilter(django_filters.FilterSet):
    year = NumberFilter()
    member_unit = TenantChoiceFilter(model=MemberUnit)

    class Meta:
        model = Commitment
        fields = []


class AccountFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Account.Kind.choices)
    code = django_filters.CharFilter()

    class Meta:
        model = Account
        fields = []


def with_amount(entries):
    """Each entry's amount (the sum of its debits), for the amount filter and the list."""
    debits = (JournalLine.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
              .annotate(total=Sum("debit")).values("total"))
    return entries.annotate(amount=Coalesce(Subquery(debits, output_field=DecimalField(max_digits=20, decimal_places=2)), 0,
                                            output_field=DecimalField(max_digits=20, decimal_places=2)))


class EntryFilter(django_filters.FilterSet):
    """The journal: dates, status, a line's account, fund, project or member unit, the amount, a search."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("日期起"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("日期止"))
    status = django_filters.ChoiceFilter(choices=JournalEntry.Status.choices, label=_("状态"))
    account = TenantChoiceFilter(model=Account, method="by_line", label=_("科目"))
    fund = TenantChoiceFilter(model=Fund, method="by_line", label=_("资金"))
    project = TenantChoiceFilter(model=Project, method="by_line", label=_("项目"))
    member_unit = TenantChoiceFilter(model=MemberUnit, method="by_line", label=_("成员单位"))
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte", label=_("金额不低于"), **AMOUNT)
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte", label=_("金额不高于"), **AMOUNT)
    date = django_filters.DateFilter(label=_("日期"))
    sequence = NumberFilter(label=_("凭证号"))

    class Meta:
        model = JournalEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.queryset is not None:
            self.queryset = with_amount(self.queryset)

    def by_line(self, queryset, name, value):
        # A line matches, not a join: an entry with two matching lines is listed once.
        return queryset.filter(Exists(JournalLine.objects.filter(entry=OuterRef("pk"), **{name: value})))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        text = Q(description__icontains=value)
        if value.isascii() and value.isdigit() and int(value) < 2**63:
            text |= Q(sequence=int(value))
        return queryset.filter(text)


class PeriodFilter(django_filters.FilterSet):
    year = NumberFilter()
    status = django_filters.ChoiceFilter(choices=Period.Status.choices)

    class Meta:
        model = Period
        fields = []
