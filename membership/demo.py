"""Membership demo data. `found`: each alliance's nine founding member units (called by the
foundation's demo). `load`: applicants, an admitted-and-active member with its history, a withdrawn
member and an expelled (and barred) one. Made through the services, with real council votes;
idempotent (units are found by their codes and only moved forward).

`load` makes new units only: the founding units (ctx.units) and their council seats are left alone.
"""

from datetime import timedelta

from django.utils import timezone

from alliances.demo import ALLIANCES
from governance import services as governance
from governance.models import Motion
from membership import services
from membership.models import ApplicationForm, MemberUnit
from membership.uscc import make_uscc

Status = MemberUnit.Status

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ALPHANUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def organisation_code(first8: str) -> str:
    """GB 11714 organisation code: 8 characters and their check character."""
    total = sum(ALPHANUM.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return first8 + {10: "X", 11: "0"}.get(check, str(check))


def demo_uscc(kind: str, serial: int, division: str = "370200") -> str:
    prefix = {"enterprise": "91", "university": "12", "institute": "12", "other": "51"}[kind]
    return make_uscc(prefix + division + organisation_code(f"{serial:08d}"))


# The founding members of each demo alliance, made by `found` (alliances.demo.load_alliance calls it
# before it staffs the organs): (name, kind, alliance role, standing); serials 1000+ and 2000+.
FOUNDING_UNITS = {
    "ocean-equipment": [
        ("青岛海洋装备集团有限公司", "enterprise", "chair", "国内海洋工程装备龙头企业"),
        ("中国海洋大学", "university", "council", "海洋科学领域国家重点高校"),
        ("青岛海洋科学与技术研究院", "institute", "council", "国家级海洋科研机构"),
        ("山东船舶重工股份有限公司", "enterprise", "vice_chair", "省内最大船舶配套企业"),
        ("青岛科技大学", "university", "council", "机电与材料学科优势高校"),
        ("青岛深蓝传感技术有限公司", "enterprise", "ordinary", "水下传感器细分领域领先"),
        ("青岛港湾机械研究所", "institute", "ordinary", "港口机械专业研究所"),
        ("青岛市海洋产业促进会", "other", "ordinary", "市级海洋产业行业组织"),
        ("青岛海工检测服务有限公司", "enterprise", "ordinary", "海工装备第三方检测机构"),
    ],
    "biomed": [
        ("青岛华康生物制药股份有限公司", "enterprise", "chair", "国内创新药骨干企业"),
        ("青岛大学", "university", "council", "医学学科综合性大学"),
        ("青岛生物医药研究院", "institute", "council", "省级生物医药研发平台"),
        ("山东海洋药业有限公司", "enterprise", "vice_chair", "海洋药物领军企业"),
        ("青岛医学院附属研究所", "institute", "council", "临床转化研究机构"),
        ("青岛精准诊断科技有限公司", "enterprise", "ordinary", "体外诊断新锐企业"),
        ("青岛农业大学", "university", "ordinary", "生物技术学科特色高校"),
        ("青岛市医药行业协会", "other", "ordinary", "市级医药行业组织"),
        ("青岛康源医疗器械有限公司", "enterprise", "ordinary", "医疗器械生产企业"),
    ],
}


def found(ctx) -> list[MemberUnit]:
    """The alliance's nine founding member units, all active (found by name when they exist)."""
    slug = ctx.alliance.slug
    serial_base = 1000 if slug == "ocean-equipment" else 2000
    units = []
    for index, (name, kind, role, standing) in enumerate(FOUNDING_UNITS[slug], start=1):
        unit = MemberUnit.objects.filter(name=name).first() or MemberUnit.objects.create(
            alliance=ctx.alliance, name=name, kind=kind, uscc=demo_uscc(kind, serial_base + index),
            alliance_role=role, standing=standing, status=Status.ACTIVE,
            legal_representative="张" + "伟明华强军"[index % 5], address=ALLIANCES[slug]["address"],
            contact_person="李" + "静敏丽娜芳"[index % 5], phone=f"0532-8{index:03d}{serial_base}",
            email=f"contact{index}@{slug}.demo.lianmeng.local",
        )
        units.append(unit)
    return units

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
