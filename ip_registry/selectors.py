"""Reads of the IP register, with what each role may see.

Representatives (and nobody else) are limited to their own unit's IP: assets their unit owns or
owned (any ownership version), licences it grants or receives, and the revenue of assets it owns.
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_scopes import scope

from alliances import access
from alliances.models import Role, RoleGrant
from ip_registry.models import IPAsset, Licence, Licensor, OwnershipShare, OwnershipVersion, RevenueReceipt, Transfer


def projects_is_government_funded(project) -> bool:
    """Whether a project has government funding: the project's own `government_funded` flag
    (when the projects app sets one), or a government fund restricted to it in the ledger."""
    if project is None:
        return False
    return project_flagged_government(project) or project.pk in government_fund_project_ids([project.pk])


def project_flagged_government(project) -> bool:
    """The project's own flags: `government_funded` if it has one, or a government programme (第十七条)."""
    return bool(getattr(project, "government_funded", False) or getattr(project, "government_programme", False))


def government_fund_project_ids(project_ids=None) -> set[int]:
    """Projects (of the current scope) that have a government fund in the finance ledger (a read)."""
    from finance.models import Fund, Source

    funds = Fund.objects.filter(source=Source.GOVERNMENT, project__isnull=False)
    if project_ids is not None:
        funds = funds.filter(project_id__in=list(project_ids))
    return set(funds.values_list("project_id", flat=True))


def asset_is_government_funded(asset: IPAsset) -> bool:
    """Foreground IP of a government-funded project (background IP never is)."""
    return asset.origin == IPAsset.Origin.FOREGROUND and projects_is_government_funded(asset.project)


def ownership_on(asset: IPAsset, on: date) -> OwnershipVersion | None:
    """The ownership version valid on `on` (None before the first one)."""
    return asset.ownership_versions.filter(valid_from__lte=on).order_by("-valid_from").first()


def current_ownership(asset: IPAsset) -> OwnershipVersion | None:
    return asset.ownership_versions.order_by("-number").first()


def representative_units(user, alliance) -> list[int] | None:
    """None: the user sees the whole register; else the ids of the units whose IP they see."""
    roles = access.roles_of(user, alliance)
    if access.is_bureau_officer(user) or roles - {Role.REPRESENTATIVE}:
        return None
    return list(
        RoleGrant.objects.filter(user=user, role=Role.REPRESENTATIVE, revoked_at__isnull=True, member_unit__isnull=False)
        .values_list("member_unit_id", flat=True)
    )


def government_funded_project_ids(alliance) -> set[int]:
    """The projects with foreground assets whose funding includes government money (one query each way)."""
    from projects.models import Project

    ids = set(IPAsset.objects.filter(origin=IPAsset.Origin.FOREGROUND).values_list("project_id", flat=True))
    funded = government_fund_project_ids(ids)
    flagged = {p.pk for p in Project.objects.filter(pk__in=ids - funded) if project_flagged_government(p)}
    return funded | flagged


def _owned_by(units) -> Q:
    return Q(Exists(OwnershipShare.objects.filter(version__asset=OuterRef("pk"), member_unit__in=units)))


def assets_for(user, alliance):
    qs = IPAsset.objects.select_related("project")
    units = representative_units(user, alliance)
    if units is None:
        return qs
    licensed = Licence.objects.filter(Q(licensee_unit__in=units) | Q(licensors__member_unit__in=units)).values("asset_id")
    return qs.filter(_owned_by(units) | Q(pk__in=licensed))


def licences_for(user, alliance):
    qs = Licence.objects.select_related("asset", "licensee_unit", "rd_project").prefetch_related("licensors__member_unit")
    units = representative_units(user, alliance)
    if units is None:
        return qs
    owned = IPAsset.objects.filter(_owned_by(units)).values("pk")
    granted = Licensor.objects.filter(member_unit__in=units).values("licence_id")
    return qs.filter(Q(licensee_unit__in=units) | Q(pk__in=granted) | Q(asset__in=owned)).distinct()


def transfers_for(user, alliance):
    qs = Transfer.objects.select_related("asset")
    units = representative_units(user, alliance)
    if units is None:
        return qs
    return qs.filter(asset__in=IPAsset.objects.filter(_owned_by(units)).values("pk"))


def receipts_for(user, alliance):
    """Revenue is seen by the whole register's readers, and by representatives of an owner."""
    qs = RevenueReceipt.objects.select_related("asset", "licence", "transfer", "ownership_version").prefetch_related("shares__member_unit")
    units = representative_units(user, alliance)
    if units is None:
        return qs
    return qs.filter(asset__in=IPAsset.objects.filter(_owned_by(units)).values("pk"))


def ownership_history(asset):
    return asset.ownership_versions.prefetch_related("shares__member_unit").order_by("-number")


def city_licensing_duty(asset, funded_projects: set[int] | None = None) -> bool:
    """第十六条(三): government-funded results carry the duty to license to units in the city."""
    if asset.origin != IPAsset.Origin.FOREGROUND:
        return False
    if funded_projects is not None:
        return asset.project_id in funded_projects
    return projects_is_government_funded(asset.project)


def annual_summary(alliance, year: int) -> dict:
    """The assets registered and the licences granted in the year, for the annual report (年度报告),
    oldest first, with local dates. A licence the bureau refused (void) was never granted."""
    with scope(alliance=alliance):
        assets = IPAsset.objects.filter(alliance=alliance, registered_at__year=year).order_by("registered_at", "id")
        licences = (Licence.objects.filter(alliance=alliance, granted_at__year=year).exclude(status=Licence.Status.VOID)
                    .select_related("asset").order_by("granted_at", "id"))
        return {
            "assets": [{"title": a.title, "kind": str(a.get_kind_display()), "date": timezone.localdate(a.registered_at)}
                       for a in assets],
            "licences": [{"title": str(li), "date": timezone.localdate(li.granted_at)} for li in licences],
        }
