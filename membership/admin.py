from django.contrib import admin

from alliances.admin_base import TenantAdmin
from membership.models import MemberUnit


@admin.register(MemberUnit)
class MemberUnitAdmin(TenantAdmin):
    list_display = ["name", "uscc", "kind", "status", "alliance_role", "alliance"]
    list_filter = [*TenantAdmin.list_filter, "kind", "status"]
    search_fields = ["name", "uscc"]
