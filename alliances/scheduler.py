"""The product's scheduled jobs (settings.SCHEDULED_JOBS), enqueued by `manage.py run_scheduler`
instead of crontab lines. The scheduler only enqueues; the task worker runs the jobs."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from alliances.models import ScheduledJob


def enqueue_due(now=None) -> list[str]:
    """Enqueue every job whose interval has passed since its last run; returns their names. The claim
    (a conditional update of the job's row) and the enqueue commit together: a failed enqueue leaves
    the job due, and a second scheduler's claim of the same run updates nothing."""
    now = now or timezone.now()
    jobs = settings.SCHEDULED_JOBS
    ScheduledJob.objects.bulk_create([ScheduledJob(name=name) for name, _path, _every in jobs], ignore_conflicts=True)
    enqueued = []
    for name, path, every in jobs:
        with transaction.atomic():
            claimed = ScheduledJob.objects.filter(name=name).filter(
                Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - timedelta(seconds=every)),
            ).update(last_run_at=now)
            if claimed:
                import_string(path).enqueue()
                enqueued.append(name)
    return enqueued
