"""Fixtures of the IP register tests: projects, government funding, a registered asset."""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from ip_registry import services
from ip_registry.models import IPAsset
from projects import services as project_services
from projects.models import Project

@pytest.fixture
def project(oe):
    # Projects has no service to create one yet: the skeleton row is the test's setup.
    with scope(alliance=oe.alliance):
        return Project.objects.create(alliance=oe.alliance, code="OE-P-001", title="深海传感器", lead_unit=oe.units[0])


@pytest.fixture
def gov_project(oe):
    """A project with government funding: a government fund restricted to it in the ledger."""
    from finance.services import fund_for

    with scope(alliance=oe.alliance):
        project = Project.objects.create(alliance=oe.alliance, code="OE-G-001", title="水下机器人（市科技计划）",
                                         lead_unit=oe.units[0])
    fund_for(alliance=oe.alliance, source="government", project=project)
    # Its undertaking units (第十六条(一)), who own its results: the lead, units[2] and units[3];
    # its IP agreement also names one outside co-owner.
    for unit in oe.units[2:4]:
        project_services.participant_add(actor=oe.user("sec"), alliance=oe.alliance, project=project, unit=unit)
    project_services.ip_agreement_set(actor=oe.user("sec"), alliance=oe.alliance, project=project, licensing="",
                                      revenue_sharing="", on_dissolution="", on_withdrawal="", shares=[],
                                      outside_owners="外部研究所")
    return project


def register(ctx, *, owners=None, origin="background", project=None, kind="invention_patent", title="一种水下传感器",
             **details):
    units = ctx.units
    owners = owners or [(units[0], "", Decimal("60")), (units[1], "", Decimal("40"))]
    details.setdefault("filing_date", date(2024, 1, 10))
    return services.asset_register(actor=ctx.user("sec"), alliance=ctx.alliance, kind=kind, title=title, origin=origin,
                                   owners=owners, project=project, **details)


@pytest.fixture
def asset(oe) -> IPAsset:
    return register(oe)


@pytest.fixture
def gov_asset(oe, gov_project) -> IPAsset:
    return register(oe, origin="foreground", project=gov_project, title="水下机器人控制方法",
                    owners=[(oe.units[0], "", Decimal("50")), (oe.units[2], "", Decimal("50"))])
