"""Motions before the vote: drafts, papers, opening (the council's seats snapshot)."""

import secrets

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from alliances import access, dates
from alliances.errors import Conflict, ValidationFailed
from alliances.models import Organ, Role, RoleGrant
from alliances.notifications import Text
from alliances.tenancy import tenant_service
from governance import outcomes
from governance.models import Consultation, EligibleSeat, Motion, MotionAttachment, MotionKind, Notification
from governance.services._common import _check_upload, _locked_motion, _subject_fields
from governance.services.charter import current_charter
from governance.services.notifications import _motion_url, _notify_motion_seats
from membership.models import MemberUnit


@tenant_service
def motion_create(
    *, actor, alliance, kind: str, title: str, body: str, closes_at, subject=None, subject_unit=None, secret: bool = False,
) -> Motion:
    """A draft motion on a matter no process owns. Kinds with an outcome handler (admission,
    expulsion, project approval and adjustment, charter amendment ...) are opened by their process
    only (`process_motion_open`): a bare motion of such a kind would issue a resolution the
    process's records never reflect."""
    if kind in outcomes.owned_kinds():
        access.require_secretariat(actor, alliance)
        raise ValidationFailed(fields={"kind": [
            _("“%(k)s”类议案只能通过相应的业务流程提出（例如入盟申请、除名提议、项目立项）。") % {"k": MotionKind(kind).label}]})
    return _motion_create(actor=actor, alliance=alliance, kind=kind, title=title, body=body, closes_at=closes_at,
                          subject=subject, subject_unit=subject_unit, secret=secret)


@tenant_service
def process_motion_open(
    *, actor, alliance, kind: str, title: str, body: str, closes_at, subject=None, subject_unit=None,
    threshold: str = "",
) -> Motion:
    """The internal entry point of a process (membership, projects, charter amendment) for a motion
    of the kind it owns: created and opened at once, so its papers are the process's own."""
    if kind not in outcomes.owned_kinds():
        raise ValueError(f"motion kind {kind!r} has no registered process")
    motion = _motion_create(actor=actor, alliance=alliance, kind=kind, title=title, body=body, closes_at=closes_at,
                            subject=subject, subject_unit=subject_unit, threshold=threshold)
    return motion_open(actor=actor, alliance=alliance, motion=motion)


def _motion_create(
    *, actor, alliance, kind: str, title: str, body: str, closes_at, subject=None, subject_unit=None,
    secret: bool = False, threshold: str = "",
) -> Motion:
    access.require_secretariat(actor, alliance)
    errors = {}
    if kind not in MotionKind.values:
        errors["kind"] = [_("未知的议案类型。")]
    if not (title or "").strip():
        errors["title"] = [_("请填写标题。")]
    elif len(title.strip()) > 300:
        errors["title"] = [_("标题不能超过300个字符。")]
    if closes_at is None or timezone.is_naive(closes_at):
        errors["closes_at"] = [_("请填写带时区的截止时间。")]
    elif closes_at <= timezone.now():
        errors["closes_at"] = [_("截止时间须晚于当前时间。")]
    else:
        errors.update(dates.date_errors(closes_at, dates.alliance_range(alliance), field="closes_at"))
    if subject_unit is None and isinstance(subject, MemberUnit):
        subject_unit = subject
    if subject_unit is not None and (not isinstance(subject_unit, MemberUnit) or subject_unit.alliance_id != alliance.pk):
        errors["subject_unit"] = [_("对象不属于本联盟。")]
    try:
        subject_type, subject_id = _subject_fields(alliance, subject)
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    return Motion.objects.create(
        alliance=alliance, kind=kind, title=title.strip(), body=body or "", closes_at=closes_at, secret=bool(secret),
        subject_type=subject_type, subject_id=subject_id, subject_unit=subject_unit, threshold=threshold,
        charter=current_charter(alliance), created_by=actor,
    )


@tenant_service
def motion_update(*, actor, alliance, motion: Motion, **changes) -> Motion:
    """Edit a draft (title, body, closes_at, secret)."""
    access.require_secretariat(actor, alliance)
    motion = _locked_motion(alliance, motion)
    if motion.status != Motion.Status.DRAFT:
        raise Conflict(_("只能修改草稿状态的议案。"))
    errors = {}
    for name in ("title", "body", "closes_at", "secret"):
        if name in changes:
            setattr(motion, name, changes[name])
    if not (motion.title or "").strip():
        errors["title"] = [_("请填写标题。")]
    if motion.closes_at is None or timezone.is_naive(motion.closes_at):
        errors["closes_at"] = [_("请填写带时区的截止时间。")]
    elif motion.closes_at <= timezone.now():
        errors["closes_at"] = [_("截止时间须晚于当前时间。")]
    else:
        errors.update(dates.date_errors(motion.closes_at, dates.alliance_range(alliance), field="closes_at"))
    if errors:
        raise ValidationFailed(fields=errors)
    motion.save()
    return motion


@tenant_service
def motion_attach(*, actor, alliance, motion: Motion, name: str, file) -> MotionAttachment:
    """Add a paper to a motion before voting opens (the council votes on a fixed set of papers)."""
    access.require_secretariat(actor, alliance)
    motion = _locked_motion(alliance, motion)
    if motion.status != Motion.Status.DRAFT:
        raise Conflict(_("表决开始后不能再添加附件。"))
    errors = _check_upload(name, file)
    if errors:
        raise ValidationFailed(fields=errors)
    return MotionAttachment.objects.create(alliance=alliance, motion=motion, name=name.strip()[:200], file=file, uploaded_by=actor)


@tenant_service
def motion_open(*, actor, alliance, motion: Motion) -> Motion:
    """Open the vote: snapshot the council's filled seats, recuse the subject unit's seat.
    Expert consultations on the same subject must be finished: their summary goes with the papers."""
    access.require_secretariat(actor, alliance)
    locked = _locked_motion(alliance, motion)
    if locked.status != Motion.Status.DRAFT:
        raise Conflict(_("议案已经开始表决或已结束。"))
    now = timezone.now()
    if locked.closes_at <= now:
        raise ValidationFailed(fields={"closes_at": [_("截止时间须晚于当前时间。")]})
    consultations = Consultation.objects.filter(motion=locked)
    if locked.subject_type_id:
        consultations = consultations | Consultation.objects.filter(
            subject_type_id=locked.subject_type_id, subject_id=locked.subject_id, motion__isnull=True
        )
    pending = [c.title for c in consultations if c.status != Consultation.Status.CLOSED]
    if pending:
        raise Conflict(_("相关专家咨询尚未结束，意见汇总须在表决开始前附上：%(t)s") % {"t": "、".join(pending)})
    Consultation.objects.filter(pk__in=[c.pk for c in consultations], motion__isnull=True).update(motion=locked)
    if not _snapshot_council(alliance, locked):
        raise Conflict(_("理事会没有在任理事，无法表决。"))
    locked.status = Motion.Status.OPEN
    locked.opened_at = now
    locked.opened_by = actor
    if locked.secret:
        locked.ballot_salt = secrets.token_hex(32)
    locked.save()
    # Bulk, whatever the council's size: the notifications in two statements, the e-mails as outbox
    # rows sent by the worker after the commit (1,000 seats: docs/governance.md, bench/results.md).
    _notify_motion_seats(
        alliance, locked, Notification.Kind.MOTION_OPENED, f"motion:{locked.pk}:opened",
        Text(N_("议案开始表决：%(t)s"), t=locked.title),
        Text(N_("请在 %(d)s 前完成表决。"), d=timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M")),
        _motion_url(alliance, locked), now, voters_only=True,
    )
    return locked


def _snapshot_council(alliance, motion: Motion) -> int:
    """The motion's eligible seats: every filled council seat with its holder, the subject unit's seat
    recused, in one INSERT ... SELECT (a council of 1,000 seats builds no objects in Python).
    Returns the number of seats."""
    grants = RoleGrant.objects.filter(
        role=Role.COUNCILLOR, revoked_at__isnull=True, seat__organ__kind=Organ.Kind.COUNCIL, seat__vacated_at__isnull=True,
    ).annotate(s_id=F("seat_id"), u_id=F("seat__unit_id"), h_id=F("user_id")).values_list("s_id", "u_id", "h_id")
    select, params = grants.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(c) for c in ("alliance_id", "motion_id", "seat_id", "unit_id", "holder_id", "recused"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(EligibleSeat._meta.db_table)} ({columns}) "
            f"SELECT %s, %s, g.s_id, g.u_id, g.h_id, COALESCE(g.u_id = %s, false) "
            f"FROM ({select}) g",
            [alliance.pk, motion.pk, motion.subject_unit_id, *params],
        )
        return cursor.rowcount
