"""Scheduled governance jobs (settings.SCHEDULED_JOBS); each is safe to run twice."""

from django_tasks import task

from alliances.errors import ServiceError
from alliances.models import Alliance
from governance import digest, services


@task()
def close_due_motions() -> dict:
    """Close and seal every open motion whose voting window has ended, in every alliance. A closed
    motion is no longer due, so a second run closes nothing."""
    closed, refused = [], []
    for motion in services.motions_due().order_by("closes_at", "pk"):
        alliance = Alliance.objects.get(pk=motion.alliance_id)
        try:
            motion = services.motion_close(actor=None, alliance=alliance, motion=motion)
        except ServiceError as error:
            refused.append(f"{alliance.slug} motion {motion.pk}: {error.message}")
            continue
        number = motion.resolution.number if motion.resolution else "-"
        closed.append(f"{alliance.slug} motion {motion.pk}: {motion.result} {number}")
    return {"closed": closed, "refused": refused}


@task()
def send_motion_reminders() -> int:
    """Remind councillors who have not voted on motions closing within 24 hours (one reminder per
    person and motion: a second run sends none)."""
    alliance_ids = services.motions_due_soon().values_list("alliance_id", flat=True).distinct()
    return sum(services.motion_reminders_send(actor=None, alliance=alliance)
               for alliance in Alliance.objects.filter(pk__in=list(alliance_ids)))


@task()
def send_notification_digest() -> int:
    """The daily digest e-mails (governance.digest); a second run sends none."""
    return digest.send_digests()
