"""第八条 and 第九条 as far as data shows them: what an alliance still lacks before it may submit its
recognition application. Each missing item is a sentence the alliance can act on."""

from django.utils.translation import gettext as _
from django_scopes import scope

from alliances.models import Organ, Role, RoleGrant, Seat
from bureau import selectors
from bureau.models import Kind, Submission
from membership.models import MemberUnit
from membership.selectors import CURRENT_STATUSES

# The necessity statement (附件3) goes with the application: drafted, with its four parts written.
NECESSITY_PARTS = ("industry_status", "technology_trends", "policy_fit", "alliance_role")
FILED = (Submission.Status.SUBMITTED, Submission.Status.APPROVED)


def _members(alliance) -> list[str]:
    kinds = set(MemberUnit.objects.filter(status__in=CURRENT_STATUSES).values_list("kind", flat=True))
    missing = []
    if MemberUnit.Kind.ENTERPRISE not in kinds:
        missing.append(_("第八条（一）：成员单位中没有企业"))
    if not kinds & {MemberUnit.Kind.UNIVERSITY, MemberUnit.Kind.INSTITUTE}:
        missing.append(_("第八条（一）：成员单位中没有大学或科研机构"))
    return missing


def _organs(alliance) -> list[str]:
    missing = []
    held = Seat.objects.filter(organ__kind=Organ.Kind.COUNCIL, vacated_at__isnull=True,
                               grants__revoked_at__isnull=True)
    if not held.exists():
        missing.append(_("第八条（四）：理事会没有在任理事"))
    staff = RoleGrant.objects.filter(role__in=(Role.STAFF, Role.SECRETARY_GENERAL), revoked_at__isnull=True)
    if not staff.exists():
        missing.append(_("第八条（四）：秘书处没有专职人员"))
    if alliance.responsible_entity_id is None:
        missing.append(_("第八条（四）：对外承担责任的主体未确定"))
    return missing


def _package(alliance) -> list[str]:
    missing = []
    if not Submission.objects.filter(kind=Kind.RULES_FILING, status__in=FILED).exists():
        missing.append(_("第八条（五）：经费管理制度尚未向市科技局备案"))
    complete, agreement_missing = selectors.agreement_status(alliance)
    if not complete:
        missing.extend(agreement_missing)
    statements = Submission.objects.filter(kind=Kind.NECESSITY_STATEMENT).exclude(status=Submission.Status.REJECTED)
    if not any(all(getattr(s, part).strip() for part in NECESSITY_PARTS) for s in statements):
        missing.append(_("第九条（三）：联盟组建必要性的说明材料（附件3）尚未填写完整"))
    return missing


def recognition_missing(alliance) -> list[str]:
    """Every condition the alliance does not meet yet (empty: it may submit)."""
    with scope(alliance=alliance):
        return _members(alliance) + _organs(alliance) + _package(alliance)
