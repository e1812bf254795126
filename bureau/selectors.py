"""Reads for the bureau console, the inbox and the alliance's own submission list."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alliances.models import Alliance
from bureau.models import Kind, Submission
from bureau.reports import annual_report_deadline, government_summary
from membership import selectors as membership_selectors
from membership.models import MemberUnit
from projects import selectors as project_selectors

# Filed = submitted at least once and not rejected (a returned report was filed and is being fixed).
FILED_STATUSES = (Submission.Status.SUBMITTED, Submission.Status.RETURNED, Submission.Status.APPROVED)
# Alliances that owe an annual report: the recognised ones (and those winding down).
REPORTING_STATUSES = (Alliance.Status.RECOGNISED, Alliance.Status.DISSOLVING)


@dataclass
class ConsoleRow:
    alliance: Alliance
    members_by_kind: dict = field(default_factory=dict)
    members_total: int = 0
    open_projects: int = 0
    government_funds: dict | None = None
    pending_submissions: int = 0
    overdue_annual_reports: list = field(default_factory=list)

    def as_dict(self) -> dict:
        a = self.alliance
        return {
            "slug": a.slug, "name": a.name, "name_en": a.name_en, "technology_field": a.technology_field,
            "status": a.status, "members_by_kind": self.members_by_kind, "members_total": self.members_total,
            "open_projects": self.open_projects, "government_funds": self.government_funds,
            "pending_submissions": self.pending_submissions, "overdue_annual_reports": self.overdue_annual_reports,
        }


def overdue_annual_years(alliance, filed_years: set[int], today=None) -> list[int]:
    """Last year's report is overdue after 31 March of this year when none was filed."""
    today = today or timezone.localdate()
    if alliance.status not in REPORTING_STATUSES:
        return []
    year = today.year - 1
    if today > annual_report_deadline(year) and year not in filed_years:
        return [year]
    return []


def console_rows(today=None) -> list[ConsoleRow]:
    """Every alliance side by side; a handful of grouped queries whatever the number of alliances."""
    alliances = list(Alliance.objects.select_related("host_unit").order_by("name"))
    rows = {a.pk: ConsoleRow(alliance=a, members_by_kind={k: 0 for k in MemberUnit.Kind.values}) for a in alliances}
    for alliance_id, by_kind in membership_selectors.current_counts_by_alliance().items():
        rows[alliance_id].members_by_kind.update(by_kind)
        rows[alliance_id].members_total = sum(by_kind.values())
    for alliance_id, n in project_selectors.executing_by_alliance().items():
        rows[alliance_id].open_projects = n
    filed = defaultdict(set)
    with scopes_disabled():
        for alliance_id, _status, n in _grouped(Submission.objects.filter(status=Submission.Status.SUBMITTED), "status"):
            rows[alliance_id].pending_submissions = n
        for alliance_id, payload in Submission.objects.filter(
                kind=Kind.ANNUAL_REPORT, status__in=FILED_STATUSES).values_list("alliance_id", "payload"):
            if isinstance(payload, dict) and str(payload.get("year", "")).isdigit():
                filed[alliance_id].add(int(payload["year"]))
    for a in alliances:
        row = rows[a.pk]
        row.overdue_annual_reports = overdue_annual_years(a, filed[a.pk], today)
        with scope(alliance=a):
            row.government_funds = government_summary(a)
    return [rows[a.pk] for a in alliances]


def _grouped(queryset, key):
    from django.db.models import Count

    return queryset.order_by().values_list("alliance_id", key).annotate(n=Count("id"))


def inbox():
    """Submissions of every alliance the bureau has received (drafts are the alliance's own business)."""
    with scopes_disabled():
        return (Submission.objects.exclude(status=Submission.Status.DRAFT)
                .select_related("alliance", "submitted_by").order_by("-submitted_at", "-id"))


def bureau_submission(pk: int) -> Submission | None:
    with scopes_disabled():
        return (Submission.objects.exclude(status=Submission.Status.DRAFT)
                .select_related("alliance", "submitted_by").filter(pk=pk).first())


def approved_fund_release(submission, project) -> Submission | None:
    """The alliance's approved 解除限制核准 (`submission`, an object or its id) about `project`, or None."""
    from django.contrib.contenttypes.models import ContentType

    pk = getattr(submission, "pk", submission)
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return Submission.objects.filter(
        pk=pk, kind=Kind.FUND_RELEASE, status=Submission.Status.APPROVED,
        subject_type=ContentType.objects.get_for_model(project), subject_id=project.pk,
    ).first()


def agreement_status(alliance) -> tuple[bool, list[str]]:
    """第八条（二）"the agreement signed by every party": (complete, what is missing), read from the
    agreement in force (governance/agreement: 附件2 clauses, every party's signature)."""
    from governance.agreement import selectors as agreement_selectors

    missing = [str(problem) for problem in agreement_selectors.problems(alliance)]
    return not missing, missing
