"""Scheduled bureau jobs (settings.SCHEDULED_JOBS); each is safe to run twice."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from django_scopes import scope, scopes_disabled

from alliances import access, outbox
from alliances.models import Alliance, OutboxMessage, RoleGrant, User
from bureau.models import Kind, Submission
from bureau.reports import annual_report_deadline
from bureau.selectors import FILED_STATUSES, REPORTING_STATUSES, overdue_annual_years


@task()
def flag_overdue_annual_reports() -> int:
    """E-mail the secretariat of each alliance whose annual report is overdue, and the bureau's
    officers, once per report and person (a keyed outbox message: a second run writes nothing).
    Returns the number of messages written."""
    today = timezone.localdate()
    filed = defaultdict(set)
    with scopes_disabled():
        for alliance_id, payload in Submission.objects.filter(
                kind=Kind.ANNUAL_REPORT, status__in=FILED_STATUSES).values_list("alliance_id", "payload"):
            if isinstance(payload, dict) and str(payload.get("year", "")).isdigit():
                filed[alliance_id].add(int(payload["year"]))
    officers = list(User.objects.filter(groups__name=access.BUREAU_GROUP, is_active=True).exclude(email="")
                    .values_list("email", flat=True))
    written = 0
    for alliance in Alliance.objects.filter(status__in=REPORTING_STATUSES):
        years = overdue_annual_years(alliance, filed[alliance.pk], today)
        if not years:
            continue
        with scope(alliance=alliance), transaction.atomic():
            staff = RoleGrant.objects.filter(role__in=access.SECRETARIAT, revoked_at__isnull=True, user__is_active=True)
            recipients = sorted(set(staff.exclude(user__email="").values_list("user__email", flat=True)) | set(officers))
            for year in years:
                subject = _("[%(alliance)s] %(year)s 年度报告逾期未报送") % {"alliance": alliance.name, "year": year}
                body = _("%(alliance)s 的 %(year)s 年度报告应于 %(deadline)s 前报送市科技局，至今尚未报送。") % {
                    "alliance": alliance.name, "year": year, "deadline": annual_report_deadline(year).isoformat()}
                written += len(outbox.queue(alliance, OutboxMessage.Kind.OVERDUE_REPORT, [
                    (recipient, subject, body, f"annual-report-overdue:{year}") for recipient in recipients]))
    return written
