"""Demo ledger: a year of entries through the services — contributions committed and received, a
government grant restricted to a project, project expenses, office costs, a bank loan, a reversal,
and the first half-year closed. Idempotent: every step looks for what it made before."""

import datetime
from decimal import Decimal

from djmoney.money import Money

from finance import chart, services
from finance.models import Commitment, JournalEntry, Period
from projects.models import Project


def cny(amount) -> Money:
    return Money(Decimal(amount), "CNY")


# Per alliance: the government-funded project's title and what its expenses bought.
THEMES = {
    "ocean-equipment": ("关键装备智能感知与控制技术联合攻关", (
        "传感器样机材料采购", "水下测试平台设备购置", "项目研发人员劳务费", "海上试验检测费", "控制算法外协开发",
        "项目研发人员劳务费（第二批）", "项目中期评审会议费", "第三方可靠性测试")),
    "biomed": ("创新药物临床前研究公共技术平台建设", (
        "实验试剂与耗材采购", "细胞培养与分析设备购置", "项目研发人员劳务费", "GLP动物实验检测费", "药效评价委托研究",
        "项目研发人员劳务费（第二批）", "项目中期评审会议费", "第三方质量检测")),
}


def theme(ctx):
    return THEMES.get(ctx.alliance.slug, THEMES["ocean-equipment"])


def demo_project(ctx) -> Project:
    """The government-funded demo project. The projects app owns projects; until its demo creates
    this one through its services, a bare row is made here (idempotent, looked up by code)."""
    code = f"{ctx.alliance.code}-2025-G01"
    project = Project.objects.filter(code=code).first()
    if project is None:
        project = Project.objects.create(
            alliance=ctx.alliance, code=code, title=theme(ctx)[0], lead_unit=ctx.units[0],
            status=Project.Status.IN_PROGRESS,
        )
    return project


def _post(ctx, description, make):
    """Record (by staff) and approve (by the secretary-general) once; later runs find it by description."""
    existing = JournalEntry.objects.filter(description=description).exclude(status=JournalEntry.Status.REJECTED).first()
    if existing is None:
        existing = make(description)
    if existing.status == JournalEntry.Status.RECORDED:
        existing = services.entry_approve(actor=ctx.user("sg"), alliance=ctx.alliance, entry=existing)
    return existing


def load(ctx):
    alliance, sec = ctx.alliance, ctx.user("sec")
    year = datetime.date.today().year - 1
    D = lambda m, d: datetime.date(year, m, d)  # noqa: E731
    services.chart_install(alliance)
    project = demo_project(ctx)
    general = services.fund_for(alliance=alliance, source="member_contribution")
    loan_fund = services.fund_for(alliance=alliance, source="loan")

    # Contributions: the chair unit 200k, council units 100k, ordinary members 50k a year.
    plan = [Decimal("200000")] + [Decimal("100000")] * 4 + [Decimal("50000")] * 4
    paid_share = [1, 1, 1, 1, Decimal("0.5"), Decimal("0.5"), 1, 1, 0]
    commitments = []
    for unit, amount in zip(ctx.units, plan):
        commitment = Commitment.objects.filter(member_unit=unit, year=year).first() or services.commitment_set(
            actor=sec, alliance=alliance, member_unit=unit, year=year, amount=cny(amount), committed_on=D(1, 15),
            note="依联盟协议第五条",
        )
        commitments.append(commitment)
    for index, (commitment, share) in enumerate(zip(commitments, paid_share)):
        if not share:
            continue
        amount = (commitment.amount.amount * Decimal(share)).quantize(Decimal("0.01"))
        _post(ctx, f"{commitment.member_unit.name} {year}年度出资到账",
              lambda text, c=commitment, a=amount, i=index: services.contribution_receive(
                  actor=sec, alliance=alliance, commitment=c, amount=cny(a), date=D(2 + i % 3, 10 + i), description=text))

    _post(ctx, "青岛银行流动资金贷款", lambda text: services.entry_record(
        actor=sec, alliance=alliance, date=D(3, 20), description=text, lines=[
            {"account": chart.BANK, "fund": loan_fund, "debit": cny(300000)},
            {"account": chart.SHORT_LOAN, "fund": loan_fund, "credit": cny(300000)},
        ]))

    _post(ctx, f"{project.code} 市科技计划项目财政资金拨付", lambda text: services.grant_receive(
        actor=sec, alliance=alliance, project=project, amount=cny(1500000), date=D(4, 18), description=text))

    expenses = zip(range(5, 13), ("materials", "equipment", "labour", "testing", "outsourcing", "labour", "conference", "testing"),
                   ("38600.00", "265000.00", "120000.00", "46500.00", "180000.00", "120000.00", "12800.00", "39200.00"),
                   theme(ctx)[1])
    for month, category, amount, text in expenses:
        _post(ctx, f"{project.code} {text}", lambda t, m=month, c=category, a=amount: services.project_expense_record(
            actor=sec, alliance=alliance, project=project, source="government", amount=cny(a), date=D(m, 25),
            description=t, category=c))

    for month in range(1, 13):
        _post(ctx, f"秘书处{month}月日常办公费用", lambda text, m=month: services.entry_record(
            actor=sec, alliance=alliance, date=D(m, 28), description=text, lines=[
                {"account": chart.EXPENSE_OFFICE, "fund": general, "debit": cny("12500.00"), "memo": "房租、水电、通讯"},
                {"account": chart.BANK, "fund": general, "credit": cny("12500.00")},
            ]))

    # A mistaken posting (booked twice) and its reversal, linked to it.
    wrong = _post(ctx, "秘书处9月会议费（重复录入）", lambda text: services.entry_record(
        actor=sec, alliance=alliance, date=D(9, 29), description=text, lines=[
            {"account": chart.EXPENSE_OFFICE, "fund": general, "debit": cny("6800.00"), "memo": "理事会会议"},
            {"account": chart.BANK, "fund": general, "credit": cny("6800.00")},
        ]))
    _post(ctx, f"冲销凭证 #{wrong.sequence}：重复录入", lambda text: services.entry_reverse(
        actor=sec, alliance=alliance, entry=wrong, date=D(10, 8), description=text))

    _post(ctx, "贷款利息", lambda text: services.entry_record(
        actor=sec, alliance=alliance, date=D(12, 21), description=text, lines=[
            {"account": chart.EXPENSE_FINANCING, "fund": loan_fund, "debit": cny("9450.00")},
            {"account": chart.BANK, "fund": loan_fund, "credit": cny("9450.00")},
        ]))

    for month in range(1, 7):
        if not Period.objects.filter(year=year, month=month, status=Period.Status.CLOSED).exists():
            services.period_close(actor=sec, alliance=alliance, year=year, month=month)
