from django.contrib.auth.models import Permission
from django.test import Client
from django_scopes import scope

from alliances.models import Organ, RoleGrant, Seat, User


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_speaks_chinese_by_default_and_english_on_request(oe):
    client = logged_in(oe.user("sec"))
    assert "联盟概览" in client.get("/a/ocean-equipment/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/a/ocean-equipment/"})
    assert "Alliance overview" in client.get("/a/ocean-equipment/").content.decode()


def test_people_page_is_for_the_secretariat(oe):
    assert logged_in(oe.user("sec")).get("/a/ocean-equipment/people/").status_code == 200
    assert logged_in(oe.user("council-1")).get("/a/ocean-equipment/people/").status_code == 403


def test_people_page_invites_and_reports_field_errors(oe, bm):
    client = logged_in(oe.user("sec"))
    bad = client.post("/a/ocean-equipment/people/", {"email": "nope", "role": "staff"})
    assert bad.status_code == 400 and bad.context["form"].errors["email"]
    with scope(alliance=bm.alliance):
        foreign_seat = Seat.objects.filter(organ__kind=Organ.Kind.EXPERT_COMMITTEE).first().pk
    leak = client.post("/a/ocean-equipment/people/", {"email": "e@example.com", "role": "expert", "seat": foreign_seat})
    assert leak.status_code == 400 and leak.context["form"].errors["seat"]
    ok = client.post("/a/ocean-equipment/people/", {"email": "e@example.com", "role": "staff"})
    assert ok.status_code == 302
    with scope(alliance=oe.alliance):
        assert RoleGrant.objects.filter(user__email="e@example.com", role="staff").exists()


def test_people_page_asks_for_a_username_when_the_address_cannot_be_one(oe):
    client = logged_in(oe.user("sec"))
    refused = client.post("/a/ocean-equipment/people/", {"email": "ops/desk@example.org", "role": "staff"})
    assert refused.status_code == 400 and refused.context["form"].errors["username"]
    ok = client.post(
        "/a/ocean-equipment/people/", {"email": "ops/desk@example.org", "role": "staff", "username": "ops-desk"})
    assert ok.status_code == 302
    assert User.objects.get(email="ops/desk@example.org").username == "ops-desk"


def test_home_lists_alliances_or_goes_straight_in(oe, bm, bureau_user):
    assert logged_in(oe.user("sec")).get("/").url == "/a/ocean-equipment/"
    assert logged_in(bureau_user).get("/").url == "/bureau/"
    assert logged_in(bureau_user).get("/a/biomed/").status_code == 200


def test_admin_is_read_only_and_filtered_to_the_users_alliances(oe, bm, platform_admin):
    staff = oe.user("sg")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_rolegrant", "view_seat"]))
    client = logged_in(User.objects.get(pk=staff.pk))
    response = client.get("/admin/alliances/rolegrant/")
    shown = {grant.alliance_id for grant in response.context["cl"].result_list}
    assert shown == {oe.alliance.pk}
    assert "生物医药产业技术创新战略联盟" not in response.content.decode()
    assert client.get("/admin/alliances/rolegrant/add/").status_code == 403
    everything = logged_in(platform_admin).get("/admin/alliances/rolegrant/")
    assert {grant.alliance_id for grant in everything.context["cl"].result_list} == {oe.alliance.pk, bm.alliance.pk}
