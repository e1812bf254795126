"""Member contributions (commitments and receipts) and government grants."""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances import access, dates
from alliances.errors import ValidationFailed
from alliances.money import format_money
from alliances.tenancy import tenant_service
from finance import chart
from finance.models import Commitment, JournalEntry, JournalLine, Source
from finance.services._common import ZERO
from finance.services.funds import fund_for
from finance.services.journal import _record
from finance.services.validation import _positive, _require_recorder


@tenant_service
def commitment_set(*, actor, alliance, member_unit, year: int, amount, committed_on=None, note: str = "") -> Commitment:
    """Set (or change) a member unit's contribution for a year, as the agreement sets it."""
    access.require_secretariat(actor, alliance)
    if member_unit.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"member_unit": [_("成员单位不属于本联盟。")]})
    money = _positive(amount)
    span = dates.alliance_range(alliance)
    if not (span.earliest.year <= int(year) <= span.latest.year):
        raise ValidationFailed(fields={"year": [_("年度须在%(first)s至%(last)s之间。") % {
            "first": span.earliest.year, "last": span.latest.year}]})
    dates.check_date(committed_on, span, field="committed_on")
    commitment = Commitment.objects.select_for_update().filter(member_unit=member_unit, year=year).first()
    if commitment is None:
        commitment = Commitment(alliance=alliance, member_unit=member_unit, year=year)
    commitment.amount = money
    commitment.committed_on = committed_on or timezone.localdate()
    commitment.note = (note or "")[:300]
    commitment.save()
    return commitment


def _contribution_received(commitment) -> Decimal:
    """What is paid, or on its way, against a commitment: posted receipts net of posted reversals, plus
    receipts still awaiting approval (a pending reversal frees nothing until it posts)."""
    lines = JournalLine.objects.filter(commitment=commitment, account__code=chart.INCOME_MEMBER)
    posted = lines.filter(posted=True).aggregate(c=Sum("credit"), d=Sum("debit"))
    pending = lines.filter(entry__status=JournalEntry.Status.RECORDED).aggregate(c=Sum("credit"))
    return (posted["c"] or ZERO) - (posted["d"] or ZERO) + (pending["c"] or ZERO)


@tenant_service
def contribution_receive(*, actor, alliance, commitment, amount, date, description: str = "",
                         prepayment_year: int | None = None) -> JournalEntry:
    """Record a receipt against a commitment: bank / member contribution income (unrestricted).

    A receipt never exceeds what is outstanding on the commitment it pays. Money beyond that is a
    prepayment only when the treasurer says so: `prepayment_year` names the later year, and the
    receipt is then recorded against that year's commitment (which must be set first)."""
    _require_recorder(actor, alliance)
    if not isinstance(commitment, Commitment) or commitment.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"commitment": [_("出资承诺不属于本联盟。")]})
    money = _positive(amount)
    if money.currency != commitment.amount.currency:
        raise ValidationFailed(fields={"amount": [_("币种必须与承诺一致。")]})
    unit = commitment.member_unit
    if prepayment_year not in (None, ""):
        if int(prepayment_year) <= commitment.year:
            raise ValidationFailed(fields={"prepayment_year": [_("预缴年度须晚于%(year)s年。") % {"year": commitment.year}]})
        later = Commitment.objects.filter(member_unit=unit, year=int(prepayment_year)).first()
        if later is None:
            raise ValidationFailed(fields={"prepayment_year": [
                _("请先设定%(unit)s %(year)s年度的出资承诺，再录入预缴。") % {"unit": unit.name, "year": prepayment_year}]})
        if later.amount.currency != money.currency:
            raise ValidationFailed(fields={"amount": [_("币种必须与承诺一致。")]})
        commitment = later
    # Locked: two receipts recorded at once cannot both fit into the same outstanding amount.
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    outstanding = commitment.amount.amount - _contribution_received(commitment)
    if money.amount > outstanding:
        if outstanding <= 0:
            message = _("%(unit)s %(year)s年度出资已缴清（含待审核的到账）；如为以后年度预缴，请注明预缴年度。")
        else:
            message = _("到账金额超过%(unit)s %(year)s年度尚未缴纳的%(outstanding)s元；超出部分如为以后年度预缴，请分笔录入并注明预缴年度。")
        raise ValidationFailed(fields={"amount": [message % {
            "unit": unit.name, "year": commitment.year, "outstanding": format_money(max(outstanding, ZERO))}]})
    fund = fund_for(alliance=alliance, source=Source.MEMBER_CONTRIBUTION)
    lines = [
        {"account": chart.BANK, "fund": fund, "debit": money, "member_unit": unit, "commitment": commitment},
        {"account": chart.INCOME_MEMBER, "fund": fund, "credit": money, "member_unit": unit, "commitment": commitment},
    ]
    if prepayment_year not in (None, ""):
        default = _("%(unit)s 预缴%(year)s年度出资") % {"unit": unit.name, "year": commitment.year}
    else:
        default = _("%(unit)s %(year)s年度出资") % {"unit": unit.name, "year": commitment.year}
    description = description or default
    return _record(actor=actor, alliance=alliance, date=date, description=description[:300], lines=lines)


@tenant_service
def grant_receive(*, actor, alliance, project, amount, date, description: str, source: str = Source.GOVERNMENT) -> JournalEntry:
    """Money received for a project (government funding by default): restricted to it."""
    _require_recorder(actor, alliance)
    money = _positive(amount)
    fund = fund_for(alliance=alliance, source=source, project=project)
    income = chart.INCOME_ACCOUNT_OF_SOURCE.get(source)
    if source == Source.LOAN:
        income = chart.LONG_LOAN
    lines = [
        {"account": chart.BANK, "fund": fund, "debit": money, "project": project},
        {"account": income, "fund": fund, "credit": money, "project": project},
    ]
    return _record(actor=actor, alliance=alliance, date=date, description=description, lines=lines)
