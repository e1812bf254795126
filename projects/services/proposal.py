"""The proposal while a draft: the project, participants, budget, milestones, IP agreement, documents."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from alliances import dates, uploads
from alliances.access import require_secretariat
from alliances.errors import ValidationFailed
from alliances.tenancy import tenant_service
from projects.models import BudgetLine, Document, IPAgreement, IPShare, Milestone, Participant, Project
from projects.services._common import (
    _budget_values, _check_unit, _event, _lock, _next_code, _require_editable, _require_participant_of,
)


PROPOSAL_FIELDS = ("title", "technology_field", "goals_near", "goals_long", "description", "government_programme",
                   "start_date", "end_date")


def _check_dates(alliance, start, end):
    """The start within the alliance's range; the end after it, within the longest term."""
    span = dates.alliance_range(alliance)
    dates.check_date(start, span, field="start_date")
    if start is None:
        dates.check_date(end, dates.DateRange(span.earliest, dates.term_end(span.latest)), field="end_date")
    dates.check_term(start, end, start_field="start_date", end_field="end_date")


@tenant_service
def project_create(*, actor, alliance, title: str, lead_unit, code: str = "", technology_field: str = "",
                   goals_near: str = "", goals_long: str = "", description: str = "", government_programme: bool = False,
                   start_date=None, end_date=None, lead_tasks: str = "") -> Project:
    require_secretariat(actor, alliance)
    if not title.strip():
        raise ValidationFailed(fields={"title": [_("请填写项目名称。")]})
    _check_unit(lead_unit, "lead_unit")
    _check_dates(alliance, start_date, end_date)
    code = code.strip() or _next_code(alliance)
    if Project.objects.filter(code=code).exists():
        raise ValidationFailed(fields={"code": [_("项目编号已存在。")]})
    project = Project.objects.create(
        alliance=alliance, code=code, title=title.strip(), lead_unit=lead_unit,
        technology_field=technology_field or alliance.technology_field or "", goals_near=goals_near, goals_long=goals_long,
        description=description, government_programme=government_programme, start_date=start_date, end_date=end_date,
    )
    Participant.objects.create(alliance=alliance, project=project, unit=lead_unit, role=Participant.Role.LEAD, tasks=lead_tasks)
    IPAgreement.objects.create(alliance=alliance, project=project)
    _event(project, actor, _("创建项目建议书"), to=project.status)
    return project


@tenant_service
def project_update(*, actor, alliance, project: Project, **changes) -> Project:
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_editable(project)
    unknown = set(changes) - set(PROPOSAL_FIELDS) - {"lead_unit"}
    if unknown:
        raise ValidationFailed(fields={name: [_("不可修改的字段。")] for name in unknown})
    if "title" in changes and not str(changes["title"]).strip():
        raise ValidationFailed(fields={"title": [_("请填写项目名称。")]})
    new_lead = changes.pop("lead_unit", None)
    for name, value in changes.items():
        setattr(project, name, value)
    _check_dates(alliance, project.start_date, project.end_date)
    if new_lead is not None and new_lead.pk != project.lead_unit_id:
        _check_unit(new_lead, "lead_unit")
        project.participants.filter(role=Participant.Role.LEAD).update(role=Participant.Role.PARTICIPANT)
        participant = project.participants.filter(unit=new_lead).first()
        if participant is None:
            Participant.objects.create(alliance=alliance, project=project, unit=new_lead, role=Participant.Role.LEAD)
        else:
            participant.role = Participant.Role.LEAD
            participant.save()
        project.lead_unit = new_lead
    project.save()
    return project


@tenant_service
def participant_add(*, actor, alliance, project: Project, unit, tasks: str = "", role: str = Participant.Role.PARTICIPANT) -> Participant:
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_editable(project)
    _check_unit(unit)
    if role == Participant.Role.LEAD:
        raise ValidationFailed(fields={"role": [_("牵头单位请在项目信息中修改。")]})
    if project.participants.filter(unit=unit).exists():
        raise ValidationFailed(fields={"unit": [_("该单位已是本项目的参与单位。")]})
    participant = Participant.objects.create(alliance=alliance, project=project, unit=unit, role=role, tasks=tasks)
    _event(project, actor, _("增加参与单位：%(unit)s") % {"unit": unit})
    return participant


@tenant_service
def participant_update(*, actor, alliance, participant: Participant, tasks: str) -> Participant:
    require_secretariat(actor, alliance)
    _require_editable(_lock(participant.project))
    participant.tasks = tasks
    participant.save()
    return participant


@tenant_service
def participant_remove(*, actor, alliance, participant: Participant) -> None:
    require_secretariat(actor, alliance)
    project = _lock(participant.project)
    _require_editable(project)
    if participant.role == Participant.Role.LEAD:
        raise ValidationFailed(fields={"participant": [_("不能移除牵头单位。")]})
    IPShare.objects.filter(participant=participant).delete()
    participant.budget_lines.update(participant=None)
    participant.delete()
    _event(project, actor, _("移除参与单位：%(unit)s") % {"unit": participant.unit})


@tenant_service
def budget_line_add(*, actor, alliance, project: Project, category: str, source: str, amount, participant=None,
                    note: str = "") -> BudgetLine:
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_editable(project)
    money = _budget_values(project, category=category, source=source, amount=amount, participant=participant)
    return BudgetLine.objects.create(alliance=alliance, project=project, participant=participant, category=category,
                                     source=source, amount=money, note=note)


@tenant_service
def budget_line_remove(*, actor, alliance, line: BudgetLine) -> None:
    require_secretariat(actor, alliance)
    _require_editable(_lock(line.project))
    line.delete()


@tenant_service
def milestone_add(*, actor, alliance, project: Project, due, description: str) -> Milestone:
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_editable(project)
    if not description.strip():
        raise ValidationFailed(fields={"description": [_("请填写节点内容。")]})
    if not isinstance(due, datetime.date):
        raise ValidationFailed(fields={"due": [_("日期无效。")]})
    span = dates.alliance_range(alliance)
    dates.check_date(due, dates.DateRange(span.earliest, dates.term_end(span.latest)), field="due")
    return Milestone.objects.create(alliance=alliance, project=project, due=due, description=description.strip())


@tenant_service
def milestone_remove(*, actor, alliance, milestone: Milestone) -> None:
    require_secretariat(actor, alliance)
    _require_editable(_lock(milestone.project))
    milestone.delete()


@tenant_service
def ip_agreement_set(*, actor, alliance, project: Project, licensing: str, revenue_sharing: str, on_dissolution: str,
                     on_withdrawal: str, shares: list, outside_owners: str = "") -> IPAgreement:
    """Replace the IP agreement. `shares`: list of (Participant, Decimal percent). Gaps are allowed in a
    draft (approval lists them); a share that is not a participant's or not in 0..100 is refused."""
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_editable(project)
    seen = set()
    clean = []
    for participant, share in shares:
        _require_participant_of(project, participant, "shares")
        if participant.pk in seen:
            raise ValidationFailed(fields={"shares": [_("同一参与单位只能有一个份额。")]})
        seen.add(participant.pk)
        try:
            value = Decimal(str(share))
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationFailed(fields={"shares": [_("份额格式无效。")]})
        if not value.is_finite() or value <= 0 or value > 100 or value.as_tuple().exponent < -2:
            raise ValidationFailed(fields={"shares": [_("每个份额须大于0、不超过100，最多两位小数。")]})
        clean.append((participant, value))
    agreement, _created = IPAgreement.objects.get_or_create(alliance=alliance, project=project)
    agreement.licensing, agreement.revenue_sharing = licensing, revenue_sharing
    agreement.on_dissolution, agreement.on_withdrawal = on_dissolution, on_withdrawal
    agreement.outside_owners = "\n".join(line.strip() for line in (outside_owners or "").splitlines() if line.strip())
    agreement.save()
    agreement.shares.all().delete()
    for participant, value in clean:
        IPShare.objects.create(alliance=alliance, agreement=agreement, participant=participant, share=value)
    _event(project, actor, _("更新知识产权约定"))
    return agreement


@tenant_service
def document_add(*, actor, alliance, project: Project, title: str, file, kind: str = Document.Kind.OTHER) -> Document:
    require_secretariat(actor, alliance)
    if kind not in Document.Kind.values:
        raise ValidationFailed(fields={"kind": [_("未知的文件类型。")]})
    errors = {"title": [_("请填写标题。")]} if not (title or "").strip() else {}
    file_errors = uploads.upload_errors(file)
    if file_errors:
        errors["file"] = file_errors
    if errors:
        raise ValidationFailed(fields=errors)
    document = Document.objects.create(alliance=alliance, project=project, kind=kind, title=title.strip(), file=file,
                                       uploaded_by=actor)
    _event(project, actor, _("上传文件：%(title)s") % {"title": document.title})
    return document
