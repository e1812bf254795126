"""Execution: milestone reports and recorded expenses."""

from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.access import SECRETARIAT, has_role, require_secretariat
from alliances.errors import Forbidden, ValidationFailed
from alliances.tenancy import tenant_service
from projects import links
from projects.models import Expense, Milestone, Participant, Project
from projects.selectors import representative_units
from projects.services._common import _budget_values, _event, _lock, _require_executing


@tenant_service
def milestone_report(*, actor, alliance, milestone: Milestone, report: str) -> Milestone:
    """The secretariat, or the representative of a participating unit, reports a milestone."""
    project = _lock(milestone.project)
    if not has_role(actor, alliance, *SECRETARIAT):
        units = representative_units(actor, alliance)
        if not project.participants.filter(unit__in=units, status=Participant.Status.ACTIVE).exists():
            raise Forbidden()
    _require_executing(project)
    if not report.strip():
        raise ValidationFailed(fields={"report": [_("请填写完成情况。")]})
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.report, milestone.reported_at, milestone.reported_by = report.strip(), timezone.now(), actor
    milestone.save()
    _event(project, actor, _("进度节点报告：%(m)s") % {"m": milestone.description})
    return milestone


@tenant_service
def expense_record(*, actor, alliance, project: Project, category: str, source: str, amount, date, description: str,
                   participant=None) -> Expense:
    """A project expense, charged to the project's restricted fund of that source through the ledger."""
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_executing(project)
    money = _budget_values(project, category=category, source=source, amount=amount, participant=participant)
    if participant is not None and participant.status == Participant.Status.WITHDRAWN:
        raise ValidationFailed(fields={"participant": [_("该单位已退出本项目。")]})
    if not project.budget_lines.filter(category=category, source=source).exists():
        raise ValidationFailed(fields={"category": [_("预算中没有该科目和来源的经费。")]})
    if not description.strip():
        raise ValidationFailed(fields={"description": [_("请填写摘要。")]})
    entry = links.project_expense_record(actor=actor, alliance=alliance, project=project, source=source, amount=money,
                                         date=date, description=description, category=category)
    expense = Expense.objects.create(
        alliance=alliance, project=project, participant=participant, category=category, source=source, amount=money,
        date=date, description=description, journal_entry_id=getattr(entry, "pk", None), recorded_by=actor,
    )
    _event(project, actor, _("记录项目支出：%(d)s %(a)s") % {"d": description, "a": money})
    return expense
