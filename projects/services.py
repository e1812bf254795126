"""Every write of the projects app. Lifecycle (第十六条, 第十七条, 第十九条):

draft → submitted → expert_review (a governance consultation) → council_vote (motion "project_approval")
→ approved → [government programme: awaiting_bureau (bureau "project_proposal")] → in_progress
→ acceptance_requested (expert panel consultation) → accepted | not_accepted → closed;
in_progress → adjusted (motion "project_adjustment", new version) | revoked.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import dates, uploads
from alliances.access import SECRETARIAT, has_role, require_secretariat
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role, RoleGrant
from alliances.money import format_money
from alliances.tenancy import tenant_service
from projects import links
from projects.models import (
    EXECUTING, FINISHED, Adjustment, BudgetLine, Document, Event, Expense, IPAgreement, IPShare, Milestone,
    Participant, Project, ProjectVersion, Result,
)
from projects.selectors import ip_agreement_gaps, paid_for_tasks, plan_snapshot, representative_units

S = Project.Status
CURRENCY = "CNY"
EDITABLE = frozenset({S.DRAFT})


# ---- helpers ------------------------------------------------------------------------------------

def _money(value, field="amount") -> Money:
    if isinstance(value, Money):
        value = value.amount
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(fields={field: [_("金额格式无效。")]})
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(fields={field: [_("金额必须大于零。")]})
    if amount.as_tuple().exponent < -2:
        raise ValidationFailed(fields={field: [_("金额最多两位小数。")]})
    if amount >= Decimal("1e16"):
        raise ValidationFailed(fields={field: [_("金额过大。")]})
    return Money(amount, CURRENCY)


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _event(project, actor, what, *, frm="", to="", reference=""):
    Event.objects.create(
        alliance=project.alliance, project=project, actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=frm, to_status=to, what=str(what)[:300], reference=str(reference)[:120],
    )


def _move(project, actor, allowed, to, what, reference=""):
    _require_status(project, allowed)
    frm = project.status
    project.status = to
    project.save()
    _event(project, actor, what, frm=frm, to=to, reference=reference)
    return project


def _require_status(project, allowed):
    if project.status not in allowed:
        raise Conflict(
            _("项目当前状态为「%(status)s」，不能执行此操作。") % {"status": project.get_status_display()}, code="illegal_transition"
        )


def _require_editable(project):
    if project.status not in EDITABLE:
        raise Conflict(_("只有草稿状态的项目可以修改建议书；实施中的调整须经理事会决议。"), code="not_editable")


def _require_participant_of(project, participant, field="participant"):
    if participant is None or participant.project_id != project.pk:
        raise ValidationFailed(fields={field: [_("不是本项目的参与单位。")]})


def _check_unit(unit, field="unit", on=None):
    reason = links.participation_refusal(unit, on=on)
    if reason:
        raise ValidationFailed(_("该单位不能参加联盟项目。"), code="participation_refused", fields={field: [reason]})


def _experts(alliance, experts) -> list:
    """The users given, each of whom must hold the expert role in this alliance."""
    users = list(experts or [])
    if not users:
        raise ValidationFailed(fields={"experts": [_("请至少选择一位专家。")]})
    ids = {u.pk for u in users}
    granted = set(
        RoleGrant.objects.filter(role=Role.EXPERT, revoked_at__isnull=True, user_id__in=ids).values_list("user_id", flat=True)
    )
    if granted != ids:
        raise ValidationFailed(fields={"experts": [_("所选人员不是本联盟专家委员会委员。")]})
    return users


def _default_close():
    return timezone.now() + datetime.timedelta(days=7)


def _next_code(alliance) -> str:
    year = timezone.localdate().year
    prefix = f"{alliance.code or 'P'}-{year}-"
    n = Project.objects.filter(code__startswith=prefix).count() + 1
    while Project.objects.filter(code=f"{prefix}{n:03d}").exists():
        n += 1
    return f"{prefix}{n:03d}"


# ---- the proposal (draft) ----------------------------------------------------------------------

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


def _budget_values(project, *, category, source, amount, participant=None):
    if category not in BudgetLine.Category.values:
        raise ValidationFailed(fields={"category": [_("未知的预算科目。")]})
    if source not in BudgetLine.Source.values:
        raise ValidationFailed(fields={"source": [_("未知的经费来源。")]})
    if participant is not None:
        _require_participant_of(project, participant)
    return _money(amount)


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


# ---- review and approval -----------------------------------------------------------------------

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


# ---- execution ---------------------------------------------------------------------------------

def _require_executing(project):
    if project.status not in EXECUTING:
        raise Conflict(_("项目不在实施中。"), code="not_executing")


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


# ---- adjustments, revocation and withdrawal (第十九条) -----------------------------------------

def _change_payload(project, tasks, budget_lines) -> dict:
    payload = {}
    if tasks:
        clean = {}
        for participant, text in tasks:
            _require_participant_of(project, participant, "tasks")
            if participant.status != Participant.Status.ACTIVE:
                raise ValidationFailed(fields={"tasks": [_("该单位已不在本项目中。")]})
            clean[str(participant.pk)] = text
        payload["tasks"] = clean
    if budget_lines is not None:
        lines = []
        for line in budget_lines:
            money = _budget_values(project, category=line.get("category"), source=line.get("source"), amount=line.get("amount"),
                                   participant=line.get("participant"))
            lines.append({"category": line["category"], "source": line["source"], "amount": str(money.amount),
                          "participant": line["participant"].pk if line.get("participant") else None, "note": line.get("note", "")})
        if not lines:
            raise ValidationFailed(fields={"budget_lines": [_("调整后的预算不能为空。")]})
        payload["budget_lines"] = lines
    if not payload:
        raise ValidationFailed(fields={"tasks": [_("请说明调整的任务分工或预算。")]})
    return payload


@tenant_service
def adjustment_propose(*, actor, alliance, project: Project, kind: str, reason: str, tasks=None, budget_lines=None,
                       closes_at=None) -> Adjustment:
    """Propose changing tasks/budget, or revoking, a running project: a council motion "project_adjustment"."""
    require_secretariat(actor, alliance)
    project = _lock(project)
    _require_executing(project)
    if kind not in (Adjustment.Kind.CHANGE, Adjustment.Kind.REVOKE):
        raise ValidationFailed(fields={"kind": [_("未知的调整类型。")]})
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请说明原因。")]})
    if project.adjustments.filter(kind__in=[Adjustment.Kind.CHANGE, Adjustment.Kind.REVOKE], status=Adjustment.Status.VOTING).exists():
        raise Conflict(_("本项目已有一项调整正在表决。"), code="adjustment_pending")
    payload = _change_payload(project, tasks, budget_lines) if kind == Adjustment.Kind.CHANGE else {}
    adjustment = Adjustment.objects.create(alliance=alliance, project=project, kind=kind, reason=reason.strip(), payload=payload)
    title = (_("关于调整项目「%(title)s」的议案") if kind == Adjustment.Kind.CHANGE else _("关于撤销项目「%(title)s」的议案")) % {"title": project.title}
    motion = links.motion_create_and_open(actor=actor, alliance=alliance, kind="project_adjustment", title=title,
                                          body=reason.strip(), closes_at=closes_at or _default_close(), subject=project)
    adjustment.motion_id = motion.pk
    adjustment.save()
    _event(project, actor, title, reference=f"motion:{motion.pk}")
    return adjustment


def withdrawal_needs_bureau(project: Project) -> bool:
    """第十九条 asks the bureau's approval when a participant leaves a government programme project; a
    project with government money restricted to it is treated alike. Otherwise the council's written
    opinion (its resolution) suffices."""
    return project.government_programme or links.has_government_money(project)


@tenant_service
def withdrawal_request(*, actor, alliance, participant: Participant, reason: str, reassign_to: Participant, clawback=None,
                       closes_at=None) -> Adjustment:
    """A participant leaves a running project (第十九条): the council's written opinion first (a motion)."""
    require_secretariat(actor, alliance)
    project = _lock(participant.project)
    _require_executing(project)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status != Participant.Status.ACTIVE:
        raise Conflict(_("该单位不在参与中或退出已在办理。"), code="not_active")
    if participant.role == Participant.Role.LEAD:
        raise ValidationFailed(fields={"participant": [_("牵头单位不能退出；请先调整牵头单位或撤销项目。")]})
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请说明原因。")]})
    _require_participant_of(project, reassign_to, "reassign_to")
    if reassign_to.pk == participant.pk or reassign_to.status != Participant.Status.ACTIVE:
        raise ValidationFailed(fields={"reassign_to": [_("任务须转由另一家参与中的单位承担。")]})
    amount = _money(clawback, "clawback") if clawback not in (None, "", 0) else paid_for_tasks(participant) - participant.clawed_back
    participant.status = Participant.Status.WITHDRAWING
    participant.save()
    adjustment = Adjustment.objects.create(
        alliance=alliance, project=project, kind=Adjustment.Kind.WITHDRAWAL, reason=reason.strip(), participant=participant,
        reassign_to=reassign_to, clawback=amount,
    )
    title = _("关于%(unit)s退出项目「%(title)s」及调整其任务的意见") % {"unit": participant.unit, "title": project.title}
    motion = links.motion_create_and_open(
        actor=actor, alliance=alliance, kind="project_adjustment", title=title,
        body=_("%(reason)s\n任务转由：%(to)s\n追回金额：%(amount)s") % {"reason": reason.strip(), "to": reassign_to.unit, "amount": format_money(amount, currency=True)},
        closes_at=closes_at or _default_close(), subject=participant, subject_unit=participant.unit,
    )
    adjustment.motion_id = motion.pk
    adjustment.save()
    _event(project, actor, title, reference=f"motion:{motion.pk}")
    return adjustment


def on_adjustment_decided(motion) -> None:
    """governance.outcomes handler for "project_adjustment"."""
    adjustment = Adjustment.objects.select_for_update().filter(motion_id=motion.pk).first()
    if adjustment is None or adjustment.status != Adjustment.Status.VOTING:
        return
    project = _lock(adjustment.project)
    number = links.resolution_number(motion)
    adjustment.resolution = number
    if motion.result != "passed":
        adjustment.status = Adjustment.Status.FAILED
        adjustment.save()
        if adjustment.participant_id:
            Participant.objects.filter(pk=adjustment.participant_id).update(status=Participant.Status.ACTIVE)
        _event(project, None, _("理事会未通过：%(what)s") % {"what": adjustment.get_kind_display()}, reference=f"motion:{motion.pk}")
        return
    if adjustment.kind == Adjustment.Kind.WITHDRAWAL:
        adjustment.status = Adjustment.Status.COUNCIL_PASSED
        adjustment.save()
        message = (_("理事会同意%(unit)s退出项目，待报市科技局核准") if withdrawal_needs_bureau(project)
                   else _("理事会同意%(unit)s退出项目，可执行"))
        _event(project, None, message % {"unit": adjustment.participant.unit}, reference=number)
        return
    if project.status not in EXECUTING:
        adjustment.status = Adjustment.Status.FAILED
        adjustment.save()
        return
    adjustment.status = Adjustment.Status.APPLIED
    adjustment.applied_at = timezone.now()
    adjustment.save()
    if adjustment.kind == Adjustment.Kind.REVOKE:
        _move(project, None, EXECUTING, S.REVOKED, _("理事会决议撤销项目"), reference=number)
        return
    _apply_change(project, adjustment.payload)
    _new_version(project, adjustment.reason, number)
    _move(project, None, EXECUTING, S.ADJUSTED, _("理事会决议调整项目，生成第%(n)s版") % {"n": project.version}, reference=number)


def _apply_change(project, payload):
    for pk, text in (payload.get("tasks") or {}).items():
        Participant.objects.filter(project=project, pk=int(pk)).update(tasks=text)
    if payload.get("budget_lines") is not None:
        project.budget_lines.all().delete()
        for line in payload["budget_lines"]:
            BudgetLine.objects.create(
                alliance=project.alliance, project=project, participant_id=line.get("participant"), category=line["category"],
                source=line["source"], amount=Money(Decimal(line["amount"]), CURRENCY), note=line.get("note", ""),
            )


def _new_version(project, reason, resolution):
    project.version += 1
    project.save()
    ProjectVersion.objects.create(alliance=project.alliance, project=project, number=project.version,
                                  snapshot=plan_snapshot(project), reason=reason, resolution=resolution)


@tenant_service
def withdrawal_bureau_refer(*, actor, alliance, adjustment: Adjustment) -> Adjustment:
    """After the council's opinion, the withdrawal goes to the bureau for approval (第十九条)."""
    require_secretariat(actor, alliance)
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.kind != Adjustment.Kind.WITHDRAWAL or adjustment.status != Adjustment.Status.COUNCIL_PASSED:
        raise Conflict(_("须先经理事会决议同意退出。"), code="council_opinion_required")
    if not withdrawal_needs_bureau(adjustment.project):
        raise Conflict(_("该项目不是政府科技计划项目，也无政府资助经费：理事会书面意见即可执行退出，无需报市科技局。"),
                       code="not_government")
    participant = adjustment.participant
    submission = links.approval_request(
        actor=actor, alliance=alliance, kind="participant_withdrawal",
        title=_("%(unit)s退出项目「%(title)s」") % {"unit": participant.unit, "title": adjustment.project.title},
        subject=participant,
        payload={"project": adjustment.project.code, "unit": participant.unit.name, "reason": adjustment.reason,
                 "resolution": adjustment.resolution, "reassign_to": adjustment.reassign_to.unit.name,
                 "clawback": str(adjustment.clawback.amount) if adjustment.clawback else "0"},
    )
    adjustment.submission_id = submission.pk
    adjustment.status = Adjustment.Status.AWAITING_BUREAU
    adjustment.save()
    _event(adjustment.project, actor, _("报市科技局核准%(unit)s退出") % {"unit": participant.unit}, reference=f"submission:{submission.pk}")
    return adjustment


def on_withdrawal_decision(submission) -> None:
    """bureau.gates handler for "participant_withdrawal"."""
    from django_scopes import scope

    with scope(alliance=submission.alliance):
        adjustment = Adjustment.objects.select_for_update().filter(submission_id=submission.pk).first()
        if adjustment is None or adjustment.status != Adjustment.Status.AWAITING_BUREAU:
            return
        ref = f"submission:{submission.pk}"
        if submission.decision == "approved":
            adjustment.status = Adjustment.Status.BUREAU_APPROVED
            _event(adjustment.project, None, _("市科技局核准%(unit)s退出项目") % {"unit": adjustment.participant.unit}, reference=ref)
        elif submission.decision == "rejected":
            adjustment.status = Adjustment.Status.BUREAU_REJECTED
            Participant.objects.filter(pk=adjustment.participant_id).update(status=Participant.Status.ACTIVE)
            _event(adjustment.project, None, _("市科技局未核准%(unit)s退出项目") % {"unit": adjustment.participant.unit}, reference=ref)
        else:
            adjustment.status = Adjustment.Status.COUNCIL_PASSED  # returned: fix and refer again
            _event(adjustment.project, None, _("市科技局退回退出申请"), reference=ref)
        adjustment.save()


@tenant_service
def withdrawal_execute(*, actor, alliance, adjustment: Adjustment, date=None) -> Adjustment:
    """Make an approved withdrawal take effect: tasks reassigned, clawback posted, a new plan version."""
    require_secretariat(actor, alliance)
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.kind != Adjustment.Kind.WITHDRAWAL:
        raise ValidationFailed(fields={"adjustment": [_("不是退出申请。")]})
    project = _lock(adjustment.project)
    if withdrawal_needs_bureau(project):
        if adjustment.status != Adjustment.Status.BUREAU_APPROVED:
            raise Conflict(_("退出须经理事会书面意见和市科技局核准后方可执行（第十九条）。"), code="bureau_approval_required")
    elif adjustment.status != Adjustment.Status.COUNCIL_PASSED:
        raise Conflict(_("退出须经理事会书面意见同意后方可执行。"), code="council_opinion_required")
    leaving = Participant.objects.select_for_update().get(pk=adjustment.participant_id)
    taker = Participant.objects.select_for_update().get(pk=adjustment.reassign_to_id)
    date = date or timezone.localdate()
    dates.check_date(date, dates.alliance_range(alliance, ahead_days=0), field="date")
    if leaving.tasks:
        taker.tasks = (taker.tasks + "\n" if taker.tasks else "") + _("（承接%(unit)s的任务）%(tasks)s") % {"unit": leaving.unit, "tasks": leaving.tasks}
        taker.save()
    leaving.status, leaving.withdrawn_on = Participant.Status.WITHDRAWN, date
    leaving.budget_lines.update(participant=taker)
    if adjustment.clawback and adjustment.clawback.amount > 0:
        entry = links.clawback_record(
            actor=actor, alliance=alliance, member_unit=leaving.unit, project=project, amount=adjustment.clawback, date=date,
            description=_("%(unit)s退出项目%(code)s，追回项目经费") % {"unit": leaving.unit, "code": project.code},
        )
        adjustment.clawback_entry_id = getattr(entry, "pk", None)
        leaving.clawed_back += adjustment.clawback
    leaving.save()
    adjustment.status, adjustment.applied_at = Adjustment.Status.APPLIED, timezone.now()
    adjustment.save()
    _new_version(project, adjustment.reason, adjustment.resolution)
    _event(project, actor, _("%(unit)s退出项目，任务转由%(to)s承担，生成第%(n)s版") % {"unit": leaving.unit, "to": taker.unit, "n": project.version},
           reference=adjustment.resolution)
    return adjustment


def on_unit_departure(actor, unit, how: str) -> None:
    """membership.hooks handler: on expulsion, claw back the government and alliance money paid for the
    unit's project tasks (a receivable), net of what was already clawed back; drafts just drop the unit."""
    for participant in Participant.objects.select_for_update().filter(unit=unit).select_related("project"):
        project = participant.project
        if how == "expelled":
            owed = paid_for_tasks(participant) - participant.clawed_back
            if owed.amount > 0:
                links.clawback_record(
                    actor=actor, alliance=unit.alliance, member_unit=unit, project=project, amount=owed,
                    date=timezone.localdate(),
                    description=_("%(unit)s被除名，追回项目%(code)s经费") % {"unit": unit, "code": project.code},
                )
                participant.clawed_back += owed
                _event(project, actor, _("%(unit)s被除名，追回项目经费 %(amount)s") % {"unit": unit, "amount": format_money(owed, currency=True)})
        if participant.status != Participant.Status.WITHDRAWN and (project.status == S.DRAFT or project.status in FINISHED):
            participant.status, participant.withdrawn_on = Participant.Status.WITHDRAWN, timezone.localdate()
        participant.save()


# ---- acceptance (验收) ------------------------------------------------------------------------

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
