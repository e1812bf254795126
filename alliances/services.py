"""Alliance, people and role services: the only writers of the tenant's core tables."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from alliances import access, dates, outbox
from alliances.authority import cited_resolution
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Alliance, Organ, OutboxMessage, Role, RoleGrant, Seat, User
from alliances.tenancy import platform_service, tenant_service

DEFAULT_ORGANS = (
    (Organ.Kind.COUNCIL, "理事会"),
    (Organ.Kind.EXPERT_COMMITTEE, "专家委员会"),
    (Organ.Kind.SECRETARIAT, "秘书处"),
)


def _is_email(value: str) -> bool:
    """Django's own address check: the API documents the field as an email and returns it so."""
    try:
        validate_email((value or "").strip())
    except DjangoValidationError:
        return False
    return True


def _is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


# ---------------------------------------------------------------- alliances


@platform_service
def alliance_create(
    *, actor, name: str, slug: str, code: str, name_en: str = "", technology_field: str = "",
    secretary_general_email: str, secretary_general_name: str = "", secretary_general_username: str = "",
) -> Alliance:
    """A platform administrator onboards an alliance with its organs and first secretary-general,
    who is invited by email and then runs the alliance alone."""
    if not _is_platform_admin(actor):
        raise Forbidden()
    errors = {}
    slug = slugify(slug)
    if not name.strip():
        errors["name"] = [_("请填写联盟名称。")]
    if not slug:
        errors["slug"] = [_("请填写标识（字母、数字和连字符）。")]
    elif Alliance.objects.filter(slug=slug).exists():
        errors["slug"] = [_("该标识已被使用。")]
    if Alliance.objects.filter(name=name.strip()).exists():
        errors["name"] = [_("该名称已被使用。")]
    if not code.strip() or len(code.strip()) > 8:
        errors["code"] = [_("请填写不超过8个字符的简称代码。")]
    if not _is_email(secretary_general_email):
        errors["secretary_general_email"] = [_("请填写有效的电子邮箱。")]
    if errors:
        raise ValidationFailed(fields=errors)
    alliance = Alliance.objects.create(
        name=name.strip(), name_en=name_en.strip(), slug=slug, code=code.strip().upper(),
        technology_field=technology_field.strip(),
    )
    with scope(alliance=alliance):
        for kind, organ_name in DEFAULT_ORGANS:
            Organ.objects.create(alliance=alliance, kind=kind, name=organ_name)
    person_invite(
        actor=actor, alliance=alliance, email=secretary_general_email, display_name=secretary_general_name,
        role=Role.SECRETARY_GENERAL, username=secretary_general_username,
    )
    return alliance


def organ_of(alliance, kind) -> Organ:
    with scope(alliance=alliance):
        return Organ.objects.get(kind=kind)


# Appointments the agreement reserves to the council (council seats, the chair seat, the auditor):
# the secretariat records them citing the council's resolution of kind `appointment`. None is
# cited at founding, before any council exists to decide (no councillor in office), nor by a
# platform administrator setting an alliance up (recorded as the grantor in the history).
APPOINTMENT_KINDS = ("appointment",)


def _council_formed() -> bool:
    return RoleGrant.objects.filter(
        role=Role.COUNCILLOR, revoked_at__isnull=True, seat__organ__kind=Organ.Kind.COUNCIL, seat__vacated_at__isnull=True,
    ).exists()


def _council_authority(actor, alliance, resolution_number: str, *, subject=None) -> str:
    """The cited appointment resolution's number ("" for the founding set-up; a cited number is
    always checked)."""
    if not (resolution_number or "").strip() and (_is_platform_admin(actor) or not _council_formed()):
        return ""
    return cited_resolution(alliance, resolution_number, kinds=APPOINTMENT_KINDS, subject=subject)


@tenant_service
def seat_create(
    *, actor, alliance, organ_kind: str, title: str, unit=None, is_chair: bool = False, position: int = 0,
    resolution_number: str = "",
) -> Seat:
    """A seat of an organ. Council seats (the chair seat among them) are created by a council
    resolution of kind `appointment` about the seat's unit, which the secretariat cites."""
    _require_admin(actor, alliance)
    organ = Organ.objects.get(kind=organ_kind)
    if unit is not None and unit.alliance_id != alliance.pk:
        raise ValidationFailed(fields={"unit": [_("成员单位不属于本联盟。")]})
    if is_chair and organ_kind != Organ.Kind.COUNCIL:
        raise ValidationFailed(fields={"is_chair": [_("理事长席位只能设在理事会。")]})
    if is_chair and Seat.objects.filter(organ=organ, is_chair=True, vacated_at__isnull=True).exists():
        raise Conflict(_("理事长席位已存在。"))
    number = ""
    if organ_kind == Organ.Kind.COUNCIL:
        number = _council_authority(actor, alliance, resolution_number, subject=unit)
    return Seat.objects.create(alliance=alliance, organ=organ, title=title, unit=unit, is_chair=is_chair,
                               position=position, resolution_number=number)


# ---------------------------------------------------------------- people and roles


def _require_admin(actor, alliance):
    """The secretariat administers people; a platform administrator may too (onboarding)."""
    if not (_is_platform_admin(actor) or access.has_role(actor, alliance, *access.SECRETARIAT)):
        raise Forbidden()


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("set_password", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL.rstrip("/") + path


# ---------------------------------------------------------------- accounts (no alliance: a person's own)


@platform_service
def api_token_issue(*, actor: User) -> Token:
    """The person's API token (one per account), made on first login through the API."""
    token, _created = Token.objects.get_or_create(user=actor)
    return token


@platform_service
def api_token_revoke(*, actor: User) -> int:
    """Revoke the person's API token: every client holding it gets 401 until it logs in again."""
    deleted, _rows = Token.objects.filter(user=actor).delete()
    return deleted


@platform_service
def password_reset_complete(*, actor: User) -> None:
    """After a password set through an emailed link: the login lockout of the account ends, and its
    API token is revoked (whoever knew the old password may hold it)."""
    axes_reset(username=actor.get_username())
    api_token_revoke(actor=actor)


@tenant_service
def person_invite(
    *, actor, alliance, email: str, role: str, display_name: str = "", username: str = "",
    seat=None, member_unit=None, resolution_number: str = "", replace_holder: bool = False, reason: str = "",
) -> RoleGrant:
    """Invite a person by email and grant a role. A person already known by that email keeps
    their one account; a new person gets a one-time link to set a password."""
    _require_admin(actor, alliance)
    email = (email or "").strip()
    if not _is_email(email):
        raise ValidationFailed(fields={"email": [_("请填写有效的电子邮箱。")]})
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        username = (username or email).strip()
        try:
            User._meta.get_field("username").run_validators(username)
        except DjangoValidationError:
            # An address Django accepts (e.g. "admin/@example.org") is not always a valid
            # user name; the person then needs one chosen explicitly.
            raise ValidationFailed(fields={"username": [_("用户名只能包含字母、数字和 @/./+/-/_，且不超过150个字符；请另填用户名。")]})
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationFailed(fields={"username": [_("该用户名已被使用。")]})
        user = User(username=username, email=email, display_name=display_name.strip())
        user.set_unusable_password()
        user.save()
    grant = role_grant(actor=actor, alliance=alliance, user=user, role=role, seat=seat, member_unit=member_unit,
                       resolution_number=resolution_number, replace_holder=replace_holder, reason=reason)
    if created or not user.has_usable_password():
        body = _("您已受邀加入 %(alliance)s，角色：%(role)s。请通过以下一次性链接设置密码：\n%(link)s") % {
            "alliance": alliance.name, "role": grant.get_role_display(), "link": invitation_link(user),
        }
    else:
        body = _("您在 %(alliance)s 获得了新角色：%(role)s。请使用现有账号登录：%(site)s") % {
            "alliance": alliance.name, "role": grant.get_role_display(), "site": settings.SITE_URL,
        }
    # Sent by the worker after the commit: a rollback sends nothing, a mail server's error undoes nothing.
    outbox.queue(alliance, OutboxMessage.Kind.INVITATION,
                 [(email, _("联盟邀请：%(alliance)s") % {"alliance": alliance.name}, body)])
    return grant


@tenant_service
def outbox_retry(*, actor, alliance, message: OutboxMessage) -> OutboxMessage:
    """The secretariat sends an undelivered message again: a fresh round of attempts from now."""
    access.require_secretariat(actor, alliance)
    if message.alliance_id != alliance.pk:
        raise Forbidden()
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == OutboxMessage.Status.SENT:
        raise Conflict(_("该邮件已发送。"))
    message.status = OutboxMessage.Status.QUEUED
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    outbox.enqueue_delivery([message.pk])
    return message


@tenant_service
def role_grant(
    *, actor, alliance, user, role: str, seat=None, member_unit=None, resolution_number: str = "",
    replace_holder: bool = False, reason: str = "",
) -> RoleGrant:
    """Grant a role. The auditor is appointed by a council resolution (cited); a council seat's
    holder is replaced only explicitly (`replace_holder`), so the chair seat is never left empty."""
    _require_admin(actor, alliance)
    if role not in Role.values:
        raise ValidationFailed(fields={"role": [_("未知角色。")]})
    if role == Role.SECRETARY_GENERAL and not (
        _is_platform_admin(actor) or access.has_role(actor, alliance, Role.SECRETARY_GENERAL)
    ):
        raise Forbidden(_("只有秘书长可以任命秘书长。"))
    errors = {}
    for name, obj in (("seat", seat), ("member_unit", member_unit)):
        if obj is not None and obj.alliance_id != alliance.pk:
            errors[name] = [_("对象不属于本联盟。")]
    if errors:
        raise ValidationFailed(fields=errors)
    if seat is not None:
        # Re-read under a row lock: a seat vacated meanwhile (its unit left) is never filled again.
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
    number = ""
    if role == Role.AUDITOR:
        number = _council_authority(actor, alliance, resolution_number)
    if role == Role.COUNCILLOR:
        if seat is None or seat.organ.kind != Organ.Kind.COUNCIL or seat.vacated_at:
            raise ValidationFailed(fields={"seat": [_("理事须占有一个有效的理事会席位。")]})
        holders = list(seat.grants.filter(revoked_at__isnull=True).exclude(user=user))
        if holders and not replace_holder:
            raise Conflict(_("该席位已有在任理事。"))
    elif role == Role.EXPERT:
        if seat is not None and seat.organ.kind != Organ.Kind.EXPERT_COMMITTEE:
            raise ValidationFailed(fields={"seat": [_("专家须占有专家委员会席位。")]})
    elif seat is not None:
        raise ValidationFailed(fields={"seat": [_("该角色不占席位。")]})
    if role == Role.REPRESENTATIVE and member_unit is None:
        raise ValidationFailed(fields={"member_unit": [_("成员单位联系人须指定所代表的成员单位。")]})
    if RoleGrant.objects.filter(user=user, role=role, revoked_at__isnull=True).exists():
        raise Conflict(_("此人已拥有该角色。"))
    if role == Role.COUNCILLOR:
        for previous in holders:  # the seat changes hands in one transaction: never empty
            _end_grant(actor, previous, reason=reason)
    grant = RoleGrant(
        alliance=alliance, user=user, role=role, seat=seat, member_unit=member_unit, granted_by=actor,
        resolution_number=number, note=(reason or "").strip(),
    )
    grant._change_reason = (reason or "")[:100] or None
    grant.save()
    access.forget_roles(user)
    return grant


@tenant_service
def role_revoke(*, actor, alliance, grant: RoleGrant) -> RoleGrant:
    _require_admin(actor, alliance)
    if grant.alliance_id != alliance.pk:
        raise Forbidden()
    if grant.revoked_at is not None:
        raise Conflict(_("该授权已撤销。"))
    if grant.role == Role.SECRETARY_GENERAL and not (
        _is_platform_admin(actor) or access.has_role(actor, alliance, Role.SECRETARY_GENERAL)
    ):
        raise Forbidden(_("只有秘书长可以撤销秘书长。"))
    leadership_guard(alliance, grant)
    return _end_grant(actor, grant)


def leadership_guard(alliance, grant: RoleGrant) -> None:
    """The one check before any path ends a role (revoke, deactivate): the alliance keeps at
    least one active secretary-general, and the active chair seat keeps its holder (it changes
    hands only by `role_grant(replace_holder=True)`, or ends with the seat when the unit leaves).
    The secretary-general grants are locked, so two concurrent revocations cannot both pass."""
    if grant.role == Role.SECRETARY_GENERAL:
        others = RoleGrant.objects.select_for_update().filter(
            role=Role.SECRETARY_GENERAL, revoked_at__isnull=True).exclude(pk=grant.pk)
        if not list(others):
            raise Conflict(
                _("这是本联盟唯一在任的秘书长：须先任命另一位秘书长，才能撤销或停用此人的秘书长角色。"),
                code="last_secretary_general")
    if grant.role == Role.COUNCILLOR and grant.seat_id and grant.seat.is_chair and grant.seat.vacated_at is None:
        raise Conflict(
            _("此人是理事长席位的在任理事：须先将该席位交由新的在任理事（邀请时选择“替换在任理事”），不能使理事长席位空缺。"),
            code="chair_seat_holder")


def _end_grant(actor, grant: RoleGrant, reason: str = "") -> RoleGrant:
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant._change_reason = (reason or "")[:100] or None
    grant.save(update_fields=["revoked_at", "revoked_by"])
    access.forget_roles(grant.user)
    return grant


@tenant_service
def person_deactivate(*, actor, alliance, user) -> User:
    """Revoke every role of `user` in this alliance; the account itself is closed only when the
    person has no role left anywhere (their other alliances are not this secretariat's to decide)."""
    _require_admin(actor, alliance)
    if user.pk == actor.pk:
        raise Conflict(_("不能停用自己的账号。"))
    grants = list(RoleGrant.objects.filter(user=user, revoked_at__isnull=True).select_related("seat"))
    if not grants:
        raise Conflict(_("此人在本联盟没有在任角色。"))
    for grant in grants:
        leadership_guard(alliance, grant)
    for grant in grants:
        role_revoke(actor=actor, alliance=alliance, grant=grant)
    with scopes_disabled():
        elsewhere = RoleGrant.objects.filter(user=user, revoked_at__isnull=True).exists()
    if not elsewhere and not user.is_superuser and not access.is_bureau_officer(user):
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@tenant_service
def secretary_general_recover(*, actor, alliance, email: str, reason: str, display_name: str = "") -> RoleGrant:
    """A platform administrator appoints a secretary-general when the alliance cannot (none in
    office, or none reachable): the written reason and the administrator are kept in the grant's
    history. The person is invited by email like any other."""
    if not _is_platform_admin(actor):
        raise Forbidden(_("只有平台管理员可以恢复任命秘书长。"))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationFailed(fields={"reason": [_("请写明恢复任命的理由（至少5个字）。")]})
    return person_invite(actor=actor, alliance=alliance, email=email, display_name=display_name,
                         role=Role.SECRETARY_GENERAL, reason=_("平台管理员恢复任命：%(r)s") % {"r": reason})


PROFILE_FIELDS = (
    "name_en", "technology_field", "address", "contact_name", "contact_phone", "contact_email",
    "host_unit", "responsible_entity", "responsible_entity_scope", "founded_on",
)


@tenant_service
def alliance_profile_update(*, actor, alliance, **changes) -> Alliance:
    """The secretary-general keeps the alliance's profile: contact, host unit, and the responsible
    entity with its written authorisation scope (第十四条). The agreement text changes only by an
    amendment the council adopts unanimously, not here."""
    access.require_role(actor, alliance, Role.SECRETARY_GENERAL)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("该字段不可在此修改。")] for name in sorted(unknown)})
    errors = {}
    for name in ("host_unit", "responsible_entity"):
        unit = changes.get(name)
        if unit is not None and unit.alliance_id != alliance.pk:
            errors[name] = [_("成员单位不属于本联盟。")]
    entity = changes.get("responsible_entity", alliance.responsible_entity)
    scope_text = changes.get("responsible_entity_scope", alliance.responsible_entity_scope)
    if entity is not None and not (scope_text or "").strip():
        errors["responsible_entity_scope"] = [_("对外承担责任的主体须有书面授权范围（第十四条）。")]
    if changes.get("founded_on") is not None:
        # The founding predates the alliance's records: any real date up to today.
        errors.update(dates.date_errors(changes["founded_on"], dates.historic_range(), field="founded_on")
                      or dates.founding_errors(alliance, changes["founded_on"]))
    if errors:
        raise ValidationFailed(fields=errors)
    for name, value in changes.items():
        setattr(alliance, name, value)
    alliance.save()
    return alliance


@tenant_service
def unit_seats_vacate(*, actor, alliance, unit) -> list[RoleGrant]:
    """A departing member unit loses its seats: each holder's grant is revoked and the seat is
    vacated, so nobody can be appointed to it again. Returns the revoked grants."""
    revoked = []
    # Locked, so an appointment to one of these seats either commits first (and is revoked here) or waits and is refused.
    seats = list(Seat.objects.select_for_update().filter(unit=unit, vacated_at__isnull=True).order_by("pk"))
    if seats:
        _require_admin(actor, alliance)
    for seat in seats:
        # The seat itself ends (the chair seat too, when the chair unit leaves): its holder goes with it.
        for grant in seat.grants.filter(revoked_at__isnull=True).select_related("user"):
            revoked.append(_end_grant(actor, grant))
        seat.vacated_at = timezone.now()
        seat.save(update_fields=["vacated_at"])
    return revoked


# Recognition status: moved only by bureau submissions and decisions (第九条 to 第十三条, 第二十条).
STATUS_TRANSITIONS = {
    Alliance.Status.FORMING: {Alliance.Status.APPLYING, Alliance.Status.DISSOLVING},
    Alliance.Status.APPLYING: {Alliance.Status.RECOGNISED, Alliance.Status.FORMING, Alliance.Status.DISSOLVING},
    Alliance.Status.RECOGNISED: {Alliance.Status.DISSOLVING},
    Alliance.Status.DISSOLVING: {Alliance.Status.DISSOLVED, Alliance.Status.RECOGNISED, Alliance.Status.FORMING,
                                 Alliance.Status.APPLYING},
    Alliance.Status.DISSOLVED: set(),
}


@tenant_service
def alliance_status_set(*, actor, alliance, status: str, reason: str) -> Alliance:
    """Move the alliance's recognition status (with history and its reason). Called by the bureau
    app's submit and decision handlers only: by the secretary-general (applying, dissolving) or a
    bureau officer deciding (recognised, dissolved, back on rejection)."""
    if not (access.is_bureau_officer(actor) or access.has_role(actor, alliance, Role.SECRETARY_GENERAL)):
        raise Forbidden()
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    if status == alliance.status:
        return alliance
    if status not in STATUS_TRANSITIONS.get(alliance.status, set()):
        raise Conflict(_("联盟状态不能从“%(old)s”变为“%(new)s”。") % {
            "old": alliance.get_status_display(), "new": Alliance.Status(status).label})
    alliance.status = status
    alliance._change_reason = reason
    alliance.save(update_fields=["status"])
    return alliance
