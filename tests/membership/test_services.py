"""Lifecycle services without a council vote: application, review, withdrawal, bars, import."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Role, RoleGrant
from membership import selectors, services
from membership.models import MemberTransition, MemberUnit, ProjectBar
from tests.governance.helpers import pass_resolution
from tests.membership.conftest import complete_fields, new_code, reload

Status = MemberUnit.Status
today = timezone.localdate


def transitions(ctx, unit):
    with scope(alliance=ctx.alliance):
        return list(MemberTransition.objects.filter(unit=unit).order_by("id").values_list("event", "from_status", "to_status"))


# ---------------------------------------------------------------- application


def test_a_created_unit_starts_as_an_applicant_with_a_dated_record(oe, make_applicant):
    unit = make_applicant(oe)
    assert unit.status == Status.APPLIED and unit.applied_on == today()
    assert transitions(oe, unit) == [("applied", "", "applied")]
    with scope(alliance=oe.alliance):
        record = MemberTransition.objects.get(unit=unit)
    assert record.actor == oe.user("sec") and record.date == today()


@pytest.mark.parametrize("who", ["council-1", "chair", "rep-1", "expert-1", "auditor"])
def test_only_the_secretariat_records_applications(oe, who):
    fields = complete_fields()
    with pytest.raises(Forbidden):
        services.member_apply(actor=oe.user(who), alliance=oe.alliance, **fields)
    with scope(alliance=oe.alliance):
        assert not MemberUnit.objects.filter(uscc=fields["uscc"]).exists()


def test_bureau_officer_cannot_record_an_application(oe, bureau_user):
    with pytest.raises(Forbidden):
        services.member_apply(actor=bureau_user, alliance=oe.alliance, **complete_fields())


def test_application_needs_name_code_and_kind_and_limits_standing_to_200(oe):
    with pytest.raises(ValidationFailed) as error:
        services.member_apply(actor=oe.user("sec"), alliance=oe.alliance, name="", uscc="", kind="company",
                              standing="地" * 201)
    assert set(error.value.fields) == {"name", "uscc", "kind", "standing"}


def test_profile_updates_are_kept_in_history(oe, make_applicant):
    unit = make_applicant(oe)
    services.member_update(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, phone="0532-99999999", standing="行业龙头")
    changes = selectors.unit_changes(reload(oe, unit))
    fields = {f["field"] for f in changes[0]["fields"]}
    assert fields == {"电话", "在行业中的地位"} and changes[0]["user"] == oe.user("sec")


def test_update_cannot_change_status(oe, make_applicant):
    unit = make_applicant(oe)
    with pytest.raises(ValidationFailed):
        services.member_update(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, status="active")
    assert reload(oe, unit).status == Status.APPLIED


# ---------------------------------------------------------------- review


def test_review_starts_when_the_application_is_complete(oe, make_applicant):
    unit = services.member_review_start(actor=oe.user("sec"), alliance=oe.alliance, unit=make_applicant(oe))
    assert unit.status == Status.UNDER_REVIEW
    assert transitions(oe, unit)[-1] == ("review_started", "applied", "under_review")


def test_an_incomplete_application_cannot_enter_review(oe, make_applicant):
    unit = make_applicant(oe, legal_representative="", standing="")
    with pytest.raises(ValidationFailed) as error:
        services.member_review_start(actor=oe.user("sec"), alliance=oe.alliance, unit=unit)
    assert set(error.value.fields) == {"legal_representative", "standing"}
    assert reload(oe, unit).status == Status.APPLIED
    assert len(transitions(oe, unit)) == 1


def test_review_cannot_start_twice(oe, make_applicant):
    unit = services.member_review_start(actor=oe.user("sec"), alliance=oe.alliance, unit=make_applicant(oe))
    with pytest.raises(Conflict):
        services.member_review_start(actor=oe.user("sec"), alliance=oe.alliance, unit=unit)
    assert reload(oe, unit).status == Status.UNDER_REVIEW and len(transitions(oe, unit)) == 2


# ---------------------------------------------------------------- illegal transitions

ILLEGAL = {
    # service: statuses in which it is refused
    "review": [Status.UNDER_REVIEW, Status.ACTIVE, Status.WITHDRAWING, Status.WITHDRAWN],
    "sign": [Status.APPLIED, Status.UNDER_REVIEW, Status.ACTIVE, Status.WITHDRAWING, Status.WITHDRAWN],
    "withdraw_request": [Status.APPLIED, Status.UNDER_REVIEW, Status.WITHDRAWING, Status.WITHDRAWN],
    "withdraw_complete": [Status.APPLIED, Status.UNDER_REVIEW, Status.ACTIVE, Status.WITHDRAWN],
    "expel": [Status.APPLIED, Status.UNDER_REVIEW, Status.WITHDRAWING, Status.WITHDRAWN],
    "submit": [Status.APPLIED, Status.ACTIVE, Status.WITHDRAWING, Status.WITHDRAWN],
}


def unit_in(ctx, status, make_applicant, make_founding_member):
    sec, alliance = ctx.user("sec"), ctx.alliance
    if status in (Status.APPLIED, Status.UNDER_REVIEW):
        unit = make_applicant(ctx)
        if status == Status.UNDER_REVIEW:
            unit = services.member_review_start(actor=sec, alliance=alliance, unit=unit)
        return unit
    unit = make_founding_member(ctx)
    if status in (Status.WITHDRAWING, Status.WITHDRAWN):
        unit = services.member_withdraw_request(actor=sec, alliance=alliance, unit=unit, reason="业务调整", effective_on=today())
        if status == Status.WITHDRAWN:
            unit = services.member_withdraw_complete(actor=sec, alliance=alliance, unit=unit)
    return unit


def attempt(ctx, action, unit):
    sec, alliance = ctx.user("sec"), ctx.alliance
    closes = timezone.now() + datetime.timedelta(days=3)
    calls = {
        "review": lambda: services.member_review_start(actor=sec, alliance=alliance, unit=unit),
        "sign": lambda: services.member_sign_accession(actor=ctx.user("chair"), alliance=alliance, unit=unit),
        "withdraw_request": lambda: services.member_withdraw_request(actor=sec, alliance=alliance, unit=unit, reason="x", effective_on=today()),
        "withdraw_complete": lambda: services.member_withdraw_complete(actor=sec, alliance=alliance, unit=unit),
        "expel": lambda: services.member_expel_propose(actor=sec, alliance=alliance, unit=unit, grounds="agreement_breach",
                                                       statement="x", evidence="y", closes_at=closes),
        "submit": lambda: services.member_submit_for_admission(actor=sec, alliance=alliance, unit=unit, closes_at=closes),
    }
    return calls[action]()


@pytest.mark.parametrize("action,status", [(a, s) for a, statuses in ILLEGAL.items() for s in statuses])
def test_an_illegal_transition_is_refused_with_409_and_changes_nothing(oe, make_applicant, make_founding_member, action, status):
    unit = unit_in(oe, status, make_applicant, make_founding_member)
    before = transitions(oe, unit)
    with pytest.raises(Conflict):
        attempt(oe, action, unit)
    after = reload(oe, unit)
    assert after.status == status and transitions(oe, unit) == before
    assert after.pending_motion_id is None


# ---------------------------------------------------------------- withdrawal


def test_withdrawal_is_requested_with_reason_and_effective_date(oe, make_founding_member):
    unit = make_founding_member(oe)
    effective = today() + datetime.timedelta(days=30)
    unit = services.member_withdraw_request(actor=oe.user("sec"), alliance=oe.alliance, unit=unit,
                                            reason="战略调整", effective_on=effective)
    assert unit.status == Status.WITHDRAWING and unit.withdrawal_effective_on == effective
    assert transitions(oe, unit)[-1] == ("withdrawal_requested", "active", "withdrawing")


def test_withdrawal_needs_a_reason_and_a_date_not_in_the_past(oe, make_founding_member):
    unit = make_founding_member(oe)
    with pytest.raises(ValidationFailed) as error:
        services.member_withdraw_request(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, reason=" ",
                                         effective_on=today() - datetime.timedelta(days=1))
    assert set(error.value.fields) == {"reason", "effective_on"}
    assert reload(oe, unit).status == Status.ACTIVE


def test_withdrawal_cannot_complete_before_its_effective_date(oe, make_founding_member):
    unit = make_founding_member(oe)
    unit = services.member_withdraw_request(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, reason="调整",
                                            effective_on=today() + datetime.timedelta(days=1))
    with pytest.raises(Conflict):
        services.member_withdraw_complete(actor=oe.user("sec"), alliance=oe.alliance, unit=unit)
    assert reload(oe, unit).status == Status.WITHDRAWING


def test_withdrawal_is_refused_while_project_tasks_are_not_adjusted_art19(oe, make_founding_member, blocker, departures):
    unit = make_founding_member(oe)
    unit = services.member_withdraw_request(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, reason="调整", effective_on=today())
    blocker[unit.pk] = ["项目 OE-P-001 的任务“水下机器人样机”尚未调整"]
    with pytest.raises(Conflict) as error:
        services.member_withdraw_complete(actor=oe.user("sec"), alliance=oe.alliance, unit=unit)
    assert "OE-P-001" in str(error.value.message) and error.value.fields["blockers"]
    assert reload(oe, unit).status == Status.WITHDRAWING and departures == []
    blocker[unit.pk] = []  # the council's opinion and the bureau's approval adjusted the task
    unit = services.member_withdraw_complete(actor=oe.user("sec"), alliance=oe.alliance, unit=unit)
    assert unit.status == Status.WITHDRAWN and unit.left_on == today()


def test_withdrawal_of_a_council_unit_revokes_its_councillors_seat(oe, departures):
    unit = oe.units[1]  # a council unit; council-1 holds its seat
    sec = oe.user("sec")
    services.member_withdraw_request(actor=sec, alliance=oe.alliance, unit=unit, reason="退出", effective_on=today())
    number = pass_resolution(oe, kind="other", subject_unit=unit, title="关于同意退出的意见")
    services.member_withdraw_complete(actor=sec, alliance=oe.alliance, unit=unit, resolution_number=number)
    with scope(alliance=oe.alliance):
        grant = RoleGrant.objects.get(user=oe.user("council-1"), role=Role.COUNCILLOR)
        record = MemberTransition.objects.filter(unit=unit).latest("id")
    assert grant.revoked_at is not None and grant.revoked_by == sec
    from alliances import access

    access.forget_roles(oe.user("council-1"))
    assert not access.has_role(oe.user("council-1"), oe.alliance, Role.COUNCILLOR)
    codes = [c["code"] for c in record.consequences]
    assert codes[:4] == ["contributions_not_refunded", "commitments_payable", "licences_continue", "confidentiality_continues"]
    assert "seat_revoked" in codes and record.resolution_number == number
    assert departures == [(sec, unit.pk, "withdrawn")]


def test_withdrawal_deletes_nothing_and_keeps_representatives(oe):
    unit = oe.units[5]  # rep-1 represents it
    sec = oe.user("sec")
    services.member_withdraw_request(actor=sec, alliance=oe.alliance, unit=unit, reason="退出", effective_on=today())
    services.member_withdraw_complete(actor=sec, alliance=oe.alliance, unit=unit)
    with scope(alliance=oe.alliance):
        assert MemberUnit.objects.filter(pk=unit.pk).exists()
        assert RoleGrant.objects.filter(member_unit=unit, role=Role.REPRESENTATIVE, revoked_at__isnull=True).exists()


# ---------------------------------------------------------------- bars and participation


def test_participation_is_refused_for_units_that_are_not_active(oe, make_applicant):
    unit = make_applicant(oe)
    assert "不是联盟正式成员" in selectors.participation_refusal(unit)
    assert selectors.participation_refusal(oe.units[2]) is None


def test_a_recorded_bar_refuses_participation_for_five_years_art16(oe):
    unit = oe.units[6]
    start = datetime.date(2026, 3, 1)
    number = pass_resolution(oe, kind="other", subject_unit=unit, title="关于认定违反收益分配约定的决议")
    bar = services.member_bar_record(actor=oe.user("sec"), alliance=oe.alliance, unit=unit,
                                     grounds="违反项目收益分配约定", resolution_number=number, start=start)
    assert bar.end == datetime.date(2031, 2, 28)
    refusal = selectors.participation_refusal(unit, on=datetime.date(2031, 2, 28))
    assert "第十六条(二)" in refusal and "2031-02-28" in refusal
    assert selectors.participation_refusal(unit, on=datetime.date(2031, 3, 1)) is None
    assert selectors.participation_refusal(unit, on=datetime.date(2026, 2, 28)) is None


def test_a_bar_cites_a_passed_resolution_about_that_unit(oe, bm):
    unit = oe.units[6]
    about_other = pass_resolution(oe, kind="other", subject_unit=oe.units[7])
    theirs = pass_resolution(bm, kind="other", subject_unit=bm.units[6])
    for cited in ("OE-2026-003", about_other, theirs):
        with pytest.raises(ValidationFailed) as error:
            services.member_bar_record(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, grounds="违约",
                                       resolution_number=cited)
        assert list(error.value.fields) == ["resolution_number"], cited
    with scope(alliance=oe.alliance):
        assert not ProjectBar.objects.exists()


def test_withdrawal_cites_only_a_resolution_about_the_leaving_unit(oe):
    unit, sec = oe.units[7], oe.user("sec")
    about_other = pass_resolution(oe, kind="other", subject_unit=oe.units[8])
    services.member_withdraw_request(actor=sec, alliance=oe.alliance, unit=unit, reason="退出", effective_on=today())
    with pytest.raises(ValidationFailed) as error:
        services.member_withdraw_complete(actor=sec, alliance=oe.alliance, unit=unit, resolution_number=about_other)
    assert list(error.value.fields) == ["resolution_number"]
    assert reload(oe, unit).status == MemberUnit.Status.WITHDRAWING


def test_a_bar_needs_grounds_and_a_resolution(oe):
    with pytest.raises(ValidationFailed):
        services.member_bar_record(actor=oe.user("sec"), alliance=oe.alliance, unit=oe.units[6], grounds="", resolution_number="")
    with scope(alliance=oe.alliance):
        assert not ProjectBar.objects.exists()


def test_bar_end_handles_leap_days():
    assert services.bar_end(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 27)
    assert services.bar_end(datetime.date(2026, 11, 25)) == datetime.date(2031, 11, 24)


# ---------------------------------------------------------------- counts and import


def test_counts_by_kind_count_current_members_only(oe, make_applicant, make_founding_member):
    before = selectors.member_counts_by_kind(oe.alliance)
    assert before == {"enterprise": 4, "university": 2, "institute": 2, "other": 1, "total": 9}
    make_applicant(oe)  # an applicant is not a member
    withdrawing = make_founding_member(oe, kind="university", uscc=new_code("university"))
    services.member_withdraw_request(actor=oe.user("sec"), alliance=oe.alliance, unit=withdrawing, reason="x", effective_on=today())
    after = selectors.member_counts_by_kind(oe.alliance)
    assert after["university"] == 3 and after["enterprise"] == 4 and after["total"] == 10


def test_import_with_one_bad_row_imports_nothing_and_reports_every_row(oe):
    good = complete_fields()
    rows = [
        {k: v for k, v in good.items() if k != "application_statement"},
        {**complete_fields(), "uscc": "914403001922038217"},
        {**complete_fields(), "uscc": good["uscc"]},
        {**complete_fields(), "kind": "company", "status": "expelled"},
    ]
    rows = [{k: v for k, v in r.items() if k != "application_statement"} for r in rows]
    with pytest.raises(ValidationFailed) as error:
        services.member_import(actor=oe.user("sec"), alliance=oe.alliance, rows=rows)
    report = error.value.fields
    assert set(report) == {"第3行", "第4行", "第5行"}
    assert any("校验码" in m for m in report["第3行"])
    assert any("第2行重复" in m for m in report["第4行"])
    assert len(report["第5行"]) == 2
    with scope(alliance=oe.alliance):
        assert MemberUnit.objects.count() == 9


def test_import_of_founding_members_records_them_active(oe):
    row = {k: v for k, v in complete_fields().items() if k != "application_statement"}
    [unit] = services.member_import(actor=oe.user("sec"), alliance=oe.alliance,
                                    rows=[{**row, "status": "active", "joined_on": "2024-06-01"}])
    assert unit.status == Status.ACTIVE and unit.joined_on == datetime.date(2024, 6, 1)
    assert transitions(oe, unit) == [("imported", "", "active")]
