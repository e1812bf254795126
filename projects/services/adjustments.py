"""Adjustments, revocation and a participant's withdrawal (第十九条)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances import dates
from alliances.access import require_secretariat
from alliances.errors import Conflict, ValidationFailed
from alliances.money import format_money
from alliances.tenancy import tenant_service
from projects import links
from projects.models import EXECUTING, FINISHED, Adjustment, BudgetLine, Participant, Project, ProjectVersion
from projects.selectors import paid_for_tasks, plan_snapshot, withdrawal_needs_bureau
from projects.services._common import (
    CURRENCY, S, _budget_values, _default_close, _event, _lock, _money, _move, _require_executing,
    _require_participant_of,
)


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
