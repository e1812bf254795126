import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_scopes import scope

from alliances import services
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Alliance, Organ, Role, RoleGrant, Seat, User


def test_secretariat_invites_a_new_person_who_sets_a_password_once(oe, deliver):
    with deliver():
        grant = services.person_invite(
            actor=oe.user("sec"), alliance=oe.alliance, email="new.expert@example.com",
            display_name="新专家", role=Role.STAFF,
        )
    assert grant.granted_by == oe.user("sec") and grant.revoked_at is None
    link = re.search(r"http://\S+/accounts/set-password/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("8000", 1)[1]
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    response = client.post(set_url, {"new_password1": "Sea-Wind-2026!", "new_password2": "Sea-Wind-2026!"})
    assert response.status_code == 302
    user = User.objects.get(email="new.expert@example.com")
    assert user.check_password("Sea-Wind-2026!")
    # One-time: the link no longer works once used.
    again = Client().get(path, follow=True)
    assert not again.context["validlink"]


def test_person_invited_to_a_second_alliance_keeps_one_account(oe, bm, deliver):
    services.person_invite(actor=oe.user("sg"), alliance=oe.alliance, email="both@example.com", role=Role.STAFF)
    person = User.objects.get(email="both@example.com")
    person.set_password("Sea-Wind-2026!")
    person.save()
    with deliver():
        services.person_invite(actor=bm.user("sg"), alliance=bm.alliance, email="BOTH@example.com", role=Role.STAFF)
    assert User.objects.filter(email__iexact="both@example.com").count() == 1
    assert "使用现有账号登录" in mail.outbox[-1].body


def test_grants_and_revocations_record_who_and_when(oe):
    grant = services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="a@example.com", role=Role.STAFF)
    services.role_revoke(actor=oe.user("sg"), alliance=oe.alliance, grant=grant)
    with scope(alliance=oe.alliance):
        grant.refresh_from_db()
        assert grant.revoked_by == oe.user("sg") and grant.revoked_at is not None
        history = list(grant.history.order_by("history_date"))
    assert [h.history_user for h in history] == [oe.user("sec"), oe.user("sg")]
    assert history[0].revoked_at is None and history[1].revoked_at is not None


def test_only_the_secretariat_grants_roles(oe):
    for suffix in ("council-1", "expert-1", "rep-1", "auditor"):
        with pytest.raises(Forbidden):
            services.person_invite(actor=oe.user(suffix), alliance=oe.alliance, email="x@example.com", role=Role.STAFF)
    assert not User.objects.filter(email="x@example.com").exists()


def test_staff_cannot_appoint_a_secretary_general(oe):
    with pytest.raises(Forbidden):
        services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="sg2@example.com",
                               role=Role.SECRETARY_GENERAL)
    assert not User.objects.filter(email="sg2@example.com").exists()


def test_a_council_seat_has_one_holder(oe):
    with scope(alliance=oe.alliance):
        taken = Seat.objects.filter(organ__kind=Organ.Kind.COUNCIL).first()
    with pytest.raises(Conflict):
        services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="c@example.com",
                               role=Role.COUNCILLOR, seat=taken)
    assert not User.objects.filter(email="c@example.com").exists()


def test_representative_needs_a_member_unit(oe):
    with pytest.raises(ValidationFailed) as error:
        services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="r@example.com",
                               role=Role.REPRESENTATIVE)
    assert "member_unit" in error.value.fields


def test_deactivating_revokes_roles_here_and_closes_the_account_only_when_none_remain(oe, bm):
    both = oe.user("auditor")
    services.role_grant(actor=bm.user("sg"), alliance=bm.alliance, user=both, role=Role.STAFF)
    services.person_deactivate(actor=oe.user("sg"), alliance=oe.alliance, user=both)
    both.refresh_from_db()
    assert both.is_active  # still an auditor of biomed
    services.person_deactivate(actor=bm.user("sg"), alliance=bm.alliance, user=both)
    both.refresh_from_db()
    assert not both.is_active
    with scope(alliance=oe.alliance):
        assert not RoleGrant.objects.filter(user=both, revoked_at__isnull=True).exists()


def test_platform_admin_onboards_an_alliance_whose_secretary_general_runs_it_alone(platform_admin, deliver):
    with deliver():
        call_command("create_alliance", name="新材料产业技术创新战略联盟", slug="new-materials", code="NM",
                     sg_email="sg@newmat.example.com", sg_name="周秘书长")
    alliance = Alliance.objects.get(slug="new-materials")
    with scope(alliance=alliance):
        assert set(Organ.objects.values_list("kind", flat=True)) == set(Organ.Kind.values)
    sg = User.objects.get(email="sg@newmat.example.com")
    assert "set-password" in mail.outbox[-1].body
    # The secretary-general now administers alone: creates a seat and invites staff.
    services.seat_create(actor=sg, alliance=alliance, organ_kind=Organ.Kind.COUNCIL, title="理事长", is_chair=True)
    grant = services.person_invite(actor=sg, alliance=alliance, email="staff@newmat.example.com", role=Role.STAFF)
    assert grant.granted_by == sg


def test_create_alliance_refuses_a_taken_slug(oe):
    with pytest.raises(CommandError, match="标识"):
        call_command("create_alliance", name="另一个联盟", slug="ocean-equipment", code="XX", sg_email="a@b.cn")
    assert Alliance.objects.filter(name="另一个联盟").count() == 0


def test_only_a_platform_admin_creates_alliances(oe):
    with pytest.raises(Forbidden):
        services.alliance_create(actor=oe.user("sg"), name="X联盟", slug="x", code="X", secretary_general_email="x@x.cn")
    client = Client()
    client.force_login(oe.user("sg"))
    assert client.get("/platform/alliances/new/").status_code == 403


def test_platform_page_creates_an_alliance(platform_admin):
    client = Client()
    client.force_login(platform_admin)
    response = client.post("/platform/alliances/new/", {
        "name": "海水淡化产业技术创新战略联盟", "slug": "desal", "code": "DS", "secretary_general_email": "sg@desal.cn",
    })
    assert response.status_code == 302
    assert Alliance.objects.filter(slug="desal").exists()


def test_a_departing_units_seat_is_vacated_and_cannot_be_filled_again(oe):
    unit = oe.units[2]
    revoked = services.unit_seats_vacate(actor=oe.user("sec"), alliance=oe.alliance, unit=unit)
    assert [g.user for g in revoked] == [oe.user("council-2")]
    with scope(alliance=oe.alliance):
        seat = Seat.objects.get(unit=unit)
    assert seat.vacated_at is not None
    with pytest.raises(ValidationFailed):
        services.person_invite(actor=oe.user("sec"), alliance=oe.alliance, email="n@example.com",
                               role=Role.COUNCILLOR, seat=seat)
