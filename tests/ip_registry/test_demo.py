from django_scopes import scope

from finance.models import JournalEntry

from ip_registry import demo
from ip_registry.models import IPAsset, Licence, OwnershipVersion, RevenueReceipt, RevenueShare
from projects.models import Project


def snapshot():
    return [m.objects.count() for m in (IPAsset, OwnershipVersion, Licence, RevenueReceipt, RevenueShare)]


def test_demo_is_idempotent_and_covers_every_licence_kind(oe, gov_project):
    with scope(alliance=oe.alliance):
        Project.objects.filter(pk=gov_project.pk).update(status=Project.Status.IN_PROGRESS)
        demo.load(oe)
        first = snapshot()
        demo.load(oe)
        assert snapshot() == first
        assert IPAsset.objects.filter(origin="background").count() == 3
        assert IPAsset.objects.filter(origin="foreground", project=gov_project).count() == 1
        assert set(Licence.objects.values_list("kind", flat=True)) == {"exclusive", "sole", "non_exclusive"}
        assert Licence.objects.filter(free_internal_rd=True).exists()
        assert Licence.objects.filter(status="pending_bureau", territory="foreign").count() == 1
        assert RevenueReceipt.objects.count() == 2
        for receipt in RevenueReceipt.objects.all():
            assert sum(s.amount for s in receipt.shares.all()) == receipt.net
            assert JournalEntry.objects.get(pk=receipt.journal_entry_id).status == JournalEntry.Status.POSTED
