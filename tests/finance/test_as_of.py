"""As of means as of: every figure "as of D" comes from records dated on or before D, commitments
by their `committed_on` (and the version of the commitment recorded by then) included."""

import datetime
import re

from django_scopes import scope
from djmoney.money import Money

from finance import selectors, services
from tests.finance.conftest import make_project, post, simple_lines

D = datetime.date
AS_OF = D(2026, 6, 30)
FIGURE = re.compile(r'class="(?:num|value)"[^>]*>([^<]*)<')


def _reports(ctx, api, client, unit, project):
    """Every as-of read of the ledger, through the API and the pages, at AS_OF."""
    user = ctx.user("sg")
    base = f"/api/v1/alliances/{ctx.alliance.slug}/ledger/"
    params = {"as_of": AS_OF.isoformat()}
    out = {path: api(user).get(base + path, params).json() for path in (
        f"statements/{unit.pk}/", "trial-balance/", "general-ledger/", "funds/balances/",
        f"budget-vs-actual/{project.pk}/")}
    with scope(alliance=ctx.alliance):
        out["commitments"] = [(c["commitment"].pk, c["committed"], c["paid"], c["outstanding"])
                              for c in selectors.commitments_of(ctx.alliance, as_of=AS_OF)]
    client.force_login(user)
    pages = f"/a/{ctx.alliance.slug}/finance/"
    for path in (f"statements/{unit.pk}/", "accounts/", "general-ledger/", "contributions/",
                 f"projects/{project.pk}/budget/", ""):
        html = client.get(pages + path, params).content.decode()
        # The figures (table cells and tiles), not the forms around them.
        out["page " + path] = FIGURE.findall(html)
        assert out["page " + path], path
    return out


def test_statement_as_of_a_past_date_ignores_later_commitments_and_entries(oe, api, client):
    sec, unit, other = oe.user("sec"), oe.units[5], oe.units[4]
    project = make_project(oe)
    services.commitment_set(actor=sec, alliance=oe.alliance, member_unit=unit, year=2026, amount=Money(50000, "CNY"),
                            committed_on=D(2026, 2, 1))
    with scope(alliance=oe.alliance):
        commitment = unit.commitments.get(year=2026)
    post(oe, services.contribution_receive(actor=sec, alliance=oe.alliance, commitment=commitment,
                                           amount=Money(20000, "CNY"), date=D(2026, 3, 1)))
    before = _reports(oe, api, client, unit, project)
    assert before[f"statements/{unit.pk}/"]["committed"] != "0.00"

    # After AS_OF: the commitment raised, another unit's first commitment, a receipt, a grant, other income.
    services.commitment_set(actor=sec, alliance=oe.alliance, member_unit=unit, year=2026, amount=Money(80000, "CNY"),
                            committed_on=D(2026, 9, 1))
    services.commitment_set(actor=sec, alliance=oe.alliance, member_unit=other, year=2026, amount=Money(70000, "CNY"),
                            committed_on=D(2026, 10, 1))
    with scope(alliance=oe.alliance):
        commitment.refresh_from_db()
    post(oe, services.contribution_receive(actor=sec, alliance=oe.alliance, commitment=commitment,
                                           amount=Money(5000, "CNY"), date=D(2026, 9, 2)))
    post(oe, services.grant_receive(actor=sec, alliance=oe.alliance, project=project, amount=Money(300000, "CNY"),
                                    date=D(2026, 7, 1), description="市科技计划项目经费拨付"))
    fund = services.fund_for(alliance=oe.alliance, source="other")
    post(oe, services.entry_record(actor=sec, alliance=oe.alliance, date=D(2026, 7, 5), description="其他收入",
                                   lines=simple_lines(fund, "1234.56")))

    after = _reports(oe, api, client, unit, project)
    for key in before:
        assert after[key] == before[key], key
    with scope(alliance=oe.alliance):
        today = selectors.member_statement(oe.alliance, unit, D(2026, 11, 30), page_size=0)
    assert today["committed"] >= 80000  # the later records do count once their date is reached
