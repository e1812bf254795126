"""Admission and expulsion driven by real council resolutions (governance's vote_cast and motion_close)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from alliances import access
from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role, RoleGrant
from governance import services as governance
from governance.models import Motion
from membership import selectors, services
from membership.models import AccessionAgreement, ExpulsionCase, MemberTransition, MemberUnit, ProjectBar
from tests.membership.conftest import reload

Status = MemberUnit.Status
COUNCIL = ["chair", "council-1", "council-2", "council-3", "council-4"]
BASE = "/api/v1/alliances/ocean-equipment/members/"


def closes():
    return timezone.now() + datetime.timedelta(days=3)


def pending_motion(ctx, unit) -> Motion:
    with scope(alliance=ctx.alliance):
        return Motion.objects.get(pk=reload(ctx, unit).pending_motion_id)


def vote(ctx, motion, who, choice):
    for name in who:
        governance.vote_cast(actor=ctx.user(name), alliance=ctx.alliance, motion=motion, choice=choice)


def close(ctx, motion) -> Motion:
    return governance.motion_close(actor=ctx.user("sec"), alliance=ctx.alliance, motion=motion)


def events(ctx, unit):
    with scope(alliance=ctx.alliance):
        return list(MemberTransition.objects.filter(unit=unit).order_by("id").values_list("event", flat=True))


@pytest.fixture
def under_review(make_applicant):
    def make(ctx, **overrides):
        unit = make_applicant(ctx, **overrides)
        return services.member_review_start(actor=ctx.user("sec"), alliance=ctx.alliance, unit=unit)

    return make


def submit(ctx, unit):
    return services.member_submit_for_admission(actor=ctx.user("sec"), alliance=ctx.alliance, unit=unit, closes_at=closes())


# ---------------------------------------------------------------- admission


def test_admission_is_driven_by_a_real_council_resolution_then_the_chair_signs(oe, under_review):
    unit = submit(oe, under_review(oe))
    motion = pending_motion(oe, unit)
    assert motion.kind == "admission" and motion.status == Motion.Status.OPEN and motion.subject == unit
    assert unit.status == Status.UNDER_REVIEW
    vote(oe, motion, COUNCIL, "for")
    motion = close(oe, motion)
    assert motion.result == "passed"
    unit = reload(oe, unit)
    number = motion.resolution.number
    assert unit.status == Status.ADMITTED and unit.admission_resolution == number and unit.pending_motion_id is None
    with scope(alliance=oe.alliance):
        admitted = MemberTransition.objects.get(unit=unit, event="admitted")
    assert admitted.resolution_number == number and admitted.motion_id == motion.pk
    assert admitted.from_status == "under_review" and admitted.to_status == "admitted"

    unit = services.member_sign_accession(actor=oe.user("chair"), alliance=oe.alliance, unit=unit)
    assert unit.status == Status.ACTIVE and unit.joined_on == timezone.localdate()
    with scope(alliance=oe.alliance):
        agreement = AccessionAgreement.objects.get(unit=unit)
    assert agreement.signatory == oe.user("chair") and agreement.signatory_unit == oe.units[0]
    assert agreement.resolution_number == number and agreement.signed_on == timezone.localdate()
    assert events(oe, unit) == ["applied", "review_started", "submitted_to_council", "admitted", "accession_signed"]
    assert selectors.participation_refusal(unit) is None


def test_a_failed_admission_vote_leaves_the_unit_under_review_and_it_may_be_put_again(oe, under_review):
    unit = submit(oe, under_review(oe))
    motion = pending_motion(oe, unit)
    vote(oe, motion, COUNCIL[:3], "against")
    vote(oe, motion, COUNCIL[3:], "for")
    assert close(oe, motion).result == "failed"
    unit = reload(oe, unit)
    assert unit.status == Status.UNDER_REVIEW and unit.pending_motion_id is None and not unit.admission_resolution
    assert events(oe, unit)[-1] == "admission_refused"
    unit = submit(oe, unit)
    assert pending_motion(oe, unit).pk != motion.pk


def test_the_scheduled_close_admits_without_an_actor(oe, under_review):
    unit = submit(oe, under_review(oe))
    motion = pending_motion(oe, unit)
    vote(oe, motion, COUNCIL[:3], "for")
    with scope(alliance=oe.alliance):  # the clock moves past the window (tests stand in for time)
        Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
        motion.refresh_from_db()
    motion = governance.motion_close(actor=None, alliance=oe.alliance, motion=motion)
    unit = reload(oe, unit)
    assert unit.status == Status.ADMITTED and unit.admission_resolution == motion.resolution.number


def test_a_unit_cannot_be_put_to_the_council_twice_at_once(oe, under_review):
    unit = submit(oe, under_review(oe))
    with pytest.raises(Conflict):
        submit(oe, unit)
    with scope(alliance=oe.alliance):
        assert Motion.objects.filter(kind="admission").count() == 1


def test_only_the_chair_or_the_secretariat_signs_the_accession_agreement(oe, under_review):
    unit = submit(oe, under_review(oe))
    motion = pending_motion(oe, unit)
    vote(oe, motion, COUNCIL, "for")
    close(oe, motion)
    for who in ("council-1", "rep-1", "expert-1"):
        with pytest.raises(Forbidden):
            services.member_sign_accession(actor=oe.user(who), alliance=oe.alliance, unit=unit)
    assert reload(oe, unit).status == Status.ADMITTED
    # The secretariat may record the chair's paper signature: the signatory is still the chair.
    unit = services.member_sign_accession(actor=oe.user("sec"), alliance=oe.alliance, unit=unit)
    with scope(alliance=oe.alliance):
        agreement = AccessionAgreement.objects.get(unit=unit)
    assert agreement.signatory == oe.user("chair") and agreement.recorded_by == oe.user("sec")


def test_admission_through_the_api(oe, api, under_review):
    unit = under_review(oe)
    response = api(oe.user("sec")).post(f"{BASE}{unit.pk}/submit-for-admission/",
                                        {"closes_at": closes().isoformat()}, format="json")
    assert response.status_code == 200, response.json()
    motion_id = response.json()["pending_motion_id"]
    with scope(alliance=oe.alliance):
        motion = Motion.objects.get(pk=motion_id)
    vote(oe, motion, COUNCIL, "for")
    close(oe, motion)
    assert api(oe.user("council-1")).post(f"{BASE}{unit.pk}/sign-accession/", {}, format="json").status_code == 403
    response = api(oe.user("chair")).post(f"{BASE}{unit.pk}/sign-accession/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert response.json()["accession"]["signatory"] == oe.user("chair").username


def test_submitting_an_incomplete_application_is_refused(oe, under_review):
    unit = under_review(oe)
    services.member_update(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, standing="")
    from alliances.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        submit(oe, unit)
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists()


# ---------------------------------------------------------------- expulsion


def propose(ctx, unit, grounds="agreement_breach"):
    return services.member_expel_propose(
        actor=ctx.user("sec"), alliance=ctx.alliance, unit=unit, grounds=grounds,
        statement="多次拒不履行协议约定的任务分工", evidence="理事会会议纪要 2026-3；项目中期检查报告", closes_at=closes(),
    )


def test_expel_needs_two_thirds_of_all_seats(oe, departures):
    unit = oe.units[6]  # holds no seat: all five councillors vote
    case = propose(oe, unit)
    motion = pending_motion(oe, unit)
    assert motion.kind == "expulsion" and case.motion_id == motion.pk
    vote(oe, motion, COUNCIL[:3], "for")
    vote(oe, motion, COUNCIL[3:], "against")
    assert close(oe, motion).result == "failed"  # 3 of 5 < 2/3
    unit = reload(oe, unit)
    assert unit.status == Status.ACTIVE and unit.pending_motion_id is None and departures == []
    with scope(alliance=oe.alliance):
        assert ExpulsionCase.objects.get(pk=case.pk).outcome == "refused"
    propose(oe, unit)
    motion = pending_motion(oe, unit)
    vote(oe, motion, COUNCIL[:4], "for")
    vote(oe, motion, COUNCIL[4:], "against")
    motion = close(oe, motion)
    assert motion.result == "passed"  # 4 of 5 >= 2/3
    unit = reload(oe, unit)
    assert unit.status == Status.EXPELLED and unit.left_on == timezone.localdate()
    with scope(alliance=oe.alliance):
        record = MemberTransition.objects.get(unit=unit, event="expelled")
    assert record.resolution_number == motion.resolution.number and record.from_status == "active"
    codes = [c["code"] for c in record.consequences]
    assert {"contributions_not_refunded", "commitments_payable", "licences_continue", "clawback"} <= set(codes)
    assert "bar" not in codes
    assert departures == [(oe.user("sec"), unit.pk, "expelled")]
    with scope(alliance=oe.alliance):
        assert not ProjectBar.objects.filter(unit=unit).exists()


def test_expelling_a_council_unit_recuses_its_councillor_and_revokes_the_seat(oe):
    unit = oe.units[2]  # council-2 holds its seat
    propose(oe, unit)
    motion = pending_motion(oe, unit)
    with pytest.raises(Forbidden):
        vote(oe, motion, ["council-2"], "against")
    vote(oe, motion, ["chair", "council-1", "council-3"], "for")  # 3 of the 4 seats not recused
    close(oe, motion)
    assert reload(oe, unit).status == Status.EXPELLED
    with scope(alliance=oe.alliance):
        grant = RoleGrant.objects.get(user=oe.user("council-2"), role=Role.COUNCILLOR)
    assert grant.revoked_at is not None and grant.revoked_by == oe.user("sec")
    access.forget_roles(oe.user("council-2"))
    assert not access.has_role(oe.user("council-2"), oe.alliance, Role.COUNCILLOR)


def test_expulsion_for_ip_revenue_sharing_bars_the_unit_for_five_years_art16(oe):
    unit = oe.units[8]
    propose(oe, unit, grounds="ip_revenue_sharing")
    motion = pending_motion(oe, unit)
    vote(oe, motion, COUNCIL, "for")
    motion = close(oe, motion)
    today = timezone.localdate()
    with scope(alliance=oe.alliance):
        bar = ProjectBar.objects.get(unit=unit)
    assert bar.start == today and bar.end == services.bar_end(today) and bar.resolution_number == motion.resolution.number
    assert (bar.end - bar.start).days in (1825, 1826)
    refusal = selectors.participation_refusal(reload(oe, unit))
    assert "第十六条(二)" in refusal and bar.end.isoformat() in refusal
    assert selectors.participation_refusal(reload(oe, unit), on=bar.end + datetime.timedelta(days=1)) is not None  # still not a member


def test_expulsion_is_refused_while_project_tasks_are_not_adjusted(oe, blocker):
    unit = oe.units[6]
    blocker[unit.pk] = ["项目 OE-P-002 的任务尚未调整"]
    with pytest.raises(Conflict):
        propose(oe, unit)
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists() and not ExpulsionCase.objects.exists()
    assert reload(oe, unit).pending_motion_id is None


def test_a_unit_facing_expulsion_cannot_withdraw_or_join_projects(oe):
    unit = oe.units[6]
    propose(oe, unit)
    with pytest.raises(Conflict):
        services.member_withdraw_request(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, reason="x",
                                         effective_on=timezone.localdate())
    assert reload(oe, unit).status == Status.ACTIVE
    assert "除名表决" in selectors.participation_refusal(reload(oe, unit))


def test_expulsion_through_the_api_needs_grounds_and_evidence(oe, api):
    unit = oe.units[7]
    client = api(oe.user("sec"))
    response = client.post(f"{BASE}{unit.pk}/propose-expulsion/", {"grounds": "agreement_breach", "statement": "x",
                                                                   "closes_at": closes().isoformat()}, format="json")
    assert response.status_code == 400 and "evidence" in response.json()["error"]["fields"]
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists()
    response = client.post(f"{BASE}{unit.pk}/propose-expulsion/", {
        "grounds": "ip_revenue_sharing", "statement": "未按约定分配许可收益", "evidence": "审计报告",
        "closes_at": closes().isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["expulsion_cases"][0]["outcome"] == "pending"
    assert api(oe.user("council-1")).post(f"{BASE}{unit.pk}/propose-expulsion/", {}, format="json").status_code == 403


@pytest.mark.parametrize("kind", ["admission", "expulsion"])
def test_admission_and_expulsion_motions_are_opened_only_by_their_process(oe, kind):
    """A bare motion of a membership kind would issue a resolution the member record never reflects."""
    unit = oe.units[6]
    with pytest.raises(ValidationFailed) as error:
        governance.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind=kind, title="手工议案",
                                 body="", closes_at=closes(), subject=unit)
    assert list(error.value.fields) == ["kind"]
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists()
    assert reload(oe, unit).status == Status.ACTIVE


def test_a_process_motion_about_a_unit_in_another_state_does_not_block_the_council(oe):
    """An admission motion for a unit that is no longer under review: the result seals, the unit stays."""
    unit = oe.units[6]
    motion = governance.process_motion_open(actor=oe.user("sec"), alliance=oe.alliance, kind="admission",
                                            title="接纳", body="", closes_at=closes(), subject=unit)
    vote(oe, motion, COUNCIL, "for")
    assert close(oe, motion).result == "passed"
    assert reload(oe, unit).status == Status.ACTIVE


def test_member_page_names_the_pending_motion_and_its_kind_not_their_codes(oe, under_review):
    unit = submit(oe, under_review(oe))
    client = Client()
    client.force_login(oe.user("sec"))
    for language, kind in (("zh-hans", "接纳成员"), ("en", None)):
        client.cookies["django_language"] = language
        html = client.get(f"/a/{oe.alliance.slug}/members/{unit.pk}/").content.decode()
        text = re.sub(r"<[^>]+>", " ", html)
        assert unit.pending_motion.title in text and f"#{unit.pending_motion_id}" not in text
        assert not re.search(r"\b(admission|under_review)\b", text), language
        if kind:
            assert kind in text
