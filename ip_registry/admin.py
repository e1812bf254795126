from django.contrib import admin

from alliances.admin_base import TenantAdmin
from ip_registry.models import IPAsset, Licence, OwnershipVersion, RevenueReceipt, Transfer


@admin.register(IPAsset)
class IPAssetAdmin(TenantAdmin):
    list_display = ["title", "kind", "origin", "status", "project", "alliance"]
    list_filter = [*TenantAdmin.list_filter, "kind", "origin", "status"]
    search_fields = ["title", "application_number", "patent_number", "registration_number"]


@admin.register(OwnershipVersion)
class OwnershipVersionAdmin(TenantAdmin):
    list_display = ["asset", "number", "valid_from", "reason", "alliance"]


@admin.register(Licence)
class LicenceAdmin(TenantAdmin):
    list_display = ["number", "asset", "kind", "territory", "start", "end", "status", "alliance"]
    list_filter = [*TenantAdmin.list_filter, "kind", "territory", "status"]
    search_fields = ["number", "licensee_name", "field_of_use"]


@admin.register(Transfer)
class TransferAdmin(TenantAdmin):
    list_display = ["number", "asset", "foreign", "agreed_on", "status", "alliance"]


@admin.register(RevenueReceipt)
class RevenueReceiptAdmin(TenantAdmin):
    list_display = ["reference", "asset", "received_on", "gross", "net", "alliance"]
