"""Issue 14 §12 (第十六条(一)(四)) and §10: whether a party is foreign follows from its registration,
every path moving government-funded IP abroad waits for the bureau, a project's results belong to
its undertaking units, and a licence starting later is granted but not in force."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from alliances.errors import ValidationFailed
from bureau import services as bureau_services
from bureau.models import Submission
from ip_registry import services
from ip_registry.models import Licence, Transfer
from tests.ip_registry.conftest import register

D = Decimal
ABROAD = (None, "Deep Sea Robotics GmbH", D(100), "foreign")


def _api_url(ctx, path):
    return f"/api/v1/alliances/{ctx.alliance.slug}/{path}"


def _approve(oe, bureau_user, submission_id):
    with scope(alliance=oe.alliance):
        submission = Submission.objects.get(pk=submission_id)
    bureau_services.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=submission)
    with scope(alliance=oe.alliance):
        submission.refresh_from_db()
    bureau_services.submission_decide(actor=bureau_user, submission=submission, decision="approved", necessity_opinion="同意")


def test_ownership_change_handing_government_funded_ip_abroad_waits_for_the_bureau(oe, gov_asset, bureau_user):
    with scope(alliance=oe.alliance):
        before = services.current_ownership(gov_asset)
    pending = services.ownership_change(actor=oe.user("sec"), alliance=oe.alliance, asset=gov_asset, owners=[ABROAD],
                                        valid_from=datetime.date(2025, 6, 1), reason="股权重组")
    assert isinstance(pending, Transfer) and pending.status == "pending_bureau" and pending.foreign
    with scope(alliance=oe.alliance):
        assert services.current_ownership(gov_asset) == before  # nothing moved yet
        assert Submission.objects.get(pk=pending.bureau_submission_id).kind == "ip_foreign_transfer"
    _approve(oe, bureau_user, pending.bureau_submission_id)
    with scope(alliance=oe.alliance):
        assert [s.party_name for s in services.current_ownership(gov_asset).shares.all()] == ["Deep Sea Robotics GmbH"]


def test_ownership_change_abroad_via_api_answers_202_with_the_pending_transfer(oe, api, gov_asset):
    response = api(oe.user("sec")).post(_api_url(oe, f"ip-assets/{gov_asset.pk}/ownership/"), {
        "valid_from": "2025-06-01", "reason": "引入境外共有人", "owners": [
            {"member_unit": oe.units[0].pk, "share": "50"},
            {"party_name": "Nordic Subsea AS", "party_region": "foreign", "share": "50"}]}, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "pending_bureau" and response.json()["foreign"] is True


def test_exclusive_licence_to_a_licensee_registered_abroad_waits_whatever_the_territory(oe, gov_asset):
    licence = services.licence_grant(actor=oe.user("sec"), alliance=oe.alliance, asset=gov_asset, kind="exclusive",
                                     territory="domestic", start=datetime.date(2025, 1, 1),
                                     licensee_name="Deep Sea Robotics GmbH", licensee_region="foreign")
    assert licence.status == "pending_bureau" and licence.bureau_submission_id


def test_transfer_abroad_is_gated_by_the_transferees_registration_not_a_flag(oe, api, gov_asset):
    sec = api(oe.user("sec"))
    response = sec.post(_api_url(oe, "ip-transfers/"), {
        "asset": gov_asset.pk, "price": "1000000.00", "agreed_on": "2025-05-01",
        "transferees": [{"party_name": "Deep Sea Robotics GmbH", "party_region": "foreign", "share": "100"}]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending_bureau" and response.json()["foreign"] is True


def test_an_outside_party_must_state_where_it_is_registered(oe, api, gov_asset):
    response = api(oe.user("sec")).post(_api_url(oe, "licences/"), {
        "asset": gov_asset.pk, "kind": "exclusive", "territory": "domestic", "start": "2025-01-01",
        "licensee_name": "Deep Sea Robotics GmbH"}, format="json")
    assert response.status_code == 400
    assert "licensee_region" in response.json()["error"]["fields"]
    with scope(alliance=oe.alliance):
        assert not Licence.objects.exists()


def test_foreground_ip_owned_outside_its_undertaking_units_is_refused_art16(oe, gov_project):
    with pytest.raises(ValidationFailed) as error:  # a member unit that does not undertake the project
        register(oe, origin="foreground", project=gov_project, owners=[(oe.units[0], "", D(50)), (oe.units[5], "", D(50))])
    assert "owners[1]" in error.value.fields
    with pytest.raises(ValidationFailed) as error:  # an outside owner the project's agreement does not name
        register(oe, origin="foreground", project=gov_project, owners=[(oe.units[0], "", D(50)), (None, "某境外基金", D(50), "foreign")])
    assert "owners[1]" in error.value.fields
    named = register(oe, origin="foreground", project=gov_project,
                     owners=[(oe.units[0], "", D(50)), (None, "外部研究所", D(50), "domestic")])
    assert named.pk


def test_licence_starting_later_is_granted_until_its_start_date_then_in_force(oe, asset):
    start = timezone.localdate() + datetime.timedelta(days=30)
    licence = services.licence_grant(actor=oe.user("sec"), alliance=oe.alliance, asset=asset, kind="non_exclusive",
                                     territory="city", start=start, licensee_unit=oe.units[6])
    assert licence.status == "granted"
    client = Client()
    client.force_login(oe.user("sec"))
    assert "已授予（尚未生效）" in client.get(f"/a/{oe.alliance.slug}/ip/{asset.pk}/").content.decode()
    assert services.licences_expire(actor=None, alliance=oe.alliance, today=start - datetime.timedelta(days=1)) == 0
    assert services.licences_expire(actor=None, alliance=oe.alliance, today=start) == 1
    assert services.licences_expire(actor=None, alliance=oe.alliance, today=start) == 0  # idempotent
    with scope(alliance=oe.alliance):
        licence.refresh_from_db()
    assert licence.status == "active"
