from django_scopes import scope

from finance import demo, selectors
from finance.models import Commitment, JournalEntry, Period


def test_demo_is_a_consistent_year_and_idempotent(oe):
    with scope(alliance=oe.alliance):
        demo.load(oe)
        counts = (JournalEntry.objects.count(), Commitment.objects.count(), Period.objects.count())
        demo.load(oe)
        assert (JournalEntry.objects.count(), Commitment.objects.count(), Period.objects.count()) == counts
        assert counts[0] >= 30 and counts[1] == 9
        assert not JournalEntry.objects.filter(status="recorded").exists()
        assert JournalEntry.objects.filter(reverses__isnull=False).count() == 1
        assert selectors.verify_chain(oe.alliance)["ok"]
        assert selectors.trial_balance(oe.alliance)["balanced"]
        gov = selectors.government_funds(oe.alliance)
        assert gov["received"] == 1500000 and 0 < gov["spent"] < gov["received"]
        statement = selectors.member_statement(oe.alliance, oe.units[5])
        assert statement["committed"] == 50000 and statement["outstanding"] == 25000
        assert selectors.member_statement(oe.alliance, oe.units[8])["paid"] == 0
