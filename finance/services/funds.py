"""The ledger head, chart of accounts and funds of an alliance."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from alliances.errors import ValidationFailed
from finance import chart
from finance.models import Account, Fund, Ledger, Source


def chart_install(alliance) -> Ledger:
    """Create the alliance's ledger head and chart of accounts from the template (idempotent)."""
    with scope(alliance=alliance):
        # Fast path, run on every posting: one read, no savepoint (see docs/bench.md).
        ledger = Ledger.objects.filter(alliance=alliance).first()
        if ledger is not None and ledger.chart_version >= chart.CHART_VERSION:
            return ledger
    with scope(alliance=alliance), transaction.atomic():
        ledger = Ledger.objects.filter(alliance=alliance).first()
        if ledger is not None and ledger.chart_version >= chart.CHART_VERSION:
            return ledger
        if ledger is None:
            try:
                with transaction.atomic():
                    ledger = Ledger.objects.create(alliance=alliance)
            except IntegrityError:
                ledger = Ledger.objects.get(alliance=alliance)
        existing = set(Account.objects.values_list("code", flat=True))
        chain_codes = set(Account.objects.values_list("chain_code", flat=True))
        for code, name, kind, source, category, contra in chart.TEMPLATE:
            if code in existing:
                continue
            # A renumbered account may still hash as this code (the old 4101 now 4201.01): take the next free one.
            chain_code, n = code, 1
            while chain_code in chain_codes:
                n += 1
                chain_code = f"{code}@{n}"
            chain_codes.add(chain_code)
            Account.objects.create(alliance=alliance, code=code, chain_code=chain_code, name=str(name), kind=kind,
                                   source=source, category=category, contra=contra)
        Ledger.objects.filter(pk=ledger.pk).update(chart_version=chart.CHART_VERSION)
        ledger.chart_version = chart.CHART_VERSION
        return ledger


def fund_for(*, alliance, source, project=None) -> Fund:
    """The fund of `source`, restricted to `project` when one is given (get or create)."""
    if source not in Source.values:
        raise ValidationFailed(fields={"source": [_("未知的资金来源。")]})
    if project is not None and source == Source.UNRESTRICTED:
        raise ValidationFailed(fields={"source": [_("项目资金必须注明来源，不能是非限定性资金。")]})
    if project is not None and project.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"project": [_("项目不属于本联盟。")]})
    chart_install(alliance)
    with scope(alliance=alliance), transaction.atomic():
        fund = Fund.objects.filter(source=source, project=project).first()
        if fund is None:
            try:
                with transaction.atomic():
                    fund = Fund.objects.create(alliance=alliance, source=source, project=project, restricted=project is not None)
            except IntegrityError:  # created concurrently
                fund = Fund.objects.get(source=source, project=project)
        return fund
