"""membership.selectors.annual_changes and current_counts_by_alliance: the bureau's annual report and console."""

import datetime

from django_scopes import scope

from membership import selectors
from membership.models import MemberUnit


def _set(ctx, index, **fields):
    with scope(alliance=ctx.alliance):
        MemberUnit.objects.filter(pk=ctx.units[index].pk).update(**fields)


def test_joined_left_and_members_at_the_years_end(oe, bm):
    _set(oe, 7, joined_on=datetime.date(2025, 5, 1))
    _set(oe, 8, status=MemberUnit.Status.WITHDRAWN, left_on=datetime.date(2025, 9, 1))
    _set(oe, 6, status=MemberUnit.Status.EXPELLED, left_on=datetime.date(2026, 2, 1))  # still a member at the end of 2025
    _set(oe, 5, joined_on=datetime.date(2026, 1, 10))  # not yet a member at the end of 2025

    changes = selectors.annual_changes(oe.alliance, 2025)
    assert [(u["name"], u["date"]) for u in changes["joined"]] == [(oe.units[7].name, datetime.date(2025, 5, 1))]
    assert [(u["name"], u["status"], u["date"]) for u in changes["left"]] == [
        (oe.units[8].name, "已退出", datetime.date(2025, 9, 1))]
    counts = changes["counts"]
    assert counts["total"] == 7 == sum(row["count"] for row in counts["by_kind"])
    assert [u["name"] for u in selectors.annual_changes(oe.alliance, 2026)["left"]] == [oe.units[6].name]


def test_current_counts_per_alliance_and_kind(oe, bm):
    _set(oe, 8, status=MemberUnit.Status.WITHDRAWN)
    by_alliance = selectors.current_counts_by_alliance()
    assert sum(by_alliance[oe.alliance.pk].values()) == 8
    assert by_alliance[oe.alliance.pk] == {k: n for k, n in selectors.member_counts_by_kind(oe.alliance).items()
                                           if k != "total" and n}
    assert set(by_alliance) == {oe.alliance.pk, bm.alliance.pk}
