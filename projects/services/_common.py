"""Helpers shared by the project services: money, locking, events, status checks, numbering."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from alliances.errors import Conflict, ValidationFailed
from alliances.models import Role, RoleGrant
from projects import links
from projects.models import EXECUTING, BudgetLine, Event, Project


S = Project.Status
CURRENCY = "CNY"
EDITABLE = frozenset({S.DRAFT})


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


def _budget_values(project, *, category, source, amount, participant=None):
    if category not in BudgetLine.Category.values:
        raise ValidationFailed(fields={"category": [_("未知的预算科目。")]})
    if source not in BudgetLine.Source.values:
        raise ValidationFailed(fields={"source": [_("未知的经费来源。")]})
    if participant is not None:
        _require_participant_of(project, participant)
    return _money(amount)


def _require_executing(project):
    if project.status not in EXECUTING:
        raise Conflict(_("项目不在实施中。"), code="not_executing")
