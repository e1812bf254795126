"""The projects' filters, used by the API (`filterset_class`) and the project list page alike. A
unit is chosen among the units the user may read (a representative: their own), built per request."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from alliances.api.filters import BooleanFilter, NumberFilter, TenantChoiceFilter
from membership.models import MemberUnit
from projects import links
from projects.models import BudgetLine, Expense, Project


def _units(request):
    return links.visible_units(request.user, request.alliance)


class ProjectFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label=_("编号或名称"))
    status = filters.MultipleChoiceFilter(choices=Project.Status.choices, label=_("状态"))
    lead_unit = TenantChoiceFilter(model=MemberUnit, rows=_units, label=_("牵头单位"))
    unit = TenantChoiceFilter(model=MemberUnit, rows=_units, field_name="participants__unit", distinct=True, label=_("参与单位"))
    government_programme = BooleanFilter(label=_("政府科技计划项目"))

    class Meta:
        model = Project
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value)) if value else queryset


class ExpenseFilter(filters.FilterSet):
    category = filters.ChoiceFilter(choices=BudgetLine.Category.choices, label=_("预算科目"))
    source = filters.ChoiceFilter(choices=BudgetLine.Source.choices, label=_("资金来源"))
    participant = NumberFilter(field_name="participant_id", label=_("参与单位"))

    class Meta:
        model = Expense
        fields = []
