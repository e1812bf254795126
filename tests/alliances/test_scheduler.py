"""Scheduled jobs run by the product (issue #19 point 3): the scheduler enqueues due jobs only, once per
interval whatever the number of schedulers; each job run twice changes nothing the second time."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from alliances import scheduler
from alliances.models import Alliance, OutboxMessage, ScheduledJob
from bureau.tasks import flag_overdue_annual_reports
from governance.models import Motion
from governance.tasks import close_due_motions, send_motion_reminders
from ip_registry.tasks import expire_licences
from tests.conftest import run_worker
from tests.alliances.test_checkpoints import signing_key  # noqa: F401
from tests.governance.helpers import end_window, open_motion

JOBS = {name: path for name, path, _every in settings.SCHEDULED_JOBS}


def enqueued_paths(since_count):
    return sorted(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True)[since_count:])


def test_scheduler_enqueues_due_jobs_only_and_once_per_interval(db):
    now = timezone.now()
    before = DBTaskResult.objects.count()
    assert sorted(scheduler.enqueue_due(now)) == sorted(JOBS)
    assert enqueued_paths(before) == sorted(JOBS.values())
    # A second scheduler (or a restart) at the same moment: everything already ran.
    assert scheduler.enqueue_due(now) == []
    assert scheduler.enqueue_due(now + timedelta(minutes=4)) == []
    assert sorted(scheduler.enqueue_due(now + timedelta(minutes=5))) == ["close_motions", "outbox_sweep"]
    assert sorted(scheduler.enqueue_due(now + timedelta(hours=1))) == [
        "close_motions", "jobs_sweep", "outbox_sweep", "send_motion_reminders"]
    assert ScheduledJob.objects.get(name="ip_expire_licences").last_run_at == now
    assert DBTaskResult.objects.count() == before + len(JOBS) + 2 + 4


def test_run_scheduler_once_enqueues_and_the_worker_runs_every_job(db, capsys):
    call_command("run_scheduler", "--once")
    assert "enqueued close_motions" in capsys.readouterr().out
    run_worker()
    statuses = dict(DBTaskResult.objects.filter(task_path__in=JOBS.values()).values_list("task_path", "status"))
    assert statuses == {path: TaskResultStatus.SUCCESSFUL for path in JOBS.values()}
    call_command("run_scheduler", "--once")
    assert "enqueued" not in capsys.readouterr().out


def row_counts():
    with scopes_disabled():
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_each_job_run_twice_changes_nothing_the_second_time(oe, bm, bureau_user):
    due = open_motion(oe)
    end_window(oe, due)
    open_motion(bm, hours=20)  # closing within 24 h: its councillors are reminded
    Alliance.objects.filter(pk=oe.alliance.pk).update(status=Alliance.Status.RECOGNISED)  # owes last year's report
    first = {job.name: job.call() for job in (close_due_motions, send_motion_reminders, expire_licences,
                                              flag_overdue_annual_reports)}
    assert len(first["close_due_motions"]["closed"]) == 1 and first["send_motion_reminders"] == 5
    assert first["flag_overdue_annual_reports"] >= 3  # staff, secretary-general and the bureau officer
    with scope(alliance=oe.alliance):
        assert Motion.objects.get(pk=due.pk).status == Motion.Status.CLOSED
        recipients = set(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.OVERDUE_REPORT).values_list("recipient", flat=True))
    assert {oe.user("sec").email, oe.user("sg").email, bureau_user.email} <= recipients
    counts = row_counts()
    again = {job.name: job.call() for job in (close_due_motions, send_motion_reminders, expire_licences,
                                              flag_overdue_annual_reports)}
    assert again == {"close_due_motions": {"closed": [], "refused": []}, "send_motion_reminders": 0,
                     "expire_licences": 0, "flag_overdue_annual_reports": 0}
    assert row_counts() == counts


def test_overdue_report_notice_reaches_the_secretariat_by_mail(oe, bureau_user, deliver):
    Alliance.objects.filter(pk=oe.alliance.pk).update(status=Alliance.Status.RECOGNISED)
    mail.outbox.clear()
    with deliver():
        flag_overdue_annual_reports.call()
    year = timezone.localdate().year - 1
    notices = [m for m in mail.outbox if f"{year} 年度报告逾期未报送" in m.subject]
    assert oe.user("sg").email in {m.to[0] for m in notices} and bureau_user.email in {m.to[0] for m in notices}


def test_daily_checkpoint_job_signs_moved_heads_once(oe, signing_key):
    from alliances.checkpoints import checkpoint_all
    from alliances.models import Checkpoint
    from tests.governance.helpers import pass_resolution

    pass_resolution(oe)
    assert checkpoint_all.call([oe.alliance.slug]) >= 1
    with scope(alliance=oe.alliance):
        made = Checkpoint.objects.count()
        assert Checkpoint.objects.filter(chain="resolutions", reason="daily").exists()
    assert checkpoint_all.call([oe.alliance.slug]) == 0  # nothing moved: no new row
    with scope(alliance=oe.alliance):
        assert Checkpoint.objects.count() == made
