"""Governance's filters, one FilterSet per list, used by the API (`filterset_class`) and by the
pages' filter forms alike. Declared: django-filter's automatic ones query the scoped manager at
class build time, which fails during schema generation (no tenant scope there)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliances.api.filters import BooleanFilter, NumberFilter
from governance.models import Consultation, Meeting, Motion, MotionKind, Notification, Resolution, SealedResult

YEAR = {"min_value": 1900, "max_value": 9999}


def _search(*fields):
    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)
    return search


class MotionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    kind = django_filters.ChoiceFilter(choices=MotionKind.choices, label=_("议案类型"))
    status = django_filters.ChoiceFilter(choices=Motion.Status.choices, label=_("状态"))
    result = django_filters.ChoiceFilter(choices=Motion.Result.choices, label=_("结果"))
    year = NumberFilter(field_name="closes_at__year", label=_("年度"), **YEAR)

    search = _search("title", "resolution_record__number")

    class Meta:
        model = Motion
        fields = []


class ResolutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    year = NumberFilter(label=_("年度"), **YEAR)

    search = _search("number", "title")

    class Meta:
        model = Resolution
        fields = []


class SealedResultFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    search = _search("title", "resolution_number")

    class Meta:
        model = SealedResult
        fields = []


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices, label=_("状态"))
    minutes_status = django_filters.ChoiceFilter(choices=Meeting.MinutesStatus.choices, label=_("纪要状态"))
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("日期起"))
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("日期止"))

    search = _search("title", "location")

    class Meta:
        model = Meeting
        fields = []


class ConsultationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.ChoiceFilter(choices=Consultation.Status.choices, label=_("状态"))

    search = _search("title",)

    class Meta:
        model = Consultation
        fields = []


class NotificationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    unread = BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("仅未读"))

    search = _search("title",)

    class Meta:
        model = Notification
        fields = []
