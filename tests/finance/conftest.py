import datetime

import pytest
from django_scopes import scope
from djmoney.money import Money

from finance import chart, services
from projects.models import Project


def cny(amount) -> Money:
    return Money(amount, "CNY")


def make_project(ctx, code="P-001", title="深海传感器研发"):
    # The projects app owns Project's lifecycle; the ledger only needs a row to restrict funds to.
    with scope(alliance=ctx.alliance):
        return Project.objects.filter(code=code).first() or Project.objects.create(
            alliance=ctx.alliance, code=code, title=title, lead_unit=ctx.units[0]
        )


@pytest.fixture
def project(oe):
    return make_project(oe)


@pytest.fixture
def funded(oe, project):
    """ocean-equipment with 100,000 CNY of government money restricted to `project`, posted."""
    entry = services.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny("100000"),
                                   date=datetime.date(2026, 3, 2), description="市科技计划项目经费拨付")
    services.entry_approve(actor=oe.user("sg"), alliance=oe.alliance, entry=entry)
    return services.fund_for(alliance=oe.alliance, source="government", project=project)


def post(ctx, entry, approver="sg"):
    return services.entry_approve(actor=ctx.user(approver), alliance=ctx.alliance, entry=entry)


def simple_lines(fund, amount, debit=chart.BANK, credit=chart.INCOME_OTHER, currency="CNY"):
    return [
        {"account": debit, "fund": fund, "debit": Money(amount, currency)},
        {"account": credit, "fund": fund, "credit": Money(amount, currency)},
    ]
