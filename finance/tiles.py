from django.urls import reverse
from django.utils.translation import gettext as _

from alliances import access
from alliances.dashboard import Tile
from alliances.money import format_money
from finance import selectors
from finance.models import JournalEntry


def pending_entries_tile(request, alliance):
    """The secretariat's approval queue."""
    if not access.has_role(request.user, alliance, *access.SECRETARIAT):
        return None
    count = JournalEntry.objects.filter(status=JournalEntry.Status.RECORDED).count()
    return Tile(title=_("待审核凭证"), value=str(count), url=reverse("finance:approvals", kwargs={"slug": alliance.slug}))


def statement_tile(request, alliance):
    """A member representative's outstanding contribution."""
    roles = access.roles_of(request.user, alliance)
    if "representative" not in roles or roles & selectors.LEDGER_READERS:
        return None
    unit = selectors.statement_units_of(request.user, alliance).first()
    if unit is None:
        return None
    statement = selectors.member_statement(alliance, unit, page_size=0)
    return Tile(title=_("本单位未缴出资（元）"), value=format_money(statement["outstanding"]),
                url=reverse("finance:statement", kwargs={"slug": alliance.slug, "unit_id": unit.pk}), note=unit.name)
