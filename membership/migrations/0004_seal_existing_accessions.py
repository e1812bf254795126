"""Seal the accession records that exist before the chain, per alliance in the order they were
recorded: covered from this migration on."""

from django.db import migrations
from django_scopes import scopes_disabled


def seal_existing(apps, schema_editor):
    from membership import chains

    Alliance, ChainHead = apps.get_model("alliances", "Alliance"), apps.get_model("alliances", "ChainHead")
    AccessionAgreement = apps.get_model("membership", "AccessionAgreement")
    AccessionSeal = apps.get_model("membership", "AccessionSeal")
    with scopes_disabled():
        for alliance in Alliance.objects.order_by("pk"):
            agreements = AccessionAgreement.objects.filter(alliance=alliance, seal__isnull=True)
            for agreement in agreements.order_by("recorded_at", "pk"):
                AccessionSeal.objects.create(
                    alliance=alliance, agreement=agreement,
                    **chains.accessions.append(alliance, chains.accession_content(agreement), head_model=ChainHead),
                )


class Migration(migrations.Migration):

    dependencies = [
        ('alliances', '0004_chain_head'),
        ('membership', '0003_accession_seals'),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
