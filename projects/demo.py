"""Demo projects at several stages, built through the services (and governance, bureau, finance, IP):

- P01 a draft whose IP agreement is still incomplete;
- P02 under expert review;
- P03 an ordinary project in progress, with a reported milestone and an expense;
- P04 a government programme waiting for the bureau (only in a recognised alliance);
- P05 a government programme (an internal project where the alliance is not recognised), approved,
  funded, executed, accepted, with its results registered in the IP register under the agreement's shares.

Idempotent: a project whose code exists is left alone; each project is built in one transaction.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from projects import services
from projects.models import BudgetLine, Project


# Per alliance: what its projects are about, the same stages and counts for each.
THEMES = {
    "ocean-equipment": {
        "lead_tasks": "总体方案设计、系统集成与项目管理",
        "milestones": ("总体方案评审", "关键部件样机", "系统联调与海上试验"),
        "P01": ("海上风电运维机器人关键技术", 3, [(4, "机械臂与控制算法"), (6, "运维工艺验证")], ("完成样机设计", "形成运维机器人产品")),
        "P02": ("海洋牧场水质在线监测系统", 2, [(5, "传感器研制"), (7, "示范应用")], ("建成示范点", "推广至全市海洋牧场")),
        "P03": ("船舶涂层防腐新材料", 4, [(3, "涂装工艺"), (8, "检测评价")], ("完成中试", "实现规模化应用")),
        "P03_spend": "涂层盐雾试验",
        "P04": ("港口起重装备远程运维平台", 0, [(6, "起重机械状态监测"), (8, "平台测试")], ("平台上线", "覆盖全市主要港口")),
        "P05": ("深海观测传感器阵列研制", 0, [(1, "敏感材料与传感机理研究"), (5, "水下测试与标定")],
                ("两年内完成千米级样机", "形成深海观测传感器系列产品")),
        "P05_spend": ("采购高压试验舱", "敏感材料试制", "水下标定试验"),
        "P05_deliverables": "千米级样机一套；发明专利申请2项；数据处理软件1套；验收报告",
        "P05_results": [("invention_patent", "一种深海压力传感器及其标定方法", "CN202610123456.7"),
                        ("invention_patent", "耐高压敏感薄膜的制备方法", ""),
                        ("software_copyright", "深海传感器阵列数据处理软件V1.0", "")],
    },
    "biomed": {
        "lead_tasks": "研究方案设计、关键技术攻关与项目管理",
        "milestones": ("研究方案评审", "候选分子与样品确定", "临床前研究与注册申报准备"),
        "P01": ("肿瘤早筛多重PCR检测试剂盒研制", 3, [(4, "引物探针设计与优化"), (6, "临床样本性能验证")],
                ("完成试剂盒原型", "取得第三类医疗器械注册证")),
        "P02": ("可降解冠脉药物洗脱支架研发", 2, [(5, "药物涂层缓释工艺"), (7, "动物植入实验评价")],
                ("完成注册检验", "进入多中心临床试验")),
        "P03": ("抗肿瘤抗体偶联药物临床前研究", 4, [(3, "偶联工艺与质量研究"), (8, "药效与毒理评价")],
                ("确定候选分子", "提交新药临床试验申请")),
        "P03_spend": "大鼠重复给药毒性试验",
        "P04": ("区域医学影像人工智能辅助诊断平台", 0, [(6, "影像数据标注"), (8, "临床验证")],
                ("平台上线", "覆盖全市三级医院")),
        "P05": ("PD-1/VEGF双特异性抗体新药研发", 0, [(1, "靶点机理与分子设计"), (5, "中试工艺与质量研究")],
                ("两年内完成候选药物临床前研究", "获得药物临床试验批准并实现成果转化")),
        "P05_spend": ("采购一次性生物反应器", "细胞培养基与检测试剂", "药效学与药代动力学试验"),
        "P05_deliverables": "候选药物分子1个；发明专利申请2项；药效数据分析软件1套；临床前研究总结报告",
        "P05_results": [("invention_patent", "一种抗PD-1/VEGF双特异性抗体及其应用", "CN202610234567.8"),
                        ("invention_patent", "双特异性抗体的层析纯化方法", ""),
                        ("software_copyright", "抗体药效评价数据分析软件V1.0", "")],
    },
}


def theme(ctx) -> dict:
    return THEMES.get(ctx.alliance.slug, THEMES["ocean-equipment"])


def _later(days):
    return timezone.now() + datetime.timedelta(days=days)


class Builder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.alliance = ctx.alliance
        self.sec = ctx.user("sec")
        self.today = timezone.localdate()
        self.theme = theme(ctx)

    def call(self, service, who=None, **kwargs):
        return service(actor=who or self.sec, alliance=self.alliance, **kwargs)

    def proposal(self, code, title, lead, others, *, government=False, complete_ip=True, budget=(), goals=("", "")):
        units = self.ctx.units
        project = self.call(services.project_create, code=code, title=title, lead_unit=units[lead],
                            goals_near=goals[0], goals_long=goals[1], government_programme=government,
                            lead_tasks=self.theme["lead_tasks"], start_date=self.today - datetime.timedelta(days=300),
                            end_date=self.today + datetime.timedelta(days=430))
        rows = [project.participants.get()]
        for index, tasks in others:
            rows.append(self.call(services.participant_add, project=project, unit=units[index], tasks=tasks))
        for category, source, amount, row in budget or [
            ("equipment", "government", "600000", 0), ("materials", "government", "200000", 1),
            ("testing", "member_contribution", "150000", len(rows) - 1), ("labour", "member_contribution", "120000", 0),
        ]:
            self.call(services.budget_line_add, project=project, category=category, source=source, amount=amount,
                      participant=rows[min(row, len(rows) - 1)])
        for days, text in zip((-200, -60, 200), self.theme["milestones"]):
            self.call(services.milestone_add, project=project, due=self.today + datetime.timedelta(days=days), description=text)
        if complete_ip:
            shares = [Decimal("60"), Decimal("30"), Decimal("10")][: len(rows)]
            shares[0] += Decimal("100") - sum(shares)
            self.call(services.ip_agreement_set, project=project, shares=list(zip(rows, shares)),
                      licensing="项目研发阶段联盟成员可无偿使用；产业化阶段在公平合理条件下优先许可联盟成员。",
                      revenue_sharing="许可及转让收益扣除维持费用后按权属份额分配。",
                      on_dissolution="联盟解散时按权属份额分割，已签许可继续有效。",
                      on_withdrawal="退出单位保留已取得的份额，不再参与后续成果分配，已许可的继续按原条件实施。")
        else:
            self.call(services.ip_agreement_set, project=project, shares=[(rows[0], Decimal("100"))], licensing="",
                      revenue_sharing="按份额分配", on_dissolution="", on_withdrawal="")
        return project

    # -- the other apps, driven as their own users would --

    def review(self, project, close=True):
        from governance import services as gov
        from governance.models import Consultation

        self.call(services.project_submit, project=project)
        project = self.call(services.project_review_open, project=project, experts=[self.ctx.user("expert-3")],
                            deadline=_later(14))
        if close:
            consultation = Consultation.objects.get(pk=project.review_consultation_id)
            gov.opinion_submit(actor=self.ctx.user("expert-3"), alliance=self.alliance, consultation=consultation,
                               stance="support", text="技术路线可行，任务分工清晰，知识产权约定明确，建议立项。", score=88)
            gov.consultation_close(actor=self.sec, alliance=self.alliance, consultation=consultation)
        return project

    def council(self, project):
        from governance import services as gov
        from governance.models import Motion

        project = self.call(services.project_council_refer, project=project, closes_at=_later(7))
        self.vote(Motion.objects.get(pk=project.approval_motion_id))
        return Project.objects.get(pk=project.pk)

    def vote(self, motion):
        from governance import services as gov

        for who in ("chair", "council-1", "council-2", "council-3", "council-4"):
            gov.vote_cast(actor=self.ctx.user(who), alliance=self.alliance, motion=motion, choice="for")
        gov.motion_close(actor=self.sec, alliance=self.alliance, motion=motion)

    def bureau(self, project, decide=True):
        from alliances.demo import bureau_officer
        from bureau import services as bureau
        from bureau.models import Submission

        project = self.call(services.project_bureau_refer, project=project)
        submission = Submission.objects.get(pk=project.bureau_submission_id)
        submission = bureau.submission_submit(actor=self.ctx.user("sg"), alliance=self.alliance, submission=submission)
        if decide:
            bureau.submission_decide(actor=bureau_officer(), submission=submission, decision="approved",
                                     necessity_opinion="符合市科技计划支持方向，同意立项。", necessity_office="市科技局")
        return Project.objects.get(pk=project.pk)

    def fund_and_spend(self, project, spends, receipts=(("government", "800000"), ("member_contribution", "270000"))):
        from finance import services as fin

        for source, amount in receipts:
            entry = fin.grant_receive(actor=self.sec, alliance=self.alliance, project=project, amount=Decimal(amount),
                                      date=self.today - datetime.timedelta(days=280), source=source,
                                      description=f"{project.code} 项目经费到账（{BudgetLine.Source(source).label}）")
            fin.entry_approve(actor=self.ctx.user("sg"), alliance=self.alliance, entry=entry)
        rows = list(project.participants.all())
        for category, source, amount, row, text in spends:
            expense = self.call(services.expense_record, project=project, category=category, source=source, amount=amount,
                                date=self.today - datetime.timedelta(days=30), description=text, participant=rows[row])
            from finance.models import JournalEntry

            fin.entry_approve(actor=self.ctx.user("sg"), alliance=self.alliance,
                              entry=JournalEntry.objects.get(pk=expense.journal_entry_id))

    def report(self, project, count=None):
        for milestone in list(project.milestones.filter(reported_at__isnull=True))[:count]:
            self.call(services.milestone_report, milestone=milestone, report=f"{milestone.description}已按计划完成，材料已归档。")


def load(ctx):
    b = Builder(ctx)
    code = ctx.alliance.code or "P"
    exists = set(Project.objects.filter(code__startswith=f"{code}-P").values_list("code", flat=True))
    def build(suffix, fn):
        if f"{code}-{suffix}" not in exists:
            with transaction.atomic():
                fn(f"{code}-{suffix}")

    t = b.theme

    def proposal(c, key, **kwargs):
        title, lead, others, goals = t[key]
        return b.proposal(c, title, lead, others, goals=goals, **kwargs)

    build("P01", lambda c: proposal(c, "P01", complete_ip=False))
    build("P02", lambda c: b.review(proposal(c, "P02"), close=False))

    def p03(c):
        project = b.council(b.review(proposal(c, "P03")))
        project = b.call(services.project_start, project=project)
        b.report(project, count=1)
        b.fund_and_spend(project, [("testing", "member_contribution", "23000", 2, t["P03_spend"])])

    build("P03", p03)
    from bureau import demo as bureau_demo

    bureau_demo.recognise(ctx)
    # Only a recognised alliance proposes programme projects to the bureau (第十七条): elsewhere P04 is
    # left out and P05 is an internal project funded by the members.
    recognised = ctx.alliance.status == "recognised"
    if recognised:
        build("P04", lambda c: b.bureau(b.council(b.review(proposal(c, "P04", government=True))), decide=False))

    def p05(c):
        source = "government" if recognised else "member_contribution"
        budget = [("equipment", source, "600000", 0), ("materials", source, "200000", 1),
                  ("testing", "member_contribution", "150000", 2), ("labour", "member_contribution", "120000", 0)]
        project = b.council(b.review(proposal(c, "P05", government=recognised, budget=budget)))
        if recognised:
            project = b.bureau(project)
            receipts = (("government", "800000"), ("member_contribution", "270000"))
        else:
            project = b.call(services.project_start, project=project)
            receipts = (("member_contribution", "1070000"),)
        equipment, materials, testing = t["P05_spend"]
        b.fund_and_spend(project, [("equipment", source, "420000", 0, equipment),
                                   ("materials", source, "150000", 1, materials),
                                   ("testing", "member_contribution", "80000", 2, testing)], receipts=receipts)
        b.report(project)
        b.call(services.acceptance_request, project=project, deliverables=t["P05_deliverables"])
        project = b.call(services.acceptance_review_open, project=Project.objects.get(pk=project.pk),
                         experts=[ctx.user("expert-3")], deadline=_later(10))
        from governance import services as gov
        from governance.models import Consultation

        consultation = Consultation.objects.get(pk=project.acceptance_consultation_id)
        gov.opinion_submit(actor=ctx.user("expert-3"), alliance=ctx.alliance, consultation=consultation, stance="support",
                           text="各项指标达到任务书要求，同意通过验收。", score=90)
        gov.consultation_close(actor=b.sec, alliance=ctx.alliance, consultation=consultation)
        b.call(services.acceptance_record, project=project, accepted=True,
               opinion="专家组一致认为项目完成了任务书规定的各项指标，同意通过验收。",
               results=[{"kind": kind, "title": title, **({"application_number": number} if number else {})}
                        for kind, title, number in t["P05_results"]])

    build("P05", p05)
