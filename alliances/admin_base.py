"""Admin is a read-only window: services are the only writers. Tenant rows are filtered to the
alliances the staff user administers (a platform administrator sees all)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
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
    def _require_visible(self, request, object_id) -> None:
        # simple_history shows the history of a row outside get_queryset() from its last
        # historical record: another alliance's row would be readable by its id.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ReadOnlyTenantInline(ReadOnlyPermissions, admin.TabularInline):
    """Rows shown under their parent (already filtered to the user's alliances)."""

    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return self.model.objects.with_scopes_disabled().all()


class TenantAdmin(ReadOnlyAdmin):
    # Only the alliances the user may see appear in the filter, not every tenant's name.
    list_filter = [("alliance", admin.RelatedOnlyFieldListFilter)]

    def get_list_filter(self, request):
        # A subclass's plain "alliance" filter would list every alliance's name: only those it may see.
        return [("alliance", admin.RelatedOnlyFieldListFilter) if name == "alliance" else name
                for name in super().get_list_filter(request)]

    def get_queryset(self, request):
        queryset = self.model.objects.with_scopes_disabled().all()
        if request.user.is_superuser:
            return queryset
        return queryset.filter(alliance_id__in=administered_alliance_ids(request.user))
