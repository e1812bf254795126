"""Read-only admin: the ledger is written by services only (posted rows are immutable anyway)."""

from django.contrib import admin

from alliances.admin_base import TenantAdmin
from finance.models import Account, Commitment, Fund, JournalEntry, JournalLine, Period


class JournalLineInline(admin.TabularInline):
    model = JournalLine
    fields = ["position", "account", "fund", "debit", "credit", "member_unit", "project", "category", "memo"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return JournalLine.objects.with_scopes_disabled().all()


@admin.register(JournalEntry)
class JournalEntryAdmin(TenantAdmin):
    list_display = ["sequence", "date", "description", "status", "recorded_by", "approved_by", "alliance"]
    list_filter = ["alliance", "status"]
    search_fields = ["description"]
    readonly_fields = [f.name for f in JournalEntry._meta.fields]
    inlines = [JournalLineInline]


@admin.register(Account)
class AccountAdmin(TenantAdmin):
    list_display = ["code", "name", "kind", "source", "category", "alliance"]


@admin.register(Fund)
class FundAdmin(TenantAdmin):
    list_display = ["__str__", "source", "project", "restricted", "alliance"]


@admin.register(Period)
class PeriodAdmin(TenantAdmin):
    list_display = ["__str__", "status", "closed_by", "reopened_by", "alliance"]


@admin.register(Commitment)
class CommitmentAdmin(TenantAdmin):
    list_display = ["member_unit", "year", "amount", "alliance"]
