"""Read-only admin: the ledger is written by services only (posted rows are immutable anyway)."""

from django.contrib import admin

from alliances.admin_base import ReadOnlyTenantInline, TenantAdmin
from finance.models import Account, Attachment, Commitment, Fund, JournalEntry, JournalLine, Period


class JournalLineInline(ReadOnlyTenantInline):
    model = JournalLine
    fields = ["position", "account", "fund", "debit", "credit", "member_unit", "project", "category", "memo"]
    readonly_fields = fields


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


@admin.register(Attachment)
class AttachmentAdmin(TenantAdmin):
    list_display = ["name", "entry", "sha256", "size", "alliance"]
