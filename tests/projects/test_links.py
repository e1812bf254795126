"""projects.links calls the other apps' named selectors (no fallbacks): here finance's."""

from django_scopes import scope

from finance import selectors as finance_selectors
from projects import services

from .conftest import approved, fund, make_draft, running


def test_government_money_restricted_to_a_project_makes_its_withdrawals_need_the_bureau(oe):
    funded = running(oe, make_draft(oe, code="OE-F"))
    other = approved(oe, make_draft(oe, code="OE-O"))
    fund(oe, funded, "50000")
    with scope(alliance=oe.alliance):
        assert finance_selectors.has_government_fund(funded) is True
        assert finance_selectors.has_government_fund(other) is False
        assert services.withdrawal_needs_bureau(funded) and not services.withdrawal_needs_bureau(other)
    fund(oe, other, "1000", source="member_contribution")
    with scope(alliance=oe.alliance):
        assert finance_selectors.has_government_fund(other) is False
