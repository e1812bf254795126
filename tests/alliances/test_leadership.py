"""An alliance never loses its secretary-general or its chair (issue 14, point 3), and the council
alone appoints council seats and the auditor (point 11)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scope

from alliances import services
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Organ, Role, RoleGrant, Seat
from tests.conftest import api_as
from tests.governance.helpers import pass_resolution

pytestmark = pytest.mark.django_db


def _sg_grant(ctx):
    with scope(alliance=ctx.alliance):
        return RoleGrant.objects.get(user=ctx.user("sg"), role=Role.SECRETARY_GENERAL, revoked_at__isnull=True)


def test_last_secretary_general_cannot_revoke_own_role(oe):
    grant = _sg_grant(oe)
    response = api_as(oe.user("sg"), language="en").post(f"/api/v1/alliances/ocean-equipment/roles/{grant.pk}/revoke/")
    assert response.status_code == 409 and "secretary-general" in response.json()["error"]["message"]
    with pytest.raises(Conflict):
        services.role_revoke(actor=oe.admin,
                             alliance=oe.alliance, grant=grant)
    with scope(alliance=oe.alliance):
        grant.refresh_from_db()
    assert grant.revoked_at is None


def test_last_secretary_general_cannot_be_deactivated(oe):
    with pytest.raises(Conflict):
        services.person_deactivate(actor=oe.admin, alliance=oe.alliance, user=oe.user("sg"))
    assert oe.user("sg").is_active and _sg_grant(oe).revoked_at is None


def test_secretary_general_steps_down_once_a_successor_is_appointed(oe):
    successor = services.person_invite(actor=oe.user("sg"), alliance=oe.alliance, email="sg2@example.com",
                                       role=Role.SECRETARY_GENERAL)
    services.role_revoke(actor=oe.user("sg"), alliance=oe.alliance, grant=_sg_grant(oe))
    with pytest.raises(Conflict):  # now the successor is the last one
        services.role_revoke(actor=successor.user, alliance=oe.alliance, grant=successor)


def test_chair_seat_holder_is_replaced_never_removed(oe):
    with scope(alliance=oe.alliance):
        chair_grant = RoleGrant.objects.get(user=oe.user("chair"), role=Role.COUNCILLOR, revoked_at__isnull=True)
        chair_seat = chair_grant.seat
    assert chair_seat.is_chair
    with pytest.raises(Conflict):
        services.role_revoke(actor=oe.user("sec"), alliance=oe.alliance, grant=chair_grant)
    with pytest.raises(Conflict):
        services.person_deactivate(actor=oe.user("sec"), alliance=oe.alliance, user=oe.user("chair"))
    with pytest.raises(Conflict):  # an occupied seat is not taken over silently
        services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="chair2@example.com",
                               role=Role.COUNCILLOR, seat=chair_seat)
    new = services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="chair2@example.com",
                                 role=Role.COUNCILLOR, seat=chair_seat, replace_holder=True)
    with scope(alliance=oe.alliance):
        chair_grant.refresh_from_db()
        holders = list(chair_seat.grants.filter(revoked_at__isnull=True))
    assert chair_grant.revoked_at is not None and holders == [new]


def test_platform_admin_recovers_a_secretary_general_with_a_written_reason(oe):
    with pytest.raises(Forbidden):
        services.secretary_general_recover(actor=oe.user("sg"), alliance=oe.alliance, email="x@example.com",
                                           reason="秘书长失联，理事会请求平台协助")
    with pytest.raises(ValidationFailed) as error:
        services.secretary_general_recover(actor=oe.admin, alliance=oe.alliance, email="x@example.com", reason=" ")
    assert "reason" in error.value.fields
    with pytest.raises(CommandError):
        call_command("recover_secretary_general", "ocean-equipment", "--email", "x@example.com",
                     "--reason", "秘书长失联，理事会请求平台协助", "--as", oe.user("sg").username)
    call_command("recover_secretary_general", "ocean-equipment", "--email", "new-sg@example.com",
                 "--reason", "秘书长失联，理事会请求平台协助", "--as", oe.admin.username)
    with scope(alliance=oe.alliance):
        grant = RoleGrant.objects.get(user__email="new-sg@example.com", role=Role.SECRETARY_GENERAL)
        record = grant.history.first()
    assert grant.granted_by == oe.admin and "秘书长失联" in grant.note
    assert record.history_user == oe.admin and "秘书长失联" in record.history_change_reason


def test_auditor_is_appointed_only_by_a_council_appointment_resolution(oe):
    with pytest.raises(ValidationFailed) as error:
        services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="aud@example.com", role=Role.AUDITOR)
    assert "resolution_number" in error.value.fields
    budget = pass_resolution(oe, kind="budget")
    with pytest.raises(ValidationFailed):
        services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="aud@example.com", role=Role.AUDITOR,
                               resolution_number=budget)
    number = pass_resolution(oe, kind="appointment", title="聘请会计师事务所")
    grant = services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="aud@example.com",
                                   role=Role.AUDITOR, resolution_number=number)
    assert grant.resolution_number == number


def test_chair_seat_needs_a_resolution_once_the_council_exists(oe):
    with scope(alliance=oe.alliance):
        Seat.objects.filter(is_chair=True)  # the demo chair seat stands; a second one would be refused anyway
    with pytest.raises(ValidationFailed) as error:
        services.seat_create(actor=oe.user("sg"), alliance=oe.alliance, organ_kind=Organ.Kind.COUNCIL, title="理事",
                             unit=oe.units[6])
    assert "resolution_number" in error.value.fields


def test_platform_recovery_page_is_for_platform_administrators_only(oe):
    from django.test import Client

    url = "/platform/alliances/ocean-equipment/secretary-general/"
    client = Client()
    client.force_login(oe.user("sg"))
    assert client.post(url, {"email": "p@example.com", "reason": "秘书长失联，理事会请求平台协助"}).status_code == 403
    client.force_login(oe.admin)
    assert client.get(url).status_code == 200
    missing_reason = client.post(url, {"email": "p@example.com", "reason": " "})
    assert missing_reason.status_code == 200 and missing_reason.context["form"].errors
    done = client.post(url, {"email": "p@example.com", "reason": "秘书长失联，理事会请求平台协助"})
    assert done.status_code == 302
    with scope(alliance=oe.alliance):
        assert RoleGrant.objects.filter(user__email="p@example.com", role=Role.SECRETARY_GENERAL,
                                        granted_by=oe.admin).exists()
