"""Rules the matrix found broken, pinned on their own (each failed before its fix)."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django_scopes import scope

from governance.models import Consultation


def _closed_consultation_for(oe, api, experts):
    sec = api(oe.user("sec"))
    with scope(alliance=oe.alliance):
        grants = [oe.user(e).role_grants.get(role="expert").pk for e in experts]
    deadline = (timezone.now() + timedelta(days=7)).isoformat()
    created = sec.post(f"/api/v1/alliances/{oe.alliance.slug}/consultations/", {
        "title": "仅征询专家二", "question": "是否可行？", "deadline": deadline, "experts": grants,
    }, format="json")
    assert created.status_code == 201, created.json()
    cid = created.json()["id"]
    assert sec.post(f"/api/v1/alliances/{oe.alliance.slug}/consultations/{cid}/close/", {"summary": "可行"},
                    format="json").status_code == 200
    return cid


def test_an_expert_does_not_read_a_closed_consultation_not_sent_to_them(oe, api):
    cid = _closed_consultation_for(oe, api, ["expert-2"])
    base = f"/api/v1/alliances/{oe.alliance.slug}/consultations/"
    outsider = api(oe.user("expert-1"))
    assert outsider.get(f"{base}{cid}/").status_code == 404
    assert cid not in [row["id"] for row in outsider.get(base).json()["results"]]
    refused = outsider.post(f"{base}{cid}/opinions/", {"stance": "support", "text": "好"}, format="json")
    assert refused.status_code == 404
    with scope(alliance=oe.alliance):
        assert not Consultation.objects.get(pk=cid).opinions.exists()
    # The expert who was asked, and the council (closed consultations are council papers), still read it.
    assert api(oe.user("expert-2")).get(f"{base}{cid}/").status_code == 200
    assert api(oe.user("council-1")).get(f"{base}{cid}/").status_code == 200


def test_the_consultation_pages_follow_the_same_rule(oe, api):
    cid = _closed_consultation_for(oe, api, ["expert-2"])
    page = f"/a/{oe.alliance.slug}/consultations/"
    expert, councillor = Client(), Client()
    expert.force_login(oe.user("expert-1"))
    councillor.force_login(oe.user("council-1"))
    assert expert.get(f"{page}{cid}/").status_code == 404
    assert "仅征询专家二" not in expert.get(page).content.decode()
    assert councillor.get(f"{page}{cid}/").status_code == 200
    assert "仅征询专家二" in councillor.get(page).content.decode()


def test_the_bureau_does_not_open_the_new_entry_form_but_still_reads_the_ledger_pages(oe, bureau_user):
    client = Client()
    client.force_login(bureau_user)
    base = f"/a/{oe.alliance.slug}/finance/"
    assert client.get(f"{base}entries/new/").status_code == 403
    assert client.post(f"{base}entries/new/", {}).status_code == 403
    assert client.get(f"{base}entries/").status_code == 200
    assert client.get(base).status_code == 200


def _admin_viewer(user) -> Client:
    """`user` made staff with every view permission, logged in to the admin."""
    from django.contrib.auth.models import Permission

    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    return client


def test_an_alliance_admin_cannot_read_another_alliances_row_history_in_the_admin(oe, bm):
    from alliances.models import Organ

    client = _admin_viewer(bm.user("sg"))
    with scope(alliance=oe.alliance):
        theirs = Organ.objects.order_by("pk").first()
    with scope(alliance=bm.alliance):
        ours = Organ.objects.order_by("pk").first()
    assert client.get(f"/admin/alliances/organ/{theirs.pk}/history/").status_code == 404
    assert client.get(f"/admin/alliances/organ/{ours.pk}/history/").status_code == 200


def test_the_admin_alliance_filter_names_only_the_admins_own_alliances(oe, bm):
    client = _admin_viewer(bm.user("sg"))
    page = client.get("/admin/membership/memberunit/").content.decode()
    assert bm.alliance.name in page and oe.alliance.name not in page
