"""The directory's filter, used by the API (`filterset_class`) and the member list page alike.
Declared, not generated from the model: generation queries the (scoped) default manager."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from membership.models import MemberUnit


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或统一社会信用代码"))
    kind = django_filters.ChoiceFilter(choices=MemberUnit.Kind.choices, label=_("单位类型"))
    status = django_filters.ChoiceFilter(choices=MemberUnit.Status.choices, label=_("状态"))
    role = django_filters.ChoiceFilter(field_name="alliance_role", choices=MemberUnit.AllianceRole.choices, label=_("联盟职务"))

    class Meta:
        model = MemberUnit
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper())) if value else queryset
