"""Scheduled IP register jobs (settings.SCHEDULED_JOBS); each is safe to run twice."""

from django.utils import timezone
from django_tasks import task

from alliances.models import Alliance
from ip_registry import services


@task()
def expire_licences() -> int:
    """Bring granted licences into force on their start date and expire ended ones, in every alliance
    (a licence already moved is not moved again)."""
    today = timezone.localdate()
    return sum(services.licences_expire(actor=None, alliance=alliance, today=today)
               for alliance in Alliance.objects.exclude(status=Alliance.Status.DISSOLVED))
