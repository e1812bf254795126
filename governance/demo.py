"""Governance demo data: a closed motion with its resolution (after an expert consultation), a
meeting with locked minutes, and an open motion. Idempotent: found by title, made through services."""

from datetime import timedelta

from django.utils import timezone

from governance import services
from governance.agreement import demo as agreement_demo
from governance.models import Consultation, Meeting, Motion

CLOSED_TITLE = "关于2026年度联盟工作经费预算的议案"
# The open motion, on the alliance's own field.
OPEN_TITLES = {"ocean-equipment": "关于设立海洋传感器标准工作组的议案", "biomed": "关于设立体外诊断试剂标准工作组的议案"}
CONSULTATION_TITLE = "2026年度经费预算专家咨询"
MEETING_TITLE = "联盟第一届理事会第三次会议"


def load(ctx):
    alliance, sec, sg = ctx.alliance, ctx.user("sec"), ctx.user("sg")
    councillors = [ctx.user("chair")] + [ctx.user(f"council-{n}") for n in range(1, 5)]
    now = timezone.now()

    closed = Motion.objects.filter(title=CLOSED_TITLE).first()
    if closed is None:
        closed = services.motion_create(
            actor=sec, alliance=alliance, kind="budget", title=CLOSED_TITLE,
            body="一、会员会费收入……\n二、办公经费支出……\n三、项目研发经费安排……", closes_at=now + timedelta(days=3),
        )
    if not Consultation.objects.filter(title=CONSULTATION_TITLE).exists():
        consultation = services.consultation_create(
            actor=sec, alliance=alliance, title=CONSULTATION_TITLE, question="预算安排是否符合专款专用原则？",
            experts=[ctx.user("expert-1"), ctx.user("expert-2"), ctx.user("expert-3")],
            deadline=now + timedelta(days=2), motion=closed, concerned_units=[ctx.units[1]],
        )
        services.opinion_submit(actor=ctx.user("expert-2"), alliance=alliance, consultation=consultation,
                                stance="support", text="预算结构合理，项目经费单独核算。", score=88)
        services.opinion_submit(actor=ctx.user("expert-3"), alliance=alliance, consultation=consultation,
                                stance="support_with_changes", text="建议细化办公经费明细。", score=75)
        services.consultation_close(actor=sec, alliance=alliance, consultation=consultation,
                                    summary="专家总体支持，建议细化办公经费。")
    if closed.status == Motion.Status.DRAFT:
        closed = services.motion_open(actor=sec, alliance=alliance, motion=closed)
    if closed.status == Motion.Status.OPEN:
        for user, choice in zip(councillors, ["for", "for", "for", "for", "abstain"]):
            services.vote_cast(actor=user, alliance=alliance, motion=closed, choice=choice)
        closed = services.motion_close(actor=sec, alliance=alliance, motion=closed)

    if not Meeting.objects.filter(title=MEETING_TITLE).exists():
        meeting = services.meeting_create(
            actor=sec, alliance=alliance, title=MEETING_TITLE, starts_at=now - timedelta(days=1),
            location=alliance.address or "青岛", agenda=[("审议年度经费预算", closed), "听取秘书处工作报告"],
        )
        seats = [seat for seat, _holder in services.council_seats_with_holders()]
        services.attendance_record(actor=sec, alliance=alliance, meeting=meeting, present_seats=seats[:4], absent_seats=seats[4:])
        services.minutes_draft(actor=sec, alliance=alliance, meeting=meeting,
                               text="会议应到理事5人，实到4人，达到法定人数。会议审议通过了年度经费预算议案。")
        services.minutes_approve(actor=sg, alliance=alliance, meeting=meeting)
        services.minutes_lock(actor=sec, alliance=alliance, meeting=meeting)

    open_title = OPEN_TITLES.get(alliance.slug, OPEN_TITLES["ocean-equipment"])
    opened = Motion.objects.filter(title=open_title).first()
    if opened is None:
        opened = services.motion_create(
            actor=sec, alliance=alliance, kind="other", title=open_title,
            body="拟设立标准工作组，负责组织制定团体标准。", closes_at=now + timedelta(days=7),
        )
        opened = services.motion_open(actor=sec, alliance=alliance, motion=opened)
        services.vote_cast(actor=councillors[1], alliance=alliance, motion=opened, choice="for")

    agreement_demo.load(ctx)
