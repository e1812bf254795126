"""The projects rules, service by service (第十六条, 第十七条, 第十九条, 附件2 §6)."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from alliances.errors import Conflict, Forbidden, ValidationFailed
from membership import hooks
from membership.models import MemberUnit
from projects import selectors, services
from projects.models import Adjustment, BudgetLine, Expense, Participant, Project, ProjectVersion, Result

from .conftest import (
    TODAY, answer_and_close, approved, bureau_decide, call, consultation, decide_motion, experts, fund, later,
    make_draft, motion, participant, refresh, running,
    to_council,
)

pytestmark = pytest.mark.django_db


def status_of(ctx, project):
    return refresh(ctx, project).status


# ---- the proposal --------------------------------------------------------------------------------

def test_proposal_holds_goals_participants_tasks_budget_schedule_and_ip_agreement(oe, draft):
    with scope(alliance=oe.alliance):
        assert draft.status == Project.Status.DRAFT and draft.goals_near and draft.goals_long
        assert draft.technology_field == oe.alliance.technology_field
        assert [(p.unit, p.role) for p in draft.participants.all()] == [
            (oe.units[0], "lead"), (oe.units[1], "participant"), (oe.units[5], "participant")]
        assert all(p.tasks for p in draft.participants.all())
        assert {(b.category, b.source) for b in draft.budget_lines.all()} == {
            ("equipment", "government"), ("materials", "government"), ("testing", "member_contribution")}
        assert draft.milestones.count() == 2
        assert sorted(s.share for s in draft.ip_agreement.shares.all()) == [Decimal("10"), Decimal("30"), Decimal("60")]
        assert selectors.ip_agreement_gaps(draft) == []
        assert draft.code.startswith(f"{oe.alliance.code}-{TODAY.year}-")


def test_inactive_unit_cannot_be_added_as_participant(oe, draft):
    with scope(alliance=oe.alliance):
        MemberUnit.objects.filter(pk=oe.units[6].pk).update(status=MemberUnit.Status.WITHDRAWN)
        unit = MemberUnit.objects.get(pk=oe.units[6].pk)
    with pytest.raises(ValidationFailed) as refused:
        call(oe, services.participant_add, project=draft, unit=unit, tasks="x")
    assert "unit" in refused.value.fields
    with scope(alliance=oe.alliance):
        assert not draft.participants.filter(unit=unit).exists()


def test_unit_under_five_year_bar_cannot_be_added_art16(oe, draft):
    from membership import services as membership

    from tests.governance.helpers import pass_resolution

    number = pass_resolution(oe, kind="other", subject_unit=oe.units[6])
    call(oe, membership.member_bar_record, unit=oe.units[6], grounds="违反收益分配约定", resolution_number=number)
    with pytest.raises(ValidationFailed) as refused:
        call(oe, services.participant_add, project=draft, unit=oe.units[6], tasks="x")
    assert "第十六条" in str(refused.value.fields["unit"][0])
    with scope(alliance=oe.alliance):
        assert not draft.participants.filter(unit=oe.units[6]).exists()


def test_same_unit_cannot_take_part_twice(oe, draft):
    with pytest.raises(ValidationFailed):
        call(oe, services.participant_add, project=draft, unit=oe.units[1], tasks="again")
    with scope(alliance=oe.alliance):
        assert draft.participants.filter(unit=oe.units[1]).count() == 1


def test_only_the_secretariat_writes_proposals(oe):
    with pytest.raises(Forbidden):
        call(oe, services.project_create, who="council-1", title="x", lead_unit=oe.units[0])
    with scope(alliance=oe.alliance):
        assert not Project.objects.exists()


def test_budget_line_needs_a_positive_amount_a_known_category_and_source(oe, draft):
    with scope(alliance=oe.alliance):
        before = draft.budget_lines.count()
    for bad in [{"amount": "-5"}, {"amount": "0"}, {"amount": "1.234"}, {"amount": "abc"}, {"category": "yachts"}, {"source": "loan"}]:
        values = {"category": "travel", "source": "government", "amount": "100", **bad}
        with pytest.raises(ValidationFailed):
            call(oe, services.budget_line_add, project=draft, **values)
    with scope(alliance=oe.alliance):
        assert draft.budget_lines.count() == before


def test_ip_agreement_gaps_name_every_missing_part(oe):
    project = make_draft(oe, complete_ip=False)
    with scope(alliance=oe.alliance):
        gaps = selectors.ip_agreement_gaps(project)
    assert len(gaps) == 5
    joined = "".join(gaps)
    for word in ("权利归属", "许可实施", "收益分配", "解散", "退出"):
        assert word in joined


def test_ip_shares_must_sum_to_exactly_100(oe, draft):
    with scope(alliance=oe.alliance):
        rows = list(draft.participants.all())
        agreement = draft.ip_agreement
    call(oe, services.ip_agreement_set, project=draft, licensing=agreement.licensing, revenue_sharing=agreement.revenue_sharing,
         on_dissolution=agreement.on_dissolution, on_withdrawal=agreement.on_withdrawal,
         shares=[(rows[0], Decimal("60")), (rows[1], Decimal("30")), (rows[2], Decimal("9.99"))])
    with scope(alliance=oe.alliance):
        gaps = selectors.ip_agreement_gaps(draft)
    assert gaps == ["权属份额合计为99.99%，须恰好为100%。"]


def test_ip_share_of_another_projects_participant_is_refused(oe, draft):
    other = make_draft(oe)
    stranger = participant(oe, other, oe.units[1])
    with pytest.raises(ValidationFailed):
        call(oe, services.ip_agreement_set, project=draft, licensing="a", revenue_sharing="b", on_dissolution="c",
             on_withdrawal="d", shares=[(stranger, Decimal("100"))])
    with scope(alliance=oe.alliance):
        assert draft.ip_agreement.shares.count() == 3


def test_incomplete_proposal_cannot_be_submitted(oe):
    project = call(oe, services.project_create, title="空项目", lead_unit=oe.units[0])
    with pytest.raises(ValidationFailed) as refused:
        call(oe, services.project_submit, project=project)
    assert {"tasks", "budget_lines", "milestones"} <= set(refused.value.fields)
    assert status_of(oe, project) == "draft"


def test_a_submitted_proposal_cannot_be_edited(oe, draft):
    call(oe, services.project_submit, project=draft)
    with pytest.raises(Conflict):
        call(oe, services.participant_add, project=draft, unit=oe.units[6], tasks="x")
    with pytest.raises(Conflict):
        call(oe, services.project_update, project=draft, title="改名")
    assert refresh(oe, draft).title == "深海传感器阵列研制"


@pytest.mark.parametrize("step", ["project_start", "project_close", "project_bureau_refer", "project_council_refer"])
def test_illegal_transitions_are_conflicts(oe, draft, step):
    with pytest.raises(Conflict):
        call(oe, getattr(services, step), project=draft)
    assert status_of(oe, draft) == "draft"


def test_returning_a_submitted_proposal_reopens_the_draft(oe, draft):
    call(oe, services.project_submit, project=draft)
    call(oe, services.project_return, project=draft, reason="预算需细化")
    assert status_of(oe, draft) == "draft"
    with scope(alliance=oe.alliance):
        assert [e.to_status for e in draft.events.exclude(to_status="")] == ["draft", "submitted", "draft"]


# ---- review and approval -------------------------------------------------------------------------

def test_expert_review_is_a_consultation_without_experts_of_participating_units(oe, draft):
    call(oe, services.project_submit, project=draft)
    project = call(oe, services.project_review_open, project=draft, experts=[oe.user("expert-1"), oe.user("expert-3")],
                   deadline=later())
    assert project.status == "expert_review"
    c = consultation(oe, project.review_consultation_id)
    with scope(alliance=oe.alliance):
        assert c.subject == project
        excluded = {i.expert for i in c.invitations.filter(excluded=True)}
    assert excluded == {oe.user("expert-1")}  # expert-1 is affiliated with units[1], a participant


def test_project_without_complete_ip_agreement_cannot_be_approved_art16(oe):
    project = make_draft(oe, complete_ip=False)
    call(oe, services.project_submit, project=project)
    project = call(oe, services.project_review_open, project=project, experts=experts(oe), deadline=later())
    answer_and_close(oe, project.review_consultation_id)
    with pytest.raises(ValidationFailed) as refused:
        call(oe, services.project_council_refer, project=project)
    assert len(refused.value.fields["ip_agreement"]) == 5
    project = refresh(oe, project)
    assert project.status == "expert_review" and project.approval_motion_id is None
    from governance.models import Motion

    with scope(alliance=oe.alliance):
        assert not Motion.objects.filter(kind="project_approval").exists()


def test_shares_not_summing_to_100_block_approval(oe, draft):
    with scope(alliance=oe.alliance):
        rows = list(draft.participants.all())
    call(oe, services.ip_agreement_set, project=draft, licensing="a", revenue_sharing="b", on_dissolution="c", on_withdrawal="d",
         shares=[(rows[0], Decimal("50")), (rows[1], Decimal("30"))])
    call(oe, services.project_submit, project=draft)
    project = call(oe, services.project_review_open, project=draft, experts=experts(oe), deadline=later())
    answer_and_close(oe, project.review_consultation_id)
    with pytest.raises(ValidationFailed) as refused:
        call(oe, services.project_council_refer, project=project)
    assert refused.value.fields["ip_agreement"] == ["权属份额合计为80%，须恰好为100%。"]
    assert status_of(oe, project) == "expert_review"


def test_council_vote_waits_for_the_expert_review(oe, draft):
    call(oe, services.project_submit, project=draft)
    project = call(oe, services.project_review_open, project=draft, experts=experts(oe), deadline=later())
    with pytest.raises(Conflict):
        call(oe, services.project_council_refer, project=project)
    assert status_of(oe, project) == "expert_review"


def test_council_resolution_approves_and_freezes_version_one(oe, draft):
    project = to_council(oe, draft)
    assert project.status == "council_vote"
    m = motion(oe, project.approval_motion_id)
    with scope(alliance=oe.alliance):
        assert m.kind == "project_approval" and m.subject == project
    decide_motion(oe, project.approval_motion_id)
    project = refresh(oe, project)
    assert project.status == "approved" and project.approval_resolution and project.approved_on == TODAY
    with scope(alliance=oe.alliance):
        version = ProjectVersion.objects.get(project=project)
    assert version.number == 1 and len(version.snapshot["participants"]) == 3
    assert version.resolution == project.approval_resolution


def test_council_rejection_sends_the_proposal_back_to_draft(oe, draft):
    project = to_council(oe, draft)
    decide_motion(oe, project.approval_motion_id, choice="against")
    project = refresh(oe, project)
    assert project.status == "draft" and project.approval_motion_id is None


def test_ordinary_project_starts_after_council_approval(oe, draft):
    project = approved(oe, draft)
    with pytest.raises(Conflict):
        call(oe, services.project_bureau_refer, project=project)
    assert call(oe, services.project_start, project=project).status == "in_progress"


def test_government_programme_waits_for_the_bureau_art17(oe, recognised, bureau_user):
    project = approved(oe, make_draft(oe, government=True))
    with pytest.raises(Conflict):
        call(oe, services.project_start, project=project)
    assert status_of(oe, project) == "approved"
    project = call(oe, services.project_bureau_refer, project=project)
    assert project.status == "awaiting_bureau" and project.bureau_submission_id
    from bureau.models import Submission

    with scope(alliance=oe.alliance):
        submission = Submission.objects.get(pk=project.bureau_submission_id)
        assert submission.kind == "project_proposal" and submission.subject == project
    bureau_decide(oe, project.bureau_submission_id, "approved", bureau_user)
    assert status_of(oe, project) == "in_progress"


def test_bureau_rejection_revokes_the_government_programme(oe, recognised, bureau_user):
    project = call(oe, services.project_bureau_refer, project=approved(oe, make_draft(oe, government=True)))
    bureau_decide(oe, project.bureau_submission_id, "rejected", bureau_user)
    assert status_of(oe, project) == "revoked"


def test_bureau_return_keeps_the_project_waiting(oe, recognised, bureau_user):
    project = call(oe, services.project_bureau_refer, project=approved(oe, make_draft(oe, government=True)))
    bureau_decide(oe, project.bureau_submission_id, "returned", bureau_user)
    assert status_of(oe, project) == "awaiting_bureau"


# ---- execution -----------------------------------------------------------------------------------

def test_representative_of_a_participating_unit_reports_a_milestone(oe, draft):
    project = running(oe, draft)
    with scope(alliance=oe.alliance):
        milestone = project.milestones.first()
    call(oe, services.milestone_report, who="rep-1", milestone=milestone, report="设计评审完成")
    milestone = refresh(oe, milestone)
    assert milestone.report == "设计评审完成" and milestone.reported_by == oe.user("rep-1") and milestone.reported_at


def test_representative_of_another_unit_cannot_report(oe):
    project = make_draft(oe)
    call(oe, services.participant_remove, participant=participant(oe, project, oe.units[5]))  # rep-1's unit
    with scope(alliance=oe.alliance):
        lead, second = project.participants.all()
    call(oe, services.ip_agreement_set, project=project, licensing="a", revenue_sharing="b", on_dissolution="c",
         on_withdrawal="d", shares=[(lead, Decimal("70")), (second, Decimal("30"))])
    project = running(oe, project)
    with scope(alliance=oe.alliance):
        milestone = project.milestones.first()
    with pytest.raises(Forbidden):
        call(oe, services.milestone_report, who="rep-1", milestone=milestone, report="x")
    assert refresh(oe, milestone).reported_at is None


def test_milestones_are_reported_only_while_running(oe, draft):
    with scope(alliance=oe.alliance):
        milestone = draft.milestones.first()
    with pytest.raises(Conflict):
        call(oe, services.milestone_report, milestone=milestone, report="x")
    assert refresh(oe, milestone).reported_at is None


def test_expense_posts_to_the_projects_restricted_fund_and_shows_as_actual(oe, draft):
    project = running(oe, draft)
    fund(oe, project, "200000")
    lead = participant(oe, project, oe.units[0])
    expense = call(oe, services.expense_record, project=project, category="equipment", source="government", amount="1234.50",
                   date=TODAY, description="采购示波器", participant=lead)
    assert expense.journal_entry_id
    from finance.models import JournalEntry

    with scope(alliance=oe.alliance):
        entry = JournalEntry.objects.get(pk=expense.journal_entry_id)
        assert {line.fund.project_id for line in entry.lines.all()} == {project.pk}
        assert {line.fund.source for line in entry.lines.all()} == {"government"}
    from .conftest import approve_entry

    approve_entry(oe, expense.journal_entry_id)
    with scope(alliance=oe.alliance):
        report = selectors.budget_vs_actual(refresh(oe, project))
    row = next(r for r in report["rows"] if (r["category"], r["source"]) == ("equipment", "government"))
    assert report["from_ledger"] and row["budget"] == Decimal("300000") and row["actual"] == Decimal("1234.50")
    assert row["remaining"] == Decimal("298765.50")


def test_expense_beyond_the_restricted_fund_is_refused(oe, draft):
    project = running(oe, draft)
    fund(oe, project, "1000")
    with pytest.raises(ValidationFailed):
        call(oe, services.expense_record, project=project, category="equipment", source="government", amount="1000.01",
             date=TODAY, description="超支")
    with scope(alliance=oe.alliance):
        assert not Expense.objects.exists()


def test_expense_outside_the_budget_is_refused(oe, draft):
    project = running(oe, draft)
    with pytest.raises(ValidationFailed) as refused:
        call(oe, services.expense_record, project=project, category="travel", source="government", amount="100",
             date=TODAY, description="差旅")
    assert "category" in refused.value.fields
    with scope(alliance=oe.alliance):
        assert not Expense.objects.exists()


def test_expense_before_the_project_runs_is_refused(oe, draft):
    with pytest.raises(Conflict):
        call(oe, services.expense_record, project=draft, category="equipment", source="government", amount="100",
             date=TODAY, description="x")


# ---- adjustment and revocation (第十九条) ---------------------------------------------------------

def test_adjustment_needs_a_council_resolution_and_creates_a_new_version(oe, draft):
    project = running(oe, draft)
    second = participant(oe, project, oe.units[1])
    adjustment = call(oe, services.adjustment_propose, project=project, kind="change", reason="材料路线变更",
                      tasks=[(second, "新材料研究与验证")],
                      budget_lines=[{"category": "materials", "source": "government", "amount": "150000", "participant": second},
                                    {"category": "equipment", "source": "government", "amount": "250000"}])
    # Nothing changes before the council decides.
    assert refresh(oe, second).tasks == "传感器材料研究"
    assert refresh(oe, project).version == 1
    m = motion(oe, adjustment.motion_id)
    assert m.kind == "project_adjustment"
    decide_motion(oe, adjustment.motion_id)
    project = refresh(oe, project)
    assert project.status == "adjusted" and project.version == 2
    assert refresh(oe, second).tasks == "新材料研究与验证"
    with scope(alliance=oe.alliance):
        assert sorted(b.amount.amount for b in project.budget_lines.all()) == [Decimal("150000"), Decimal("250000")]
        v2 = project.versions.get(number=2)
        v1 = project.versions.get(number=1)
    assert v2.resolution and len(v1.snapshot["budget_lines"]) == 3 and len(v2.snapshot["budget_lines"]) == 2
    assert refresh(oe, adjustment).status == "applied"


def test_failed_adjustment_changes_nothing(oe, draft):
    project = running(oe, draft)
    second = participant(oe, project, oe.units[1])
    adjustment = call(oe, services.adjustment_propose, project=project, kind="change", reason="x", tasks=[(second, "新任务")])
    decide_motion(oe, adjustment.motion_id, choice="against")
    assert refresh(oe, second).tasks == "传感器材料研究"
    project = refresh(oe, project)
    assert project.version == 1 and project.status == "in_progress"
    assert refresh(oe, adjustment).status == "failed"


def test_council_revokes_a_running_project(oe, draft):
    project = running(oe, draft)
    adjustment = call(oe, services.adjustment_propose, project=project, kind="revoke", reason="技术路线不可行")
    assert status_of(oe, project) == "in_progress"
    decide_motion(oe, adjustment.motion_id)
    assert status_of(oe, project) == "revoked"


def test_adjustment_of_a_draft_is_a_conflict(oe, draft):
    with pytest.raises(Conflict):
        call(oe, services.adjustment_propose, project=draft, kind="revoke", reason="x")
    with scope(alliance=oe.alliance):
        assert not Adjustment.objects.exists()


# ---- a participant leaving (第十九条) -------------------------------------------------------------

def _withdrawal(oe, project, **extra):
    leaving = participant(oe, project, oe.units[5])
    taker = participant(oe, project, oe.units[1])
    return call(oe, services.withdrawal_request, participant=leaving, reason="单位战略调整", reassign_to=taker, **extra), leaving, taker


def test_withdrawal_needs_council_opinion_and_bureau_approval_before_it_takes_effect_art19(oe, draft, bureau_user):
    project = running(oe, draft)
    fund(oe, project, "50000")  # government money: the bureau's approval is needed (第十九条)
    call(oe, services.expense_record, project=project, category="materials", source="government", amount="8000",
         date=TODAY, description="水池测试", participant=participant(oe, project, oe.units[5]))
    adjustment, leaving, taker = _withdrawal(oe, project)
    assert adjustment.clawback.amount == Decimal("8000") and refresh(oe, leaving).status == "withdrawing"
    with pytest.raises(Conflict):
        call(oe, services.withdrawal_execute, adjustment=adjustment)
    with pytest.raises(Conflict):  # no bureau referral before the council's opinion
        call(oe, services.withdrawal_bureau_refer, adjustment=adjustment)
    decide_motion(oe, adjustment.motion_id)
    assert refresh(oe, adjustment).status == "council_passed"
    with pytest.raises(Conflict):
        call(oe, services.withdrawal_execute, adjustment=adjustment)
    adjustment = call(oe, services.withdrawal_bureau_refer, adjustment=adjustment)
    from bureau.models import Submission

    with scope(alliance=oe.alliance):
        submission = Submission.objects.get(pk=adjustment.submission_id)
        assert submission.kind == "participant_withdrawal" and submission.subject == leaving
    with pytest.raises(Conflict):
        call(oe, services.withdrawal_execute, adjustment=adjustment)
    assert refresh(oe, leaving).status == "withdrawing"
    bureau_decide(oe, adjustment.submission_id, "approved", bureau_user)
    adjustment = call(oe, services.withdrawal_execute, adjustment=adjustment)
    leaving, taker, project = refresh(oe, leaving), refresh(oe, taker), refresh(oe, project)
    assert leaving.status == "withdrawn" and leaving.withdrawn_on == TODAY
    assert "水下测试" in taker.tasks and project.version == 2
    assert leaving.clawed_back.amount == Decimal("8000") and adjustment.clawback_entry_id
    from finance.models import JournalEntry

    with scope(alliance=oe.alliance):
        lines = list(JournalEntry.objects.get(pk=adjustment.clawback_entry_id).lines.all())
    assert any(line.member_unit_id == oe.units[5].pk and line.debit and line.debit.amount == Decimal("8000") for line in lines)


def test_bureau_refusing_a_withdrawal_keeps_the_participant(oe, draft, bureau_user):
    project = running(oe, draft)
    fund(oe, project, "1000")
    adjustment, leaving, taker = _withdrawal(oe, project)
    decide_motion(oe, adjustment.motion_id)
    adjustment = call(oe, services.withdrawal_bureau_refer, adjustment=adjustment)
    bureau_decide(oe, adjustment.submission_id, "rejected", bureau_user)
    assert refresh(oe, leaving).status == "active" and refresh(oe, adjustment).status == "bureau_rejected"
    with pytest.raises(Conflict):
        call(oe, services.withdrawal_execute, adjustment=adjustment)
    assert refresh(oe, taker).tasks == "传感器材料研究"


def test_internal_project_withdrawal_takes_effect_on_the_council_opinion_without_the_bureau_art19(oe, draft):
    """No government programme, no government money: the council's written opinion suffices."""
    project = running(oe, draft)
    fund(oe, project, "50000", source="member_contribution")
    adjustment, leaving, taker = _withdrawal(oe, project)
    with pytest.raises(Conflict):  # not before the council's opinion
        call(oe, services.withdrawal_execute, adjustment=adjustment)
    decide_motion(oe, adjustment.motion_id)
    with pytest.raises(Conflict) as refused:  # nothing to refer
        call(oe, services.withdrawal_bureau_refer, adjustment=adjustment)
    assert refused.value.code == "not_government"
    adjustment = call(oe, services.withdrawal_execute, adjustment=refresh(oe, adjustment))
    assert adjustment.status == "applied" and adjustment.submission_id is None
    assert refresh(oe, leaving).status == "withdrawn" and "水下测试" in refresh(oe, taker).tasks
    from bureau.models import Submission

    with scope(alliance=oe.alliance):
        assert not Submission.objects.filter(kind="participant_withdrawal").exists()


def test_withdrawal_from_a_government_programme_still_waits_for_the_bureau_art19(oe, recognised, bureau_user):
    """The programme alone (no money received yet) asks for the bureau's approval."""
    project = call(oe, services.project_bureau_refer, project=approved(oe, make_draft(oe, government=True)))
    bureau_decide(oe, project.bureau_submission_id, "approved", bureau_user)
    adjustment, _leaving, _taker = _withdrawal(oe, project)
    decide_motion(oe, adjustment.motion_id)
    with pytest.raises(Conflict) as refused:
        call(oe, services.withdrawal_execute, adjustment=refresh(oe, adjustment))
    assert refused.value.code == "bureau_approval_required"
    assert call(oe, services.withdrawal_bureau_refer, adjustment=refresh(oe, adjustment)).status == "awaiting_bureau"


def test_council_refusing_a_withdrawal_keeps_the_participant(oe, draft):
    project = running(oe, draft)
    adjustment, leaving, _taker = _withdrawal(oe, project)
    decide_motion(oe, adjustment.motion_id, choice="against")
    assert refresh(oe, leaving).status == "active" and refresh(oe, adjustment).status == "failed"


def test_lead_unit_cannot_withdraw_and_tasks_go_to_an_active_participant(oe, draft):
    project = running(oe, draft)
    lead = participant(oe, project, oe.units[0])
    other = participant(oe, project, oe.units[1])
    with pytest.raises(ValidationFailed):
        call(oe, services.withdrawal_request, participant=lead, reason="x", reassign_to=other)
    with pytest.raises(ValidationFailed):
        call(oe, services.withdrawal_request, participant=other, reason="x", reassign_to=other)
    with scope(alliance=oe.alliance):
        assert not Adjustment.objects.exists()


def test_open_tasks_block_the_units_withdrawal_from_the_alliance(oe, draft):
    with scope(alliance=oe.alliance):
        assert selectors.open_tasks_of(oe.units[5]) == []  # a draft blocks nothing
    project = running(oe, draft)
    with scope(alliance=oe.alliance):
        reasons = hooks.blockers_for(oe.units[5])
    assert any(project.code in r for r in reasons)


def test_expulsion_claws_back_government_and_alliance_money_paid_for_its_tasks(oe, draft):
    project = running(oe, draft)
    fund(oe, project, "100000")
    fund(oe, project, "50000", source="member_contribution")
    third = participant(oe, project, oe.units[5])
    for source, category, amount in [("government", "materials", "3000"), ("member_contribution", "testing", "2000")]:
        call(oe, services.expense_record, project=project, category=category, source=source, amount=amount, date=TODAY,
             description="x", participant=third)
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(pk=oe.units[5].pk)
        from alliances.tenancy import tenant_service

        tenant_service(lambda *, actor, alliance: services.on_unit_departure(actor, unit, "expelled"))(
            actor=oe.user("sec"), alliance=oe.alliance)
    assert refresh(oe, third).clawed_back.amount == Decimal("5000")
    # Run again: nothing more is owed.
    with scope(alliance=oe.alliance):
        tenant_service(lambda *, actor, alliance: services.on_unit_departure(actor, unit, "expelled"))(
            actor=oe.user("sec"), alliance=oe.alliance)
    assert refresh(oe, third).clawed_back.amount == Decimal("5000")


# ---- acceptance (验收) ---------------------------------------------------------------------------

def _report_all(oe, project):
    with scope(alliance=oe.alliance):
        milestones = list(project.milestones.all())
    for m in milestones:
        call(oe, services.milestone_report, milestone=m, report="完成")


def test_acceptance_needs_every_milestone_reported(oe, draft):
    project = running(oe, draft)
    with pytest.raises(ValidationFailed) as refused:
        call(oe, services.acceptance_request, project=project, deliverables="样机一台")
    assert refused.value.fields["milestones"] == ["样机设计评审", "海试"]
    assert status_of(oe, project) == "in_progress"


def _to_panel(oe, project):
    _report_all(oe, project)
    call(oe, services.acceptance_request, project=project, deliverables="样机一台；发明专利申请两项")
    return call(oe, services.acceptance_review_open, project=refresh(oe, project), experts=experts(oe), deadline=later())


def test_acceptance_result_waits_for_the_expert_panel(oe, draft):
    project = _to_panel(oe, running(oe, draft))
    with pytest.raises(Conflict):
        call(oe, services.acceptance_record, project=project, accepted=True, opinion="通过")
    assert status_of(oe, project) == "acceptance_requested"


def test_accepted_results_are_registered_as_foreground_ip_with_the_agreements_shares(oe, draft):
    project = _to_panel(oe, running(oe, draft))
    answer_and_close(oe, project.acceptance_consultation_id)
    project = call(oe, services.acceptance_record, project=project, accepted=True, opinion="达到任务书要求，同意通过验收",
                   results=[{"kind": "invention_patent", "title": "一种深海压力传感器", "application_number": "CN202610000001.X"},
                            {"kind": "software_copyright", "title": "阵列数据处理软件V1.0"}])
    assert project.status == "accepted"
    from ip_registry.models import IPAsset

    with scope(alliance=oe.alliance):
        results = list(Result.objects.filter(project=project))
        assert len(results) == 2 and all(r.asset_id for r in results)
        asset = IPAsset.objects.get(pk=results[0].asset_id)
        assert asset.origin == "foreground" and asset.project_id == project.pk
        owners = {(o.member_unit_id, o.share) for o in asset.ownership_versions.order_by("-number").first().shares.all()}
    assert owners == {(oe.units[0].pk, Decimal("60")), (oe.units[1].pk, Decimal("30")), (oe.units[5].pk, Decimal("10"))}
    assert call(oe, services.project_close, project=project).status == "closed"


def test_not_accepted_registers_nothing(oe, draft):
    project = _to_panel(oe, running(oe, draft))
    answer_and_close(oe, project.acceptance_consultation_id, stance="oppose")
    project = call(oe, services.acceptance_record, project=project, accepted=False, opinion="未达到指标",
                   results=[{"kind": "invention_patent", "title": "x"}])
    assert project.status == "not_accepted"
    with scope(alliance=oe.alliance):
        assert not Result.objects.exists()


# ---- who sees what -------------------------------------------------------------------------------

def test_representative_sees_only_the_projects_of_their_unit(oe, draft):
    other = call(oe, services.project_create, title="港口机械", lead_unit=oe.units[6])
    with scope(alliance=oe.alliance):
        assert set(selectors.projects_for(oe.user("rep-1"), oe.alliance)) == {draft}
        assert set(selectors.projects_for(oe.user("council-1"), oe.alliance)) == {draft, other}


def test_every_step_is_in_the_projects_history(oe, draft):
    call(oe, services.project_submit, project=draft)
    with scope(alliance=oe.alliance):
        events = list(draft.events.all())
        assert events[-1].to_status == "submitted" and events[-1].actor == oe.user("sec")
        assert draft.history.filter(status="submitted").exists()
