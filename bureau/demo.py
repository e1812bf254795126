"""Demo data for the bureau: its offices and officers; ocean-equipment recognised through the staged
review (confirmed, published in a list, filed with 科技部) with a pending annual report; biomed applying,
its application part-way (passed by its 业务处室, waiting for 综合处室). Idempotent."""

from django.utils import timezone

from alliances import demo as foundation_demo
from alliances.access import BUREAU_GROUP
from bureau import services
from bureau.models import Kind, Submission
from bureau.review import services as review_services
from bureau.review.models import Office, OfficeMembership, PublishedList, Review, ReviewExpert, Stage
from governance.agreement import demo as agreement_demo

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


OFFICES = [  # (office, kind, field, [(user key, display name, role)])
    ("高新技术处", Office.Kind.BUSINESS, "海洋工程装备", [("bureau-hitech", "高新技术处 张科员", "officer")]),
    ("社会发展处", Office.Kind.BUSINESS, "生物医药", [("bureau-social", "社会发展处 李科员", "officer")]),
    ("综合处", Office.Kind.GENERAL, "", [("bureau-general", "综合处 赵科员", "officer")]),
    ("政策法规处", Office.Kind.POLICY, "", [("bureau", "市科技局 王科长", "head")]),
    ("综合计划处", Office.Kind.PLANNING, "", [("bureau-planning", "综合计划处 孙科员", "officer")]),
    ("条件财务处", Office.Kind.FINANCE, "", [("bureau-finance", "条件财务处 周科员", "officer")]),
]
EXPERTS = [("review-expert-1", "复核专家 陈教授", "中国海洋大学"), ("review-expert-2", "复核专家 吴研究员", "青岛市科学技术信息研究院")]


def offices() -> dict:
    """The bureau's offices, their officers (bureau group members) and its pool of re-review experts."""
    group = foundation_demo.bureau_officer().groups.get(name=BUREAU_GROUP)
    users = {}
    for name, kind, field, members in OFFICES:
        office, _created = Office.objects.get_or_create(name=name, defaults={"kind": kind, "field": field})
        for key, display, role in members:
            user = users[key] = foundation_demo.demo_user(key, display)
            user.groups.add(group)
            OfficeMembership.objects.get_or_create(office=office, user=user, defaults={"role": role})
    for key, display, employer in EXPERTS:
        user = users[key] = foundation_demo.demo_user(key, display)
        ReviewExpert.objects.get_or_create(user=user, defaults={"employer": employer})
    return users


def package(ctx) -> None:
    """第八条、第九条: the agreement, the fund rules filed and the necessity statement (附件3) before applying."""
    narrative = NARRATIVES[ctx.alliance.slug]
    if not ctx.alliance.agreement_text:
        ctx.alliance.agreement_text = f"{ctx.alliance.name}协议：成员单位法定代表人共同签署，明确技术创新目标与任务分工。"
        ctx.alliance.save(update_fields=["agreement_text"])
    # The application carries the agreement in force (signed by every party): the projects demo runs this
    # without the governance demo, so the founding version is signed here too (idempotent).
    agreement_demo.sign_founding(ctx)
    _drafted(ctx, Kind.RULES_FILING, "联盟经费管理办法备案",
             body="根据第八条（五），报送联盟经费内部管理办法及经费使用内部监督机制。")
    statement = _first(Kind.NECESSITY_STATEMENT)
    if statement is None:
        statement = services.approval_request(actor=ctx.user("sec"), alliance=ctx.alliance,
                                              kind=Kind.NECESSITY_STATEMENT, title=f"{ctx.alliance.name}组建必要性的说明")
        services.submission_edit(actor=ctx.user("sec"), alliance=ctx.alliance, submission=statement,
                                 **{k: v for k, v in narrative.items() if k != "innovation_goals"})


def advance(users, review, until: str) -> None:
    """Drive `review` through the stages up to `until` (the demo's own officers and experts)."""
    decide = review_services.stage_decide
    steps = [
        (Stage.BUSINESS, lambda: decide(actor=users["bureau-social" if review.business_office.field == "生物医药"
                                                     else "bureau-hitech"], review=review, outcome="passed",
                                        opinion="联盟技术创新目标明确，符合我市重点领域，具备组建必要性和技术可行性。")),
        (Stage.GENERAL, lambda: decide(actor=users["bureau-general"], review=review, outcome="passed",
                                       opinion="组织机构健全，决策与执行机制有效，组织形式符合要求。")),
        (Stage.EXPERT, lambda: _expert_stage(users, review)),
        (Stage.CONFIRMATION, lambda: review_services.recognition_confirm(
            actor=users["bureau"], review=review, opinion="经研究，确认为市级产业技术创新战略联盟。")),
    ]
    for stage, step in steps:
        review.refresh_from_db()
        if stage == until:
            return
        if review.stage == stage:
            step()


def _expert_stage(users, review) -> None:
    for key in ("review-expert-1", "review-expert-2"):
        invitation = review_services.expert_invite(actor=users["bureau"], review=review, expert=users[key])
        review_services.expert_opinion(actor=users[key], invitation=invitation,
                                       binding_opinion="协议经全体成员单位法定代表人签署，具有法律约束力。",
                                       goals_opinion="近期、远期目标明确，任务分工落实到成员单位。",
                                       item7_opinion="符合第八条第七项的规定。")
    for key in ("bureau-planning", "bureau-finance"):
        review_services.stage_decide(actor=users[key], review=review, outcome="passed", opinion="同意复核结论。")
    review_services.stage_decide(actor=users["bureau"], review=review, outcome="passed",
                                 opinion="专家复核通过第十二条所列三项内容。")


def _publish_and_file(users, review) -> None:
    review.refresh_from_db()
    if review.stage == Stage.CONFIRMED:
        published = PublishedList.objects.filter(number="青科字〔2026〕1号").first()
        if published is None:
            review_services.list_publish(
                actor=users["bureau"], title="2026年第一批市级产业技术创新战略联盟名单", number="青科字〔2026〕1号",
                published_on=timezone.localdate(), notice="根据《青岛市产业技术创新战略联盟构建与发展管理办法》第十三条，"
                "现将经确认的市级产业技术创新战略联盟名单予以公布。", reviews=[review])
        review.refresh_from_db()
    if review.stage == Stage.PUBLISHED:
        review_services.filing_record(actor=users["bureau"], review=review, filed_on=timezone.localdate(),
                                      reference="青科字〔2026〕备1号")


def recognise(ctx) -> Submission | None:
    """The recognition application (附件1): ocean-equipment's through every stage, biomed's at 综合处室.
    Idempotent. The projects demo calls it first: only a recognised alliance proposes projects to the
    bureau (第十七条)."""
    narrative = NARRATIVES.get(ctx.alliance.slug)
    if narrative is None:
        return None
    users = offices()
    package(ctx)
    application = _drafted(
        ctx, Kind.RECOGNITION_APPLICATION, f"{ctx.alliance.name}认定申请书",
        form={"lead_unit": ctx.units[0].name, "supervising_department": "青岛市科学技术局", "postcode": "266000",
              "fax": "0532-80000001"},
        **narrative,
    )
    # None: submitted before the bureau set up its offices (decided in one step, as before)
    review = Review.objects.filter(submission=application).first()
    if review is not None:
        advance(users, review, until="" if ctx.alliance.slug == "ocean-equipment" else Stage.GENERAL)
        if ctx.alliance.slug == "ocean-equipment":
            _publish_and_file(users, review)
    ctx.alliance.refresh_from_db()
    application.refresh_from_db()
    return application


def load(ctx) -> None:
    if recognise(ctx) is None:
        return
    if ctx.alliance.slug == "ocean-equipment":
        last_year = timezone.localdate().year - 1
        _drafted(ctx, Kind.ANNUAL_REPORT, f"{last_year}年度报告", payload={"year": last_year},
                 body="本年度联盟运行平稳，成员单位稳定，重点项目按计划推进。")
        _drafted(ctx, Kind.RULES_FILING, "联盟项目管理办法备案",
                 body="根据第二十条，报送联盟承担各级科技计划项目配套的项目管理办法，包括组织管理体系、经费匹配及使用、"
                      "监督及责任追究、知识产权共享及分割等内容。")
    else:  # its necessity statement goes to the bureau (the application is already in review)
        _drafted(ctx, Kind.NECESSITY_STATEMENT, f"{ctx.alliance.name}组建必要性的说明")
