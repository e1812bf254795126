"""Acceptance (验收) and closing."""

from django.utils import timezone
from django.utils.translation import gettext as _

from alliances import dates
from alliances.access import require_secretariat
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from projects import links
from projects.models import EXECUTING, Adjustment, IPShare, Project, Result
from projects.services._common import S, _event, _experts, _lock, _move, _require_executing


@tenant_service
def acceptance_request(*, actor, alliance, project: Project, deliverables: str) -> Project:
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_executing(project)
    if not deliverables.strip():
        raise ValidationFailed(fields={"deliverables": [_("请列出提交验收的成果和材料。")]})
    open_milestones = [m.description for m in project.milestones.filter(reported_at__isnull=True)]
    if open_milestones:
        raise ValidationFailed(_("尚有进度节点未报告。"), fields={"milestones": open_milestones})
    if project.adjustments.filter(status__in=[Adjustment.Status.VOTING, Adjustment.Status.COUNCIL_PASSED,
                                              Adjustment.Status.AWAITING_BUREAU, Adjustment.Status.BUREAU_APPROVED]).exists():
        raise Conflict(_("尚有未办结的项目调整或退出。"), code="adjustment_pending")
    project.deliverables = deliverables.strip()
    return _move(project, actor, EXECUTING, S.ACCEPTANCE_REQUESTED, _("申请验收"))


@tenant_service
def acceptance_review_open(*, actor, alliance, project: Project, experts, deadline, question: str = "") -> Project:
    require_secretariat(actor, alliance)
    project = _lock(project)
    if project.status != S.ACCEPTANCE_REQUESTED:
        raise Conflict(_("项目尚未申请验收。"), code="illegal_transition")
    if project.acceptance_consultation_id:
        raise Conflict(_("验收专家组已组建。"), code="panel_exists")
    consultation = links.consultation_create(
        actor=actor, alliance=alliance, title=_("项目验收：%(project)s") % {"project": project},
        question=question or _("请审查项目交付成果并给出验收意见：\n%(d)s") % {"d": project.deliverables},
        experts=_experts(alliance, experts), deadline=deadline, subject=project,
        concerned_units=[p.unit for p in project.participants.select_related("unit")],
    )
    project.acceptance_consultation_id = consultation.pk
    project.save()
    _event(project, actor, _("组建验收专家组"), reference=f"consultation:{consultation.pk}")
    return project


@tenant_service
def acceptance_record(*, actor, alliance, project: Project, accepted: bool, opinion: str, results=(), date=None) -> Project:
    """Record the acceptance result; accepted results go to the IP register with the agreement's shares."""
    require_secretariat(actor, alliance)
    project = _lock(project)
    if project.status != S.ACCEPTANCE_REQUESTED:
        raise Conflict(_("项目尚未申请验收。"), code="illegal_transition")
    if not links.consultation_is_closed(links.consultation_get(project.acceptance_consultation_id)):
        raise Conflict(_("验收专家组意见尚未汇总。"), code="panel_open")
    if not opinion.strip():
        raise ValidationFailed(fields={"opinion": [_("请填写验收意见。")]})
    dates.check_date(date, dates.alliance_range(alliance, ahead_days=0), field="date")
    results = list(results or [])
    for item in results:
        if not str(item.get("title", "")).strip() or not item.get("kind"):
            raise ValidationFailed(fields={"results": [_("每项成果须有类型和名称。")]})
    project.acceptance_opinion, project.accepted_on = opinion.strip(), date or timezone.localdate()
    if not accepted:
        return _move(project, actor, {S.ACCEPTANCE_REQUESTED}, S.NOT_ACCEPTED, _("验收未通过"))
    owners = [(s.participant.unit, "", s.share) for s in IPShare.objects.filter(agreement__project=project).select_related("participant__unit")]
    for item in results:
        details = {k: v for k, v in item.items() if k not in ("kind", "title") and v not in (None, "")}
        asset = links.asset_register(actor=actor, alliance=alliance, kind=item["kind"], title=item["title"].strip(),
                                     origin="foreground", owners=owners, project=project, **details)
        Result.objects.create(alliance=alliance, project=project, kind=item["kind"], title=item["title"].strip(),
                              asset_id=getattr(asset, "pk", None))
    return _move(project, actor, {S.ACCEPTANCE_REQUESTED}, S.ACCEPTED,
                 _("验收通过，登记成果%(n)s项") % {"n": len(results)})


@tenant_service
def project_close(*, actor, alliance, project: Project) -> Project:
    require_secretariat(actor, alliance)
    return _move(_lock(project), actor, {S.ACCEPTED, S.NOT_ACCEPTED}, S.CLOSED, _("项目结题"))
