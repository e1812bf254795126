"""Review and approval: submission, expert review, the council's vote, the bureau's decision, start."""

from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.access import require_secretariat
from alliances.errors import Conflict, ValidationFailed
from alliances.tenancy import tenant_service
from projects import links
from projects.models import IPAgreement, Project, ProjectVersion
from projects.selectors import ip_agreement_gaps, plan_snapshot
from projects.services._common import S, _default_close, _event, _experts, _lock, _move, _require_status


@tenant_service
def project_submit(*, actor, alliance, project: Project) -> Project:
    require_secretariat(actor, alliance)
    project = _lock(project)
    problems = {}
    if not project.participants.exists():
        problems["participants"] = [_("至少需要一个参与单位。")]
    if not project.participants.exclude(tasks="").exists():
        problems["tasks"] = [_("请填写任务分工。")]
    if not project.budget_lines.exists():
        problems["budget_lines"] = [_("请填写预算。")]
    if not project.milestones.exists():
        problems["milestones"] = [_("请填写进度安排（至少一个节点）。")]
    if project.status == S.DRAFT and problems:
        raise ValidationFailed(_("项目建议书不完整。"), fields=problems)
    return _move(project, actor, {S.DRAFT}, S.SUBMITTED, _("提交项目建议书"))


@tenant_service
def project_return(*, actor, alliance, project: Project, reason: str) -> Project:
    """Send the proposal back to draft for changes (after review, before the council votes)."""
    require_secretariat(actor, alliance)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请说明退回原因。")]})
    project = _lock(project)
    if project.status == S.EXPERT_REVIEW:
        project.review_consultation_id = None
    return _move(project, actor, {S.SUBMITTED, S.EXPERT_REVIEW}, S.DRAFT, _("退回修改：%(reason)s") % {"reason": reason})


@tenant_service
def project_review_open(*, actor, alliance, project: Project, experts, deadline, question: str = "") -> Project:
    """Expert review: a governance consultation; experts of participating units are excluded by governance."""
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_status(project, {S.SUBMITTED})
    consultation = links.consultation_create(
        actor=actor, alliance=alliance, title=_("项目立项评审：%(project)s") % {"project": project},
        question=question or _("请对项目建议书的必要性、技术路线、任务分工、预算和知识产权约定提出评审意见。"),
        experts=_experts(alliance, experts), deadline=deadline, subject=project,
        concerned_units=[p.unit for p in project.participants.select_related("unit")],
    )
    project.review_consultation_id = consultation.pk
    return _move(project, actor, {S.SUBMITTED}, S.EXPERT_REVIEW, _("提交专家评审"), reference=f"consultation:{consultation.pk}")


@tenant_service
def project_council_refer(*, actor, alliance, project: Project, closes_at=None) -> Project:
    """Put the approval to the council. Refused while the IP agreement has gaps (第十六条(二))."""
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_status(project, {S.EXPERT_REVIEW})
    gaps = ip_agreement_gaps(project)
    if gaps:
        raise ValidationFailed(
            _("知识产权约定不明确的项目不予立项（第十六条(二)）。"), code="ip_agreement_incomplete", fields={"ip_agreement": gaps}
        )
    consultation = links.consultation_get(project.review_consultation_id)
    if not links.consultation_is_closed(consultation):
        raise Conflict(_("专家评审尚未结束。"), code="review_open")
    summary = getattr(consultation, "summary", "") or ""
    motion = links.motion_create_and_open(
        actor=actor, alliance=alliance, kind="project_approval", title=_("关于项目「%(title)s」立项的议案") % {"title": project.title},
        body=_approval_body(project, summary), closes_at=closes_at or _default_close(), subject=project,
    )
    project.approval_motion_id = motion.pk
    return _move(project, actor, {S.EXPERT_REVIEW}, S.COUNCIL_VOTE, _("提请理事会表决立项"), reference=f"motion:{motion.pk}")


def _approval_body(project, summary) -> str:
    agreement = IPAgreement.objects.get(project=project)
    lines = [
        f"{project.code} {project.title}",
        _("牵头单位：%(unit)s") % {"unit": project.lead_unit},
        _("近期目标：%(text)s") % {"text": project.goals_near},
        _("远期目标：%(text)s") % {"text": project.goals_long},
        _("参与单位与任务分工：")]
    lines += [f"- {p.unit}：{p.tasks}" for p in project.participants.select_related("unit")]
    lines.append(_("成果权属：") + "；".join(f"{s.participant.unit} {s.share}%" for s in agreement.shares.select_related("participant__unit")))
    lines += [_("许可实施：%(text)s") % {"text": agreement.licensing}, _("收益分配：%(text)s") % {"text": agreement.revenue_sharing},
              _("联盟解散时：%(text)s") % {"text": agreement.on_dissolution},
              _("成员退出时：%(text)s") % {"text": agreement.on_withdrawal}]
    if summary:
        lines += ["", _("专家评审意见汇总："), summary]
    return "\n".join(lines)


def on_approval_decided(motion) -> None:
    """governance.outcomes handler for "project_approval": runs in the closing transaction."""
    project = Project.objects.select_for_update().filter(approval_motion_id=motion.pk).first()
    if project is None or project.status != S.COUNCIL_VOTE:
        return
    number = links.resolution_number(motion)
    if motion.result == "passed" and not ip_agreement_gaps(project):
        project.approval_resolution = number
        project.approved_on = timezone.localdate()
        _move(project, None, {S.COUNCIL_VOTE}, S.APPROVED, _("理事会决议批准立项"), reference=number)
        ProjectVersion.objects.create(alliance=project.alliance, project=project, number=project.version,
                                      snapshot=plan_snapshot(project), reason=_("立项"), resolution=number)
    else:
        project.approval_motion_id = None
        _move(project, None, {S.COUNCIL_VOTE}, S.DRAFT, _("理事会未通过立项，退回修改"), reference=f"motion:{motion.pk}")


@tenant_service
def project_bureau_refer(*, actor, alliance, project: Project) -> Project:
    """A government programme goes to the bureau as a project proposal (第十七条) and waits for its decision."""
    require_secretariat(actor, alliance)
    project = _lock(project)
    if project.status == S.APPROVED and not project.government_programme:
        raise Conflict(_("非政府科技计划项目无需报市科技局。"), code="not_government")
    _require_status(project, {S.APPROVED})
    submission = links.approval_request(
        actor=actor, alliance=alliance, kind="project_proposal", title=_("项目建议：%(project)s") % {"project": project},
        subject=project, payload={"project": plan_snapshot(project), "resolution": project.approval_resolution},
    )
    project.bureau_submission_id = submission.pk
    return _move(project, actor, {S.APPROVED}, S.AWAITING_BUREAU, _("报市科技局审批项目建议"), reference=f"submission:{submission.pk}")


def on_proposal_decision(submission) -> None:
    """bureau.gates handler for "project_proposal"."""
    from django_scopes import scope

    with scope(alliance=submission.alliance):
        project = Project.objects.select_for_update().filter(bureau_submission_id=submission.pk).first()
        if project is None or project.status != S.AWAITING_BUREAU:
            return
        ref = f"submission:{submission.pk}"
        if submission.decision == "approved":
            _move(project, None, {S.AWAITING_BUREAU}, S.IN_PROGRESS, _("市科技局批准项目建议，项目开始实施"), reference=ref)
        elif submission.decision == "rejected":
            _move(project, None, {S.AWAITING_BUREAU}, S.REVOKED, _("市科技局不予批准，项目撤销"), reference=ref)
        else:
            _event(project, None, _("市科技局退回修改项目建议"), reference=ref)


@tenant_service
def project_start(*, actor, alliance, project: Project) -> Project:
    require_secretariat(actor, alliance)
    project = _lock(project)
    if project.government_programme and project.status == S.APPROVED:
        raise Conflict(_("政府科技计划项目须经市科技局批准后方可实施（第十七条）。"), code="bureau_approval_required")
    return _move(project, actor, {S.APPROVED}, S.IN_PROGRESS, _("项目开始实施"))
