"""Seal the resolutions and approved minutes that exist before the chains, per alliance in their
order (sealed results by sequence, minutes by approval time): covered from this migration on.
The sealed results' own hashes are not touched."""

from django.db import migrations
from django_scopes import scopes_disabled


def seal_existing(apps, schema_editor):
    from governance import chains

    Alliance, ChainHead = apps.get_model("alliances", "Alliance"), apps.get_model("alliances", "ChainHead")
    SealedResult, Resolution = apps.get_model("governance", "SealedResult"), apps.get_model("governance", "Resolution")
    ResolutionSeal, MinutesSeal = apps.get_model("governance", "ResolutionSeal"), apps.get_model("governance", "MinutesSeal")
    Meeting, AgendaItem = apps.get_model("governance", "Meeting"), apps.get_model("governance", "AgendaItem")
    Attendance = apps.get_model("governance", "Attendance")
    with scopes_disabled():
        for alliance in Alliance.objects.order_by("pk"):
            resolutions = {r.motion_id: r for r in Resolution.objects.filter(alliance=alliance)}
            for sealed in SealedResult.objects.filter(alliance=alliance, resolution_seal__isnull=True).order_by("sequence"):
                content = chains.resolution_content(sealed, resolutions.get(sealed.motion_id))
                ResolutionSeal.objects.create(alliance=alliance, sealed_result=sealed,
                                              **chains.resolutions.append(alliance, content, head_model=ChainHead))
            approved = Meeting.objects.filter(alliance=alliance, minutes_status__in=chains.APPROVED, minutes_seal__isnull=True)
            for meeting in approved.order_by("minutes_approved_at", "pk"):
                agenda = AgendaItem.objects.filter(meeting=meeting).order_by("position", "id").values_list(
                    "position", "title", "motion_id")
                present = list(Attendance.objects.filter(meeting=meeting, present=True).order_by("seat_id").values_list(
                    "seat_id", flat=True))
                content = chains.minutes_content(meeting, list(agenda), present)
                MinutesSeal.objects.create(alliance=alliance, meeting=meeting, present_seats=present,
                                           **chains.minutes.append(alliance, content, head_model=ChainHead))


class Migration(migrations.Migration):

    dependencies = [
        ('alliances', '0004_chain_head'),
        ('governance', '0005_resolution_and_minutes_seals'),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
