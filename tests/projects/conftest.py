"""Fixtures and drivers for project tests: a complete draft, and the real governance, bureau and
finance services to move it through its lifecycle."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from projects import services
from projects.models import Participant, Project


TODAY = timezone.localdate()


def later(days=7):
    return timezone.now() + datetime.timedelta(days=days)


def call(ctx, service, who="sec", **kwargs):
    return service(actor=ctx.user(who), alliance=ctx.alliance, **kwargs)


def refresh(ctx, obj):
    with scope(alliance=ctx.alliance):
        return type(obj).objects.get(pk=obj.pk)


def make_draft(ctx, *, government=False, code="", complete_ip=True) -> Project:
    """A complete proposal: lead units[0], participants units[1] and units[5], budget, milestones, IP agreement."""
    units = ctx.units
    project = call(ctx, services.project_create, title="深海传感器阵列研制", lead_unit=units[0], code=code,
                   goals_near="两年内完成样机", goals_long="形成系列产品", government_programme=government,
                   lead_tasks="总体设计与系统集成", start_date=TODAY, end_date=TODAY + datetime.timedelta(days=720))
    with scope(alliance=ctx.alliance):
        lead = project.participants.get(unit=units[0])
    second = call(ctx, services.participant_add, project=project, unit=units[1], tasks="传感器材料研究")
    third = call(ctx, services.participant_add, project=project, unit=units[5], tasks="水下测试")
    call(ctx, services.budget_line_add, project=project, category="equipment", source="government", amount="300000", participant=lead)
    call(ctx, services.budget_line_add, project=project, category="materials", source="government", amount="100000", participant=second)
    call(ctx, services.budget_line_add, project=project, category="testing", source="member_contribution", amount="50000", participant=third)
    call(ctx, services.milestone_add, project=project, due=TODAY + datetime.timedelta(days=180), description="样机设计评审")
    call(ctx, services.milestone_add, project=project, due=TODAY + datetime.timedelta(days=540), description="海试")
    if complete_ip:
        call(ctx, services.ip_agreement_set, project=project, licensing="联盟成员在项目研发阶段可无偿使用", revenue_sharing="按权属份额分配",
             on_dissolution="按份额分割，继续有效", on_withdrawal="退出方保留已取得份额，不再分享后续成果",
             shares=[(lead, Decimal("60")), (second, Decimal("30")), (third, Decimal("10"))])
    return refresh(ctx, project)


def participant(ctx, project, unit) -> Participant:
    with scope(alliance=ctx.alliance):
        return Participant.objects.get(project=project, unit=unit)


# ---- governance drivers ----------------------------------------------------------------------------

def consultation(ctx, pk):
    from governance.models import Consultation

    with scope(alliance=ctx.alliance):
        return Consultation.objects.get(pk=pk)


def motion(ctx, pk):
    from governance.models import Motion

    with scope(alliance=ctx.alliance):
        return Motion.objects.get(pk=pk)


def answer_and_close(ctx, consultation_pk, stance="support"):
    from governance import services as gov

    c = consultation(ctx, consultation_pk)
    gov.opinion_submit(actor=ctx.user("expert-3"), alliance=ctx.alliance, consultation=c, stance=stance, text="同意", score=85)
    gov.consultation_close(actor=ctx.user("sec"), alliance=ctx.alliance, consultation=c)


def decide_motion(ctx, motion_pk, choice="for"):
    from governance import services as gov

    m = motion(ctx, motion_pk)
    for who in ("chair", "council-1", "council-2", "council-3", "council-4"):
        try:
            gov.vote_cast(actor=ctx.user(who), alliance=ctx.alliance, motion=m, choice=choice)
        except Exception:  # a recused seat cannot vote
            pass
    return gov.motion_close(actor=ctx.user("sec"), alliance=ctx.alliance, motion=m)


def experts(ctx):
    return [ctx.user("expert-3")]


def expert_grant(ctx, suffix="expert-3") -> int:
    """The id the API takes for an expert: their expert role grant's (as consultations take it)."""
    with scope(alliance=ctx.alliance):
        return ctx.user(suffix).role_grants.get(role="expert", revoked_at__isnull=True).pk


def to_council(ctx, project) -> Project:
    call(ctx, services.project_submit, project=project)
    project = call(ctx, services.project_review_open, project=refresh(ctx, project), experts=experts(ctx), deadline=later())
    answer_and_close(ctx, project.review_consultation_id)
    return call(ctx, services.project_council_refer, project=project)


def approved(ctx, project) -> Project:
    project = to_council(ctx, project)
    decide_motion(ctx, project.approval_motion_id)
    return refresh(ctx, project)


# ---- bureau drivers -------------------------------------------------------------------------------

@pytest.fixture
def recognised(oe, bureau_user):
    """oe recognised by the bureau: only then may it propose programme projects to it (第十七条)."""
    from tests.bureau.conftest import recognise

    recognise(oe, bureau_user)
    return oe


def bureau_decide(ctx, submission_pk, decision, officer):
    from bureau import services as bureau
    from bureau.models import Submission

    with scope(alliance=ctx.alliance):
        submission = Submission.objects.get(pk=submission_pk)
    submission = bureau.submission_submit(actor=ctx.user("sg"), alliance=ctx.alliance, submission=submission)
    return bureau.submission_decide(actor=officer, submission=submission, decision=decision,
                                    necessity_opinion="同意" if decision != "returned" else "", comments="请补充材料")


def running(ctx, project) -> Project:
    project = approved(ctx, project)
    return call(ctx, services.project_start, project=project)


# ---- finance drivers ------------------------------------------------------------------------------

def fund(ctx, project, amount, source="government"):
    from finance import services as fin

    entry = fin.grant_receive(actor=ctx.user("sec"), alliance=ctx.alliance, project=project, amount=amount, date=TODAY,
                              description="项目经费拨付", source=source)
    fin.entry_approve(actor=ctx.user("sg"), alliance=ctx.alliance, entry=entry)


def approve_entry(ctx, entry_pk):
    from finance import services as fin
    from finance.models import JournalEntry

    with scope(alliance=ctx.alliance):
        entry = JournalEntry.objects.get(pk=entry_pk)
    fin.entry_approve(actor=ctx.user("sg"), alliance=ctx.alliance, entry=entry)


@pytest.fixture
def draft(oe):
    return make_draft(oe)
