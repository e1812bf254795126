"""Admin is a read-only window: services are the only writers. Tenant rows are filtered to the
alliances the staff user administers (a platform administrator sees all)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from alliances import access
from alliances.models import RoleGrant


def administered_alliance_ids(user) -> list[int]:
    return list(
        RoleGrant.objects.with_scopes_disabled()
        .filter(user=user, revoked_at__isnull=True, role__in=access.SECRETARIAT)
        .values_list("alliance_id", flat=True)
    )


class ReadOnlyPermissions:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, SimpleHistoryAdmin):
    pass


class ReadOnlyTenantInline(ReadOnlyPermissions, admin.TabularInline):
    """Rows shown under their parent (already filtered to the user's alliances)."""

    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return self.model.objects.with_scopes_disabled().all()


class TenantAdmin(ReadOnlyAdmin):
    # Only the alliances the user may see appear in the filter, not every tenant's name.
    list_filter = [("alliance", admin.RelatedOnlyFieldListFilter)]

    def get_queryset(self, request):
        queryset = self.model.objects.with_scopes_disabled().all()
        if request.user.is_superuser:
            return queryset
        return queryset.filter(alliance_id__in=administered_alliance_ids(request.user))
