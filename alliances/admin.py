from django.contrib import admin

from alliances.admin_base import ReadOnlyAdmin, TenantAdmin
from alliances.models import Alliance, Organ, RoleGrant, Seat, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "display_name", "email", "is_active"]
    search_fields = ["username", "display_name", "email"]
    exclude = ["password"]

    def get_queryset(self, request):
        from alliances.admin_base import administered_alliance_ids

        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(role_grants__alliance_id__in=administered_alliance_ids(request.user)).distinct()


@admin.register(Alliance)
class AllianceAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "status", "technology_field"]

    def get_queryset(self, request):
        from alliances.admin_base import administered_alliance_ids

        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk__in=administered_alliance_ids(request.user))


@admin.register(Organ)
class OrganAdmin(TenantAdmin):
    list_display = ["name", "kind", "alliance"]


@admin.register(Seat)
class SeatAdmin(TenantAdmin):
    list_display = ["title", "organ", "unit", "is_chair", "alliance"]


@admin.register(RoleGrant)
class RoleGrantAdmin(TenantAdmin):
    list_display = ["user", "role", "seat", "member_unit", "granted_at", "revoked_at", "alliance"]
    list_filter = [*TenantAdmin.list_filter, "role"]
