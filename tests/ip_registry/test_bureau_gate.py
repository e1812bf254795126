"""第十六条(四) through the real bureau flow: request, submit, decide."""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope
from djmoney.money import Money

from bureau import services as bureau_services
from bureau.models import Submission
from ip_registry import services

D = Decimal


def _gated_licence(oe, gov_asset):
    return services.licence_grant(actor=oe.user("sec"), alliance=oe.alliance, asset=gov_asset, kind="exclusive",
                                  territory="foreign", start=date(2026, 1, 1), licensee_name="Deep Sea Robotics GmbH",
                                  licensee_region="foreign")


def _submit_and_decide(oe, bureau_user, submission_id, decision):
    with scope(alliance=oe.alliance):
        submission = Submission.objects.get(pk=submission_id)
    bureau_services.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=submission)
    with scope(alliance=oe.alliance):
        submission.refresh_from_db()
    opinion = {"comments": "请补充材料"} if decision == "returned" else {"necessity_opinion": "同意" if decision == "approved" else "不同意"}
    bureau_services.submission_decide(actor=bureau_user, submission=submission, decision=decision, **opinion)


def test_gated_licence_opens_a_bureau_submission_about_it(oe, gov_asset):
    licence = _gated_licence(oe, gov_asset)
    with scope(alliance=oe.alliance):
        submission = Submission.objects.get(pk=licence.bureau_submission_id)
        assert submission.kind == "ip_foreign_transfer"
        assert submission.subject == licence


def test_bureau_approval_activates_the_licence(oe, gov_asset, bureau_user):
    licence = _gated_licence(oe, gov_asset)
    _submit_and_decide(oe, bureau_user, licence.bureau_submission_id, "returned")
    with scope(alliance=oe.alliance):
        licence.refresh_from_db()
        assert licence.status == "pending_bureau"  # returned for changes: still blocked
        submission = Submission.objects.get(pk=licence.bureau_submission_id)
    _submit_and_decide(oe, bureau_user, submission.pk, "approved")
    with scope(alliance=oe.alliance):
        licence.refresh_from_db()
    assert licence.status == "active"


def test_bureau_rejection_voids_the_licence(oe, gov_asset, bureau_user):
    licence = _gated_licence(oe, gov_asset)
    _submit_and_decide(oe, bureau_user, licence.bureau_submission_id, "rejected")
    with scope(alliance=oe.alliance):
        licence.refresh_from_db()
    assert licence.status == "void"


def test_bureau_approval_completes_a_foreign_transfer(oe, gov_asset, bureau_user):
    transfer = services.transfer_create(actor=oe.user("sec"), alliance=oe.alliance, asset=gov_asset,
                                        transferees=[(None, "Deep Sea Robotics GmbH", D(100), "foreign")],
                                        price=Money(2_000_000, "CNY"), agreed_on=date(2025, 3, 1))
    with scope(alliance=oe.alliance):
        assert services.current_ownership(gov_asset).number == 1
    _submit_and_decide(oe, bureau_user, transfer.bureau_submission_id, "approved")
    with scope(alliance=oe.alliance):
        transfer.refresh_from_db()
        assert transfer.status == "completed"
        assert [s.party_name for s in services.current_ownership(gov_asset).shares.all()] == ["Deep Sea Robotics GmbH"]
