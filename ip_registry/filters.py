"""The IP register's filters, used by the API (`filterset_class`) and the register page alike. A unit
or a project is chosen among those the user may read (a representative: their own unit and its
projects), built per request, so another alliance's id is an invalid choice."""

import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.api.filters import BooleanFilter, NumberFilter, TenantChoiceFilter
from ip_registry import selectors
from ip_registry.models import IPAsset, Licence, OwnershipShare, OwnershipVersion, Territory, Transfer
from membership.models import MemberUnit
from membership.selectors import visible_units
from projects.models import Project
from projects.selectors import projects_for


def _units(request):
    return visible_units(request.user, request.alliance).order_by("name", "id")


def _projects(request):
    return projects_for(request.user, request.alliance).order_by("code", "id")


class AssetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或号码"))
    kind = django_filters.ChoiceFilter(choices=IPAsset.Kind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=IPAsset.Status.choices, label=_("状态"))
    origin = django_filters.ChoiceFilter(choices=IPAsset.Origin.choices, label=_("来源"))
    owner = TenantChoiceFilter(model=MemberUnit, rows=_units, method="filter_owner", label=_("权利人"))
    project = TenantChoiceFilter(model=Project, rows=_projects, label=_("来源项目"))
    government_funded = BooleanFilter(method="filter_funded", label=_("政府资助"))

    class Meta:
        model = IPAsset
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(application_number__icontains=value)
                               | Q(patent_number__icontains=value) | Q(registration_number__icontains=value))

    def filter_owner(self, queryset, name, unit):
        """Among the current owners (today's ownership version)."""
        current = (OwnershipVersion.objects.filter(asset=OuterRef("version__asset"), valid_from__lte=timezone.localdate())
                   .order_by("-valid_from"))
        owned_now = OwnershipShare.objects.filter(member_unit=unit, version_id=Subquery(current.values("pk")[:1]))
        return queryset.filter(pk__in=owned_now.values("version__asset_id"))

    def filter_funded(self, queryset, name, value):
        funded = selectors.government_funded_project_ids(self.request.alliance)
        return queryset.filter(project_id__in=funded) if value else queryset.exclude(project_id__in=funded)


class LicenceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Licence.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Licence.Status.choices)
    territory = django_filters.ChoiceFilter(choices=Territory.choices)
    asset = NumberFilter(field_name="asset_id")
    licensee_unit = TenantChoiceFilter(model=MemberUnit, rows=_units)
    free_internal_rd = BooleanFilter()

    class Meta:
        model = Licence
        fields = []


class TransferFilter(django_filters.FilterSet):
    asset = NumberFilter(field_name="asset_id")
    status = django_filters.ChoiceFilter(choices=Transfer.Status.choices)
    foreign = BooleanFilter()

    class Meta:
        model = Transfer
        fields = []
