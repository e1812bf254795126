from django.contrib import admin

from alliances.admin_base import TenantAdmin
from membership.models import AccessionAgreement, ApplicationForm, ExpulsionCase, MemberTransition, MemberUnit, ProjectBar


@admin.register(MemberUnit)
class MemberUnitAdmin(TenantAdmin):
    list_display = ["name", "uscc", "kind", "status", "alliance_role", "alliance"]
    list_filter = ["alliance", "kind", "status"]
    search_fields = ["name", "uscc"]


@admin.register(MemberTransition)
class MemberTransitionAdmin(TenantAdmin):
    list_display = ["unit", "event", "from_status", "to_status", "date", "resolution_number", "actor", "alliance"]
    list_filter = ["alliance", "event"]


@admin.register(AccessionAgreement)
class AccessionAgreementAdmin(TenantAdmin):
    list_display = ["unit", "signed_on", "signatory_unit", "signatory", "resolution_number", "alliance"]


@admin.register(ExpulsionCase)
class ExpulsionCaseAdmin(TenantAdmin):
    list_display = ["unit", "grounds", "proposed_on", "outcome", "resolution_number", "alliance"]
    list_filter = ["alliance", "grounds", "outcome"]


@admin.register(ProjectBar)
class ProjectBarAdmin(TenantAdmin):
    list_display = ["unit", "start", "end", "resolution_number", "alliance"]


@admin.register(ApplicationForm)
class ApplicationFormAdmin(TenantAdmin):
    list_display = ["alliance", "is_open"]
