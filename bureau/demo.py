"""Demo data for the bureau: ocean-equipment recognised with its approved application (and a
pending annual report and rules filing); biomed applying with its application pending. Idempotent."""

import datetime

from django.utils import timezone

from alliances import demo as foundation_demo
from bureau import services
from bureau.models import Kind, Outcome, Submission

NARRATIVES = {
    "ocean-equipment": {
        "innovation_goals": (
            "近期（三年）：突破深海探测传感器、水下机器人作业控制、海工装备防腐与检测等关键共性技术，"
            "形成发明专利30项以上、行业标准3项；远期（五年）：建成海洋工程装备产业技术创新链，"
            "带动本市海工装备产业产值年均增长15%以上，培育3家以上国内领先的配套企业。"
        ),
        "industry_status": "海洋工程装备是国家战略性新兴产业，国际市场由欧美企业主导，国内产业规模快速增长。",
        "technology_trends": "深水化、智能化、绿色化是主要趋势；我市在核心传感器和控制系统方面与国际先进水平仍有差距。",
        "policy_fit": "符合国家海洋强国战略和《“双高”规划》确定的海洋经济重点领域。",
        "alliance_role": "集聚骨干企业、高校和科研机构，形成稳定的产学研合作关系，掌握自主知识产权核心技术。",
    },
    "biomed": {
        "innovation_goals": (
            "围绕创新药物、精准诊断和高端医疗器械，三年内完成5个候选药物的临床前研究，"
            "形成发明专利20项以上；五年内推动2个新药进入临床试验，建成公共技术服务平台。"
        ),
        "industry_status": "生物医药产业处于快速发展期，创新药和体外诊断市场持续扩大。",
        "technology_trends": "靶向药物、细胞治疗和分子诊断发展迅速；我市在临床转化和中试放大方面存在不足。",
        "policy_fit": "符合国家生物产业发展规划和我市战略性新兴产业布局。",
        "alliance_role": "整合企业、高校和医院资源，打通研发、临床与产业化链条。",
    },
}


def _first(kind: str, **filters):
    return Submission.objects.filter(kind=kind, **filters).order_by("id").first()


def _drafted(ctx, kind: str, title: str, payload=None, **narrative) -> Submission:
    submission = _first(kind, title=title)
    if submission is None:
        submission = services.approval_request(actor=ctx.user("sec"), alliance=ctx.alliance, kind=kind, title=title,
                                               payload=payload)
    if submission.is_editable and narrative:
        submission = services.submission_edit(actor=ctx.user("sec"), alliance=ctx.alliance, submission=submission,
                                              **narrative)
    if submission.status == Submission.Status.DRAFT:
        submission = services.submission_submit(actor=ctx.user("sg"), alliance=ctx.alliance, submission=submission)
    return submission


def recognise(ctx) -> Submission | None:
    """The recognition application (附件1): ocean-equipment's approved, biomed's waiting. Idempotent.
    The projects demo calls it first: only a recognised alliance proposes projects to the bureau (第十七条)."""
    narrative = NARRATIVES.get(ctx.alliance.slug)
    if narrative is None:
        return None
    application = _drafted(
        ctx, Kind.RECOGNITION_APPLICATION, f"{ctx.alliance.name}认定申请书",
        form={"lead_unit": ctx.units[0].name, "supervising_department": "青岛市科学技术局", "postcode": "266000",
              "fax": "0532-80000001"},
        **narrative,
    )
    if ctx.alliance.slug == "ocean-equipment" and application.status == Submission.Status.SUBMITTED:
        services.submission_decide(
            actor=foundation_demo.bureau_officer(), submission=application, decision=Outcome.APPROVED,
            necessity_opinion="联盟技术创新目标明确，符合我市海洋经济重点领域，具备组建必要性和技术可行性。",
            necessity_office="市科技局高新技术处", necessity_date=datetime.date(2026, 3, 10),
            organisation_opinion="联盟协议具有法律约束力，组织机构健全，同意确认为市级联盟。",
            organisation_office="市科技局政策法规处", organisation_date=datetime.date(2026, 3, 20),
        )
    ctx.alliance.refresh_from_db()
    return application


def load(ctx) -> None:
    narrative = NARRATIVES.get(ctx.alliance.slug)
    if recognise(ctx) is None:
        return
    if ctx.alliance.slug == "ocean-equipment":
        last_year = timezone.localdate().year - 1
        _drafted(ctx, Kind.ANNUAL_REPORT, f"{last_year}年度报告", payload={"year": last_year},
                 body="本年度联盟运行平稳，成员单位稳定，重点项目按计划推进。")
        _drafted(ctx, Kind.RULES_FILING, "联盟项目管理办法备案",
                 body="根据第二十条，报送联盟承担各级科技计划项目配套的项目管理办法，包括组织管理体系、经费匹配及使用、"
                      "监督及责任追究、知识产权共享及分割等内容。")
    else:
        _drafted(ctx, Kind.NECESSITY_STATEMENT, f"{ctx.alliance.name}组建必要性的说明",
                 **{k: v for k, v in narrative.items() if k != "innovation_goals"})
