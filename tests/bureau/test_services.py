import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import scope

from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Alliance
from alliances.services import alliance_status_set
from bureau import gates, services
from bureau.models import Decision, Kind, Submission, SubmissionVersion, content_hash
from membership.models import MemberUnit
from tests.bureau.conftest import NARRATIVE, OPINION, current_version, draft, fresh, submitted


def alliance_row(ctx):
    return Alliance.objects.get(pk=ctx.alliance.pk)


# ---------------------------------------------------------------- snapshot immutability


def test_live_edits_after_submission_do_not_change_the_snapshot_or_document(oe, recognition):
    version = current_version(oe, recognition)
    before_snapshot, before_pdf, before_hash = version.snapshot, bytes(version.document), version.sha256
    assert before_snapshot["application"]["member_counts"]["total"] == 9
    with scope(alliance=oe.alliance):
        unit = MemberUnit.objects.get(pk=oe.units[5].pk)
        unit.name = "改名后的单位"
        unit.standing = "已改变"
        unit.save()
        MemberUnit.objects.filter(pk=oe.units[8].pk).update(status=MemberUnit.Status.WITHDRAWN)
    Alliance.objects.filter(pk=oe.alliance.pk).update(address="新地址", technology_field="新领域")

    again = current_version(oe, recognition)
    assert again.snapshot == before_snapshot
    assert bytes(again.document) == before_pdf
    assert again.sha256 == before_hash and again.verify()
    assert "改名后的单位" not in str(again.snapshot)
    assert again.snapshot["alliance"]["address"] != "新地址"
    assert again.snapshot["application"]["member_counts"]["total"] == 9


def test_a_frozen_version_refuses_update_save_and_delete(oe, recognition):
    with scope(alliance=oe.alliance):
        version = SubmissionVersion.objects.get(submission=recognition)
        version.snapshot = {"tampered": True}
        with pytest.raises(Conflict):
            version.save()
        with pytest.raises(Conflict):
            SubmissionVersion.objects.filter(pk=version.pk).update(snapshot={"tampered": True})
        with pytest.raises(Conflict):
            version.delete()
        with pytest.raises(Conflict):
            SubmissionVersion.objects.filter(pk=version.pk).delete()
        stored = SubmissionVersion.objects.get(pk=version.pk)
    assert "tampered" not in stored.snapshot and stored.verify()


def test_hash_covers_snapshot_and_document(oe, recognition):
    version = current_version(oe, recognition)
    assert version.sha256 == content_hash(version.snapshot, bytes(version.document))
    assert content_hash({**version.snapshot, "title": "x"}, bytes(version.document)) != version.sha256
    assert content_hash(version.snapshot, bytes(version.document) + b" ") != version.sha256


def test_submitted_submission_cannot_be_edited(oe, recognition):
    with pytest.raises(Conflict):
        services.submission_edit(actor=oe.user("sec"), alliance=oe.alliance, submission=recognition, industry_status="改")
    assert fresh(oe, recognition).industry_status == NARRATIVE["industry_status"]


def test_returned_submission_is_revised_and_resubmitted_as_a_new_version_keeping_the_old(oe, recognition, bureau_user):
    services.submission_decide(actor=bureau_user, submission=recognition, decision="returned", comments="请补充产业数据。")
    assert fresh(oe, recognition).status == Submission.Status.RETURNED
    services.submission_edit(actor=oe.user("sec"), alliance=oe.alliance, submission=recognition, industry_status="补充后的产业数据。")
    resubmitted = services.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=fresh(oe, recognition))
    assert resubmitted.status == Submission.Status.SUBMITTED and resubmitted.version == 2
    with scope(alliance=oe.alliance):
        v1, v2 = SubmissionVersion.objects.filter(submission=recognition).order_by("number")
        assert v1.snapshot["narrative"]["industry_status"] == NARRATIVE["industry_status"]
        assert v2.snapshot["narrative"]["industry_status"] == "补充后的产业数据。"
        assert v1.verify() and v2.verify()
        assert Decision.objects.get(submission=recognition).version == v1


# ---------------------------------------------------------------- submitting


def test_only_the_secretary_general_submits(oe):
    submission = draft(oe)
    for who in ("sec", "chair", "council-1", "auditor", "rep-1"):
        with pytest.raises(Forbidden):
            services.submission_submit(actor=oe.user(who), alliance=oe.alliance, submission=submission)
    after = fresh(oe, submission)
    assert after.status == Submission.Status.DRAFT and after.version == 0
    with scope(alliance=oe.alliance):
        assert not SubmissionVersion.objects.exists()
    assert alliance_row(oe).status == Alliance.Status.FORMING


def test_innovation_goals_are_limited_to_500_characters_annex1(oe):
    submission = draft(oe)
    with pytest.raises(ValidationFailed) as excinfo:
        services.submission_edit(actor=oe.user("sec"), alliance=oe.alliance, submission=submission, innovation_goals="目" * 501)
    assert "innovation_goals" in excinfo.value.fields
    assert fresh(oe, submission).innovation_goals == NARRATIVE["innovation_goals"]
    services.submission_edit(actor=oe.user("sec"), alliance=oe.alliance, submission=submission, innovation_goals="目" * 500)


def test_recognition_application_needs_every_narrative_section_before_submitting(oe):
    submission = draft(oe, narrative={"innovation_goals": "目标"})
    with pytest.raises(ValidationFailed) as excinfo:
        services.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=submission)
    assert {"industry_status", "technology_trends", "policy_fit", "alliance_role"} <= set(excinfo.value.fields)
    assert fresh(oe, submission).status == Submission.Status.DRAFT


def test_submitting_a_recognition_application_marks_the_alliance_applying(oe, recognition):
    alliance = alliance_row(oe)
    assert alliance.status == Alliance.Status.APPLYING
    assert alliance.history.first().history_user == oe.user("sg")


def test_a_subject_from_another_alliance_is_refused(oe, bm):
    with pytest.raises(ValidationFailed) as excinfo:
        services.approval_request(actor=oe.user("sec"), alliance=oe.alliance, kind=Kind.PARTICIPANT_WITHDRAWAL,
                                  title="退出", subject=bm.units[3])
    assert "subject" in excinfo.value.fields
    with scope(alliance=oe.alliance):
        assert not Submission.objects.exists()


def test_approval_request_links_the_subject(oe):
    submission = services.approval_request(actor=oe.user("sec"), alliance=oe.alliance, kind=Kind.PARTICIPANT_WITHDRAWAL,
                                           title="课题承担单位退出", subject=oe.units[6], payload={"reason": "经营调整"})
    assert submission.status == Submission.Status.DRAFT
    assert submission.subject_type == ContentType.objects.get_for_model(MemberUnit)
    with scope(alliance=oe.alliance):
        assert fresh(oe, submission).subject == oe.units[6]


def test_members_and_outsiders_cannot_open_drafts(oe, bm, bureau_user):
    for actor in (oe.user("rep-1"), oe.user("council-1"), oe.user("expert-1"), bm.user("sec"), bureau_user):
        with pytest.raises(Forbidden):
            services.approval_request(actor=actor, alliance=oe.alliance, kind=Kind.RULES_FILING, title="备案")
    with scope(alliance=oe.alliance):
        assert not Submission.objects.exists()


def test_one_open_recognition_application_at_a_time(oe, recognition):
    with pytest.raises(Conflict):
        services.approval_request(actor=oe.user("sec"), alliance=oe.alliance, kind=Kind.RECOGNITION_APPLICATION, title="再申请")


def test_annual_report_needs_a_year_and_only_one_per_year(oe):
    with pytest.raises(ValidationFailed):
        services.approval_request(actor=oe.user("sec"), alliance=oe.alliance, kind=Kind.ANNUAL_REPORT, title="年报")
    services.approval_request(actor=oe.user("sec"), alliance=oe.alliance, kind=Kind.ANNUAL_REPORT, title="年报", payload={"year": 2025})
    with pytest.raises(Conflict):
        services.approval_request(actor=oe.user("sec"), alliance=oe.alliance, kind=Kind.ANNUAL_REPORT, title="年报2", payload={"year": 2025})


# ---------------------------------------------------------------- deciding and gating


@pytest.fixture
def rules_gate():
    """Register a handler for rules filings (as an app's ready() would) for one test."""
    registered = []

    def register(fn):
        registered.append(gates.submission_decided.register(fn, Kind.RULES_FILING))

    yield register
    for fn in registered:
        gates.submission_decided.unregister(fn, Kind.RULES_FILING)


@pytest.fixture
def gate(rules_gate):
    """A registered handler for rules filings that records what it saw."""
    calls = []

    def handler(submission):
        calls.append((submission.pk, submission.decision, submission.status, submission.subject))

    rules_gate(handler)
    return calls


def rules_filing(ctx):
    return submitted(ctx, kind=Kind.RULES_FILING, title="管理办法备案", narrative={"body": "项目管理办法"}, subject=ctx.units[0])


@pytest.mark.parametrize("decision", ["approved", "rejected"])
def test_a_registered_handler_runs_on_a_decision_with_that_decision(oe, bureau_user, gate, decision):
    submission = rules_filing(oe)
    services.submission_decide(actor=bureau_user, submission=submission, decision=decision, **OPINION)
    assert gate == [(submission.pk, decision, decision, oe.units[0])]


def test_no_handler_runs_when_a_submission_is_returned(oe, bureau_user, gate):
    submission = rules_filing(oe)
    services.submission_decide(actor=bureau_user, submission=submission, decision="returned", comments="请补充。")
    assert gate == []
    assert fresh(oe, submission).status == Submission.Status.RETURNED


def test_a_failing_handler_rolls_the_decision_back(oe, bureau_user, rules_gate):
    def broken(submission):
        raise Conflict("gated action refused")

    rules_gate(broken)
    submission = rules_filing(oe)
    with pytest.raises(Conflict):
        services.submission_decide(actor=bureau_user, submission=submission, decision="approved", **OPINION)
    assert fresh(oe, submission).status == Submission.Status.SUBMITTED
    with scope(alliance=oe.alliance):
        assert not Decision.objects.exists()


def test_handlers_do_not_run_before_the_bureau_decides(oe, gate):
    rules_filing(oe)
    assert gate == []


def test_only_a_bureau_officer_decides(oe, bm, recognition, platform_admin):
    for actor in (oe.user("sg"), oe.user("chair"), bm.user("sg"), platform_admin):
        with pytest.raises(Forbidden):
            services.submission_decide(actor=actor, submission=recognition, decision="approved", **OPINION)
    assert fresh(oe, recognition).status == Submission.Status.SUBMITTED
    assert alliance_row(oe).status == Alliance.Status.APPLYING


def test_a_decision_needs_an_opinion_and_a_return_needs_comments(oe, recognition, bureau_user):
    with pytest.raises(ValidationFailed):
        services.submission_decide(actor=bureau_user, submission=recognition, decision="approved")
    with pytest.raises(ValidationFailed):
        services.submission_decide(actor=bureau_user, submission=recognition, decision="returned")
    with pytest.raises(ValidationFailed):
        services.submission_decide(actor=bureau_user, submission=recognition, decision="maybe", **OPINION)
    assert fresh(oe, recognition).status == Submission.Status.SUBMITTED


def test_a_draft_or_decided_submission_cannot_be_decided(oe, recognition, bureau_user):
    with pytest.raises(Conflict):
        services.submission_decide(actor=bureau_user, submission=draft(oe, kind=Kind.RULES_FILING, title="d"),
                                   decision="approved", **OPINION)
    services.submission_decide(actor=bureau_user, submission=recognition, decision="approved", **OPINION)
    with pytest.raises(Conflict):
        services.submission_decide(actor=bureau_user, submission=recognition, decision="rejected", **OPINION)
    assert fresh(oe, recognition).decision == "approved"


def test_approving_the_recognition_application_marks_the_alliance_recognised_with_history(oe, recognition, bureau_user):
    services.submission_decide(actor=bureau_user, submission=recognition, decision="approved",
                               necessity_opinion="同意", organisation_opinion="同意", necessity_office="高新处")
    alliance = alliance_row(oe)
    assert alliance.status == Alliance.Status.RECOGNISED
    last = alliance.history.first()
    assert last.status == Alliance.Status.RECOGNISED and last.history_user == bureau_user
    assert "批准认定" in last.history_change_reason
    with scope(alliance=oe.alliance):
        decision = Decision.objects.get(submission=recognition)
    assert decision.necessity_office == "高新处" and decision.necessity_date is not None
    assert decision.organisation_date is not None


def test_rejecting_the_recognition_application_returns_the_alliance_to_forming(oe, recognition, bureau_user):
    services.submission_decide(actor=bureau_user, submission=recognition, decision="rejected", **OPINION)
    assert alliance_row(oe).status == Alliance.Status.FORMING


def test_returning_the_recognition_application_keeps_the_alliance_applying(oe, recognition, bureau_user):
    services.submission_decide(actor=bureau_user, submission=recognition, decision="returned", comments="补充材料")
    assert alliance_row(oe).status == Alliance.Status.APPLYING


def test_dissolution_is_dissolved_on_approval_and_restored_on_rejection(oe, bm, bureau_user):
    Alliance.objects.filter(pk__in=[oe.alliance.pk, bm.alliance.pk]).update(status=Alliance.Status.RECOGNISED)
    for ctx in (oe, bm):
        ctx.alliance.refresh_from_db()
    first = submitted(oe, kind=Kind.DISSOLUTION, title="解散报告", narrative={"body": "协议期满"})
    assert alliance_row(oe).status == Alliance.Status.DISSOLVING
    services.submission_decide(actor=bureau_user, submission=first, decision="approved", **OPINION)
    assert alliance_row(oe).status == Alliance.Status.DISSOLVED

    second = submitted(bm, kind=Kind.DISSOLUTION, title="解散报告", narrative={"body": "拟解散"})
    services.submission_decide(actor=bureau_user, submission=second, decision="rejected", **OPINION)
    assert alliance_row(bm).status == Alliance.Status.RECOGNISED


def test_alliance_status_set_refuses_illegal_transitions_and_outsiders(oe, bureau_user):
    with pytest.raises(Conflict):
        alliance_status_set(actor=bureau_user, alliance=oe.alliance, status=Alliance.Status.DISSOLVED, reason="x")
    with pytest.raises(Forbidden):
        alliance_status_set(actor=oe.user("sec"), alliance=oe.alliance, status=Alliance.Status.APPLYING, reason="x")
    assert alliance_row(oe).status == Alliance.Status.FORMING


def test_the_decision_changes_no_other_alliance_data(oe, bm, bureau_user, gate):
    submission = rules_filing(oe)
    with scope(alliance=oe.alliance):
        units_before = list(MemberUnit.objects.order_by("pk").values())
    alliances_before = list(Alliance.objects.order_by("pk").values())
    services.submission_decide(actor=bureau_user, submission=submission, decision="approved", **OPINION)
    with scope(alliance=oe.alliance):
        assert list(MemberUnit.objects.order_by("pk").values()) == units_before
    assert list(Alliance.objects.order_by("pk").values()) == alliances_before


def test_a_return_carries_no_opinion_dates(oe, recognition, bureau_user):
    import datetime

    services.submission_decide(actor=bureau_user, submission=recognition, decision="returned", comments="补充",
                               necessity_date=datetime.date(2026, 1, 1), organisation_date=datetime.date(2026, 1, 1))
    with scope(alliance=oe.alliance):
        decision = Decision.objects.get(submission=recognition)
    assert decision.necessity_date is None and decision.organisation_date is None and decision.comments == "补充"
