"""Membership demo data: applicants, an admitted-and-active member with its history, a withdrawn
member and an expelled (and barred) one. Made through the services, with real council votes;
idempotent (units are found by their codes and only moved forward).

New units only: the foundation's nine units (ctx.units) and their council seats are left alone.
"""

from datetime import timedelta

from django.utils import timezone

from alliances.demo import demo_uscc
from governance import services as governance
from governance.models import Motion
from membership import services
from membership.models import ApplicationForm, MemberUnit

Status = MemberUnit.Status

# (key, name, kind, standing) per alliance; serials 3000+ (ocean-equipment) and 4000+ (biomed).
UNITS = {
    "ocean-equipment": [
        ("applicant", "青岛蔚蓝海洋能源科技有限公司", "enterprise", "海上风电运维装备新锐企业"),
        ("reviewing", "青岛海洋智能装备研究院", "institute", "市级新型研发机构"),
        ("voting", "青岛北海船舶设计有限公司", "enterprise", "船舶设计细分领域领先"),
        ("active", "青岛远洋动力科技有限公司", "enterprise", "船用动力系统骨干企业"),
        ("withdrawn", "青岛海事职业学院", "university", "海事职业教育院校"),
        ("expelled", "青岛浪潮海工配套有限公司", "enterprise", "海工配套件供应商"),
    ],
    "biomed": [
        ("applicant", "青岛蓝湾基因科技有限公司", "enterprise", "基因检测新锐企业"),
        ("reviewing", "青岛海洋生物医药研究中心", "institute", "海洋生物医药公共研发平台"),
        ("voting", "青岛瑞康药物制剂有限公司", "enterprise", "新型制剂研发企业"),
        ("active", "青岛海瑞生物材料股份有限公司", "enterprise", "医用生物材料骨干企业"),
        ("withdrawn", "青岛卫生职业学院", "university", "医药卫生职业院校"),
        ("expelled", "青岛百草医药科技有限公司", "enterprise", "中药提取物供应商"),
    ],
}
COUNCIL = ["chair", "council-1", "council-2", "council-3", "council-4"]


def load(ctx):
    slug, alliance, sec = ctx.alliance.slug, ctx.alliance, ctx.user("sec")
    base = 3000 if slug == "ocean-equipment" else 4000
    units = {}
    for index, (key, name, kind, standing) in enumerate(UNITS[slug], start=1):
        code = demo_uscc(kind, base + index)
        unit = MemberUnit.objects.filter(uscc=code).first()
        if unit is None:
            unit = _create(ctx, key, name, kind, standing, code, index)
        units[key] = unit

    _advance_to_review(ctx, units["reviewing"])
    _advance_to_review(ctx, units["voting"])
    _put_to_council(ctx, units["voting"], votes=["for", "for"], close=False)
    _admit_and_sign(ctx, units["active"])
    _withdraw(ctx, units["withdrawn"])
    _expel(ctx, units["expelled"])

    if not ApplicationForm.objects.filter(alliance=alliance).exists():
        services.application_form_update(
            actor=sec, alliance=alliance, is_open=True,
            intro="欢迎具有独立法人资格、在本技术领域具有优势的企业、大学和科研机构申请加入联盟。"
                  "秘书处审核材料后提交理事会表决，通过后由理事长单位代表联盟签署入盟协议。",
        )


def _fields(ctx, name, kind, standing, code, index):
    return {
        "name": name, "uscc": code, "kind": kind, "standing": standing, "legal_representative": "周" + "建国立新海"[index % 5],
        "address": ctx.alliance.address or "青岛市", "contact_person": "孙" + "晓丽伟宁"[index % 4],
        "phone": f"0532-86{index:02d}{3000 + index}", "email": f"join{index}@{ctx.alliance.slug}.demo.lianmeng.local",
        "application_statement": "本单位认同联盟协议，愿意承担相应任务分工并按约定投入经费。",
    }


def _create(ctx, key, name, kind, standing, code, index) -> MemberUnit:
    sec, alliance = ctx.user("sec"), ctx.alliance
    fields = _fields(ctx, name, kind, standing, code, index)
    if key in ("withdrawn", "expelled"):
        # Founding members: they signed the alliance agreement, 第八条(二).
        row = {k: v for k, v in fields.items() if k != "application_statement"}
        row.update(status="active", joined_on="2024-05-20")
        [unit] = services.member_import(actor=sec, alliance=alliance, rows=[row])
        return unit
    applied_on = timezone.localdate() - timedelta(days=40 - index * 5)
    return services.member_apply(actor=sec, alliance=alliance, applied_on=applied_on, **fields)


def _advance_to_review(ctx, unit):
    if unit.status == Status.APPLIED:
        services.member_review_start(actor=ctx.user("sec"), alliance=ctx.alliance, unit=unit)


def _put_to_council(ctx, unit, *, votes, close) -> MemberUnit:
    unit.refresh_from_db()
    if unit.status == Status.UNDER_REVIEW and not unit.pending_motion_id:
        unit = services.member_submit_for_admission(
            actor=ctx.user("sec"), alliance=ctx.alliance, unit=unit, closes_at=timezone.now() + timedelta(days=5),
        )
        motion = Motion.objects.get(pk=unit.pending_motion_id)
        for who, choice in zip(COUNCIL, votes):
            governance.vote_cast(actor=ctx.user(who), alliance=ctx.alliance, motion=motion, choice=choice)
        if close:
            governance.motion_close(actor=ctx.user("sec"), alliance=ctx.alliance, motion=motion)
        unit.refresh_from_db()
    return unit


def _admit_and_sign(ctx, unit):
    sec, alliance = ctx.user("sec"), ctx.alliance
    _advance_to_review(ctx, unit)
    unit = _put_to_council(ctx, unit, votes=["for"] * 5, close=True)
    if unit.status == Status.ADMITTED:
        unit = services.member_sign_accession(actor=ctx.user("chair"), alliance=alliance, unit=unit,
                                              note="入盟协议一式两份，双方各执一份。")
        services.member_update(actor=sec, alliance=alliance, unit=unit, phone="0532-86669999",
                               contact_person="孙晓丽（联盟事务专员）")


def _withdraw(ctx, unit):
    sec, alliance = ctx.user("sec"), ctx.alliance
    if unit.status == Status.ACTIVE:
        unit = services.member_withdraw_request(actor=sec, alliance=alliance, unit=unit,
                                                reason="学校专业结构调整，不再承担联盟研发任务。",
                                                effective_on=timezone.localdate())
    if unit.status == Status.WITHDRAWING:
        services.member_withdraw_complete(actor=sec, alliance=alliance, unit=unit)


def _expel(ctx, unit):
    sec, alliance = ctx.user("sec"), ctx.alliance
    if unit.status == Status.ACTIVE and not unit.pending_motion_id:
        case = services.member_expel_propose(
            actor=sec, alliance=alliance, unit=unit, grounds="ip_revenue_sharing",
            statement="在联盟项目成果许可中未按项目知识产权协议向其他参与单位分配许可收益。",
            evidence="项目知识产权协议第7条；许可合同及收款凭证；审计报告（2026年第12号）。",
            closes_at=timezone.now() + timedelta(days=5),
        )
        motion = Motion.objects.get(pk=case.motion_id)
        for who in COUNCIL:
            governance.vote_cast(actor=ctx.user(who), alliance=alliance, motion=motion, choice="for")
        governance.motion_close(actor=sec, alliance=alliance, motion=motion)
