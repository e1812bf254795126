"""API under /api/v1/alliances/<slug>/members/: roles, isolation, transitions as actions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from membership import services
from membership.models import MemberTransition, MemberUnit
from tests.membership.conftest import complete_fields, reload

BASE = "/api/v1/alliances/ocean-equipment/members/"


def count_units(ctx):
    with scope(alliance=ctx.alliance):
        return MemberUnit.objects.count()


@pytest.mark.parametrize("who", ["sec", "sg", "chair", "council-1", "expert-1", "auditor"])
def test_alliance_roles_read_the_whole_directory(oe, api, who):
    response = api(oe.user(who)).get(BASE)
    assert response.status_code == 200
    assert response.json()["count"] == 9


def test_the_bureau_reads_the_whole_directory_and_cannot_write(oe, api, bureau_user):
    client = api(bureau_user)
    assert client.get(BASE).json()["count"] == 9
    assert client.get(f"{BASE}{oe.units[0].pk}/").status_code == 200
    response = client.post(BASE, complete_fields(), format="json")
    assert response.status_code == 403 and count_units(oe) == 9


def test_a_representative_reads_only_their_own_unit(oe, api):
    client = api(oe.user("rep-1"))
    listing = client.get(BASE).json()
    assert [u["id"] for u in listing["results"]] == [oe.units[5].pk]
    assert client.get(f"{BASE}{oe.units[5].pk}/").status_code == 200
    assert client.get(f"{BASE}{oe.units[0].pk}/").status_code == 404


def test_another_alliances_user_gets_404_everywhere(oe, bm, api):
    client = api(bm.user("sec"))
    assert client.get(BASE).status_code == 404
    assert client.get(f"{BASE}{oe.units[0].pk}/").status_code == 404
    assert client.post(BASE, complete_fields(), format="json").status_code == 404
    assert client.post(f"{BASE}{oe.units[0].pk}/start-review/").status_code == 404
    assert count_units(oe) == 9


def test_another_alliances_unit_id_is_404_in_this_alliance(oe, bm, api):
    response = api(oe.user("sec")).post(f"{BASE}{bm.units[6].pk}/request-withdrawal/",
                                       {"reason": "x", "effective_on": timezone.localdate().isoformat()}, format="json")
    assert response.status_code == 404
    assert reload(bm, bm.units[6]).status == MemberUnit.Status.ACTIVE


def test_anonymous_is_refused(oe, api):
    assert api().get(BASE).status_code == 401


def test_secretariat_creates_an_applicant(oe, api):
    response = api(oe.user("sec")).post(BASE, complete_fields(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "applied" and body["transitions"][0]["event"] == "applied"


@pytest.mark.parametrize("who", ["chair", "council-1", "expert-1", "rep-1", "auditor"])
def test_other_roles_cannot_create_or_transition(oe, api, who):
    client = api(oe.user(who))
    assert client.post(BASE, complete_fields(), format="json").status_code == 403
    response = client.post(f"{BASE}{oe.units[6].pk}/request-withdrawal/",
                           {"reason": "x", "effective_on": timezone.localdate().isoformat()}, format="json")
    assert response.status_code in (403, 404)
    assert count_units(oe) == 9 and reload(oe, oe.units[6]).status == MemberUnit.Status.ACTIVE


def test_a_bad_code_gives_400_with_the_field_message_in_the_request_language(oe, api):
    fields = complete_fields(uscc="914403001922038217")
    response = api(oe.user("sec"), language="en").post(BASE, fields, format="json")
    assert response.status_code == 400
    assert "check character" in response.json()["error"]["fields"]["uscc"][0]
    response = api(oe.user("sec")).post(BASE, fields, format="json")
    assert "校验码不正确" in response.json()["error"]["fields"]["uscc"][0]
    assert count_units(oe) == 9


def test_start_review_action_and_its_409_when_repeated(oe, api, make_applicant):
    unit = make_applicant(oe)
    client = api(oe.user("sec"))
    response = client.post(f"{BASE}{unit.pk}/start-review/")
    assert response.status_code == 200 and response.json()["status"] == "under_review"
    response = client.post(f"{BASE}{unit.pk}/start-review/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    with scope(alliance=oe.alliance):
        assert MemberTransition.objects.filter(unit=unit).count() == 2


def test_withdrawal_actions_through_the_api(oe, api):
    client = api(oe.user("sec"))
    unit = oe.units[7]
    today = timezone.localdate().isoformat()
    response = client.post(f"{BASE}{unit.pk}/request-withdrawal/", {"reason": "业务调整", "effective_on": today}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawing"
    response = client.post(f"{BASE}{unit.pk}/complete-withdrawal/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    last = response.json()["transitions"][-1]
    assert last["event"] == "withdrawn" and any("不予退还" in c["text"] for c in last["consequences"])
    assert client.post(f"{BASE}{unit.pk}/complete-withdrawal/", {}, format="json").status_code == 409


def test_patch_updates_the_profile(oe, api):
    unit = oe.units[8]
    response = api(oe.user("sec")).patch(f"{BASE}{unit.pk}/", {"standing": "国家级检测机构"}, format="json")
    assert response.status_code == 200 and response.json()["standing"] == "国家级检测机构"
    response = api(oe.user("council-1")).patch(f"{BASE}{unit.pk}/", {"standing": "x"}, format="json")
    assert response.status_code == 403 and reload(oe, unit).standing == "国家级检测机构"


def test_filters_and_search(oe, api, make_applicant):
    make_applicant(oe, name="青岛蓝海新材料有限公司")
    client = api(oe.user("sec"))
    assert client.get(BASE, {"kind": "university"}).json()["count"] == 2
    assert client.get(BASE, {"status": "applied"}).json()["count"] == 1
    assert client.get(BASE, {"role": "chair"}).json()["results"][0]["id"] == oe.units[0].pk
    assert client.get(BASE, {"q": "蓝海新材料"}).json()["count"] == 1
    assert client.get(BASE, {"q": oe.units[2].uscc[-6:].lower()}).json()["results"][0]["id"] == oe.units[2].pk


def test_counts_by_kind_endpoint(oe, api):
    response = api(oe.user("council-1")).get(f"{BASE}counts/")
    assert response.json() == {"enterprise": 4, "university": 2, "institute": 2, "other": 1, "total": 9}


def test_list_queries_do_not_grow_with_the_page(oe, api):
    client = api(oe.user("sec"))
    client.get(BASE)  # warm the per-user role cache
    with CaptureQueriesContext(connection) as one:
        client.get(BASE, {"page_size": 1})
    with CaptureQueriesContext(connection) as many:
        client.get(BASE, {"page_size": 50})
    assert len(one) == len(many)


def test_bar_endpoint_refuses_a_free_text_resolution_number(oe, api):
    from tests.governance.helpers import pass_resolution

    unit = oe.units[6]
    client = api(oe.user("sec"), language="en")
    refused = client.post(f"{BASE}{unit.pk}/bar/", {"grounds": "违约", "resolution_number": "第3号决议"}, format="json")
    assert refused.status_code == 400 and "resolution" in refused.json()["error"]["fields"]["resolution_number"][0]
    number = pass_resolution(oe, kind="other", subject_unit=unit)
    ok = client.post(f"{BASE}{unit.pk}/bar/", {"grounds": "违约", "resolution_number": number}, format="json")
    assert ok.status_code == 200 and ok.json()["bars"][0]["resolution_number"] == number
