"""Reads of the projects app: IP agreement gaps, who sees which project, budget versus actual,
open tasks (a membership withdrawal blocker)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from djmoney.money import Money

from alliances.access import roles_of
from alliances.models import Role, RoleGrant
from projects import links
from projects.models import EXECUTING, FINISHED, BudgetLine, IPAgreement, Participant, Project

CURRENCY = "CNY"
HUNDRED = Decimal("100")


def result_owners(project: Project) -> tuple[set, set]:
    """Who may own the project's results (第十六条(一)): its undertaking units (member unit ids of every
    participant) and the outside parties its IP agreement names (names, case-folded)."""
    unit_ids = set(Participant.objects.filter(project=project).values_list("unit_id", flat=True)) | {project.lead_unit_id}
    agreement = IPAgreement.objects.filter(project=project).first()
    names = {line.strip().casefold() for line in (agreement.outside_owners if agreement else "").splitlines() if line.strip()}
    return unit_ids, names


def ip_agreement_gaps(project: Project) -> list[str]:
    """What the project's IP agreement still lacks (第十六条(二)); empty when it is complete."""
    agreement = IPAgreement.objects.filter(project=project).first()
    if agreement is None:
        return [_("尚未订立知识产权约定。")]
    gaps = []
    shares = list(agreement.shares.select_related("participant__unit"))
    if not shares:
        gaps.append(_("未约定成果和知识产权的权利归属（各参与单位的份额）。"))
    else:
        total = sum((s.share for s in shares), Decimal("0"))
        if total != HUNDRED:
            gaps.append(_("权属份额合计为%(total)s%%，须恰好为100%%。") % {"total": f"{total.normalize():f}"})
        for share in shares:
            if share.participant.status == Participant.Status.WITHDRAWN:
                gaps.append(_("%(unit)s已退出项目，仍持有权属份额。") % {"unit": share.participant.unit})
    labels = [
        ("licensing", _("未约定联盟内的许可实施。")),
        ("revenue_sharing", _("未约定收益分配。")),
        ("on_dissolution", _("未约定联盟解散时的知识产权处理。")),
        ("on_withdrawal", _("未约定成员退出时的知识产权处理。")),
    ]
    gaps += [message for name, message in labels if not getattr(agreement, name).strip()]
    return gaps


def representative_units(user, alliance) -> list:
    """Member units the user represents in this alliance (ids)."""
    return list(
        RoleGrant.objects.filter(user=user, role=Role.REPRESENTATIVE, revoked_at__isnull=True, member_unit__isnull=False)
        .values_list("member_unit_id", flat=True)
    )


def projects_for(user, alliance):
    """The projects the user may see: everything, except a person who is only a member representative
    sees the projects their unit takes part in."""
    projects = Project.objects.select_related("lead_unit")
    roles = roles_of(user, alliance)
    if roles and roles <= {Role.REPRESENTATIVE}:
        units = representative_units(user, alliance)
        projects = projects.filter(participants__unit_id__in=units).distinct()
    return projects


def open_tasks_of(unit) -> list[str]:
    """Reasons the unit cannot leave the alliance yet: tasks in running projects not adjusted (第十九条)."""
    rows = (
        Participant.objects.filter(unit=unit, status__in=[Participant.Status.ACTIVE, Participant.Status.WITHDRAWING])
        .exclude(project__status=Project.Status.DRAFT)
        .exclude(project__status__in=FINISHED)
        .select_related("project")
    )
    return [
        _("项目 %(code)s「%(title)s」中的任务分工尚未调整（须经理事会书面意见并报市科技局核准，第十九条）。")
        % {"code": p.project.code, "title": p.project.title}
        for p in rows
    ]


def paid_for_tasks(participant: Participant) -> Money:
    """Government and alliance (member contribution) money spent on this participant's tasks."""
    total = participant.expenses.filter(
        source__in=[BudgetLine.Source.GOVERNMENT, BudgetLine.Source.MEMBER_CONTRIBUTION]
    ).aggregate(total=Sum("amount"))["total"]
    return Money(total or Decimal("0"), CURRENCY)


def plan_snapshot(project: Project) -> dict:
    """The plan as it stands, for a version or a bureau submission (JSON-safe)."""
    agreement = IPAgreement.objects.filter(project=project).first()
    return {
        "code": project.code, "title": project.title, "version": project.version,
        "technology_field": project.technology_field, "goals_near": project.goals_near, "goals_long": project.goals_long,
        "government_programme": project.government_programme, "lead_unit": project.lead_unit.name,
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "participants": [
            {"id": p.pk, "unit": p.unit.name, "unit_id": p.unit_id, "role": p.role, "tasks": p.tasks, "status": p.status}
            for p in project.participants.select_related("unit")
        ],
        "budget_lines": [
            {"category": b.category, "source": b.source, "amount": str(b.amount.amount), "participant": b.participant_id, "note": b.note}
            for b in project.budget_lines.all()
        ],
        "milestones": [{"due": m.due.isoformat(), "description": m.description} for m in project.milestones.all()],
        "ip_agreement": None if agreement is None else {
            "shares": [{"unit": s.participant.unit.name, "share": str(s.share)} for s in agreement.shares.select_related("participant__unit")],
            "licensing": agreement.licensing, "revenue_sharing": agreement.revenue_sharing,
            "on_dissolution": agreement.on_dissolution, "on_withdrawal": agreement.on_withdrawal,
        },
    }


def budget_by_key(project: Project) -> dict:
    """The project's budget per (category, source), in CNY: what finance's budget-against-actual reads."""
    from djmoney.money import Money

    return {(row["category"], row["source"]): Money(row["total"], "CNY")
            for row in project.budget_lines.values("category", "source").annotate(total=Sum("amount"))}


def budget_vs_actual(project: Project) -> dict:
    """Rows per (category, source): budget, actual, remaining; actuals from the ledger (posted R&D
    expense lines, clawbacks netted)."""
    from projects import links

    budget = defaultdict(lambda: Decimal("0"))
    for row in project.budget_lines.values("category", "source").annotate(total=Sum("amount")):
        budget[(row["category"], row["source"])] += row["total"]
    actual = defaultdict(lambda: Decimal("0"))
    for key, money in links.project_actuals(project.alliance, project).items():
        actual[key] += money.amount
    categories = dict(BudgetLine.Category.choices)
    sources = dict(BudgetLine.Source.choices)
    rows = []
    for key in sorted(set(budget) | set(actual)):
        category, source = key
        rows.append({
            "category": category, "category_label": str(categories.get(category, category)),
            "source": source, "source_label": str(sources.get(source, source)),
            "budget": budget[key], "actual": actual[key], "remaining": budget[key] - actual[key],
        })
    totals = {
        "budget": sum((r["budget"] for r in rows), Decimal("0")),
        "actual": sum((r["actual"] for r in rows), Decimal("0")),
    }
    totals["remaining"] = totals["budget"] - totals["actual"]
    # from_ledger stays in the API's shape: the ledger is now the only source of actuals.
    return {"rows": rows, "totals": totals, "from_ledger": True, "currency": CURRENCY}


def executing_count() -> int:
    return Project.objects.filter(status__in=EXECUTING).count()


def finished_status(project: Project) -> str | None:
    """The project's status when it is accepted or closed (a restriction on its money may then be
    lifted, finance's release), read fresh; None otherwise."""
    status = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
    return status if status in (Project.Status.ACCEPTED, Project.Status.CLOSED) else None


def executing_by_alliance() -> dict[int, int]:
    """Projects in execution (实施中, adjusted or not) per alliance id, across every alliance (the bureau's console)."""
    with scopes_disabled():
        rows = Project.objects.filter(status__in=EXECUTING).order_by().values_list("alliance_id").annotate(n=Count("id"))
        return dict(rows)


def annual_summary(alliance, year: int) -> dict:
    """For the annual report (年度报告), read from the project history: the projects that first entered
    execution (实施中) in the year and those accepted (验收通过) in it, with local dates, oldest first,
    the number in execution at the year's end, and `projects`: a row per project of the year (started,
    accepted, or executing at its end) with its status at the year's end."""
    with scope(alliance=alliance):
        history = Project.history.model.objects.filter(alliance_id=alliance.pk)
        started = _first_entered(history, Project.Status.IN_PROGRESS, year)
        accepted = _first_entered(history, Project.Status.ACCEPTED, year)
        # A project's status at the year's end is that of its last history row dated in or before the year.
        last = (history.filter(id=OuterRef("pk"), history_date__date__lte=datetime.date(year, 12, 31))
                .order_by("-history_date", "-history_id").values("status")[:1])
        of_year = (Project.objects.annotate(status_then=Subquery(last))
                   .filter(Q(status_then__in=EXECUTING) | Q(pk__in=set(started) | set(accepted)))
                   .select_related("lead_unit").order_by("code"))
        projects = {p.pk: p for p in of_year}
        executing = sum(1 for p in projects.values() if p.status_then in EXECUTING)

    def rows(firsts):
        return [{"code": projects[pk].code, "title": projects[pk].title, "lead_unit": str(projects[pk].lead_unit), "date": day}
                for pk, day in sorted(firsts.items(), key=lambda kv: (kv[1], projects[kv[0]].code))]

    every = [{"code": p.code, "title": p.title, "lead_unit": str(p.lead_unit), "status": p.status_then,
              "status_label": str(Project.Status(p.status_then).label) if p.status_then else "",
              "started": started.get(p.pk), "accepted": accepted.get(p.pk)} for p in projects.values()]
    return {"started": rows(started), "accepted": rows(accepted), "in_progress_at_year_end": executing, "projects": every}


def _first_entered(history, status: str, year: int) -> dict[int, datetime.date]:
    """Project id -> local date on which it first had `status`, for those whose first time falls in `year`."""
    firsts = history.filter(status=status).order_by().values_list("id").annotate(first=Min("history_date"))
    return {pk: day for pk, first in firsts if (day := timezone.localdate(first)).year == year}


def project_choices():
    """The alliance's projects by code (the choices of another app's project picker; in the tenant scope)."""
    return Project.objects.order_by("code")


def withdrawal_needs_bureau(project: Project) -> bool:
    """第十九条 asks the bureau's approval when a participant leaves a government programme project; a
    project with government money restricted to it is treated alike. Otherwise the council's written
    opinion (its resolution) suffices."""
    return project.government_programme or links.has_government_money(project)
