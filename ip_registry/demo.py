"""Demo data of the IP register: background and foreground assets, licences of every kind, a pending
foreign licence (when a government-funded project exists) and distributed revenue. Idempotent."""

from datetime import date
from decimal import Decimal

from djmoney.money import Money

from finance import services as finance_services
from finance.models import JournalEntry
from ip_registry import services
from ip_registry.models import IPAsset, RevenueReceipt
from projects.models import Project

D = Decimal

# Per alliance: three background assets, then the licence fields and parties of the story.
THEMES = {
    "ocean-equipment": {
        "assets": [
            ("一种深海耐压壳体结构", "invention_patent", {"application_number": "CN202210345678.1",
             "patent_number": "ZL202210345678.1", "grant_date": date(2024, 3, 8), "status": "granted"},
             date(2022, 3, 15), [(0, D(100))]),
            ("水下声学定位系统软件V2.0", "software_copyright", {"registration_number": "2023SR0456789",
             "status": "granted", "grant_date": date(2023, 6, 1)}, date(2023, 5, 10), [(1, D(60)), (2, D(40))]),
            ("海洋平台重防腐涂层配方", "technical_secret", {"status": "in_force"}, date(2021, 9, 1), [(3, D(100))]),
        ],
        "fields": ("海洋监测浮标", "深海传感器研发", "港口导航", "港口机械定位", "海上风电运维"),
        "outside": ("广州海事仪器有限公司", "青岛海洋工程技术中心（联盟外）", "Nordic Subsea Robotics AS"),
    },
    "biomed": {
        "assets": [
            ("一种靶向PD-L1的单克隆抗体及其制备方法", "invention_patent", {"application_number": "CN202110765432.X",
             "patent_number": "ZL202110765432.X", "grant_date": date(2023, 11, 2), "status": "granted"},
             date(2021, 7, 20), [(0, D(100))]),
            ("基因测序数据分析软件V3.1", "software_copyright", {"registration_number": "2023SR0987654",
             "status": "granted", "grant_date": date(2023, 8, 15)}, date(2023, 7, 1), [(1, D(55)), (2, D(45))]),
            ("重组人源化胶原蛋白发酵纯化工艺", "technical_secret", {"status": "in_force"}, date(2020, 5, 1), [(3, D(100))]),
        ],
        "fields": ("肿瘤免疫治疗", "抗体药物研发", "临床基因检测", "体外诊断试剂", "欧洲市场生产销售"),
        "outside": ("上海联康医药科技有限公司", "青岛生物技术公共服务平台（联盟外）", "Nordic Biologics AB"),
    },
}


def _asset(ctx, title, **kwargs):
    existing = IPAsset.objects.filter(title=title).first()
    return existing or services.asset_register(actor=ctx.user("sec"), alliance=ctx.alliance, title=title, **kwargs)


def _licence(ctx, asset, licensee, **kwargs):
    unit = licensee if not isinstance(licensee, str) else None
    name = licensee if isinstance(licensee, str) else ""
    existing = asset.licences.filter(kind=kwargs["kind"], licensee_unit=unit, licensee_name=name).first()
    return existing or services.licence_grant(
        actor=ctx.user("sec"), alliance=ctx.alliance, asset=asset, licensee_unit=unit, licensee_name=name, **kwargs
    )


def _receipt(ctx, licence, reference, **kwargs):
    if RevenueReceipt.objects.filter(licence=licence, reference=reference).exists():
        return
    receipt = services.receipt_record(actor=ctx.user("sec"), alliance=ctx.alliance, licence=licence,
                                      reference=reference, **kwargs)
    # The secretary-general approves (posts) the ledger entry the staff member recorded.
    entry = JournalEntry.objects.get(pk=receipt.journal_entry_id)
    finance_services.entry_approve(actor=ctx.user("sg"), alliance=ctx.alliance, entry=entry)


def load(ctx):
    units = ctx.units
    theme = THEMES.get(ctx.alliance.slug, THEMES["ocean-equipment"])
    fields, outside = theme["fields"], theme["outside"]
    assets = []
    for title, kind, details, filed, owners in theme["assets"]:
        assets.append(_asset(
            ctx, title, kind=kind, origin="background", filing_date=filed, **details,
            owners=[(units[i], "", share) for i, share in owners],
        ))
    patent, software, secret = assets

    # Licences of each kind, and members' free R&D use (附件2 §7).
    exclusive = _licence(ctx, patent, units[5], kind="exclusive", territory="city", field_of_use=fields[0],
                         start=date(2025, 1, 1), end=date(2029, 12, 31), royalty_kind="lump_sum",
                         royalty_amount=Money("200000.00", "CNY"))
    _licence(ctx, patent, units[4], kind="non_exclusive", territory="city", field_of_use=fields[1],
             start=date(2025, 3, 1), free_internal_rd=True)
    sole = _licence(ctx, software, outside[0], kind="sole", territory="domestic", licensee_region="domestic", field_of_use=fields[2],
                    start=date(2024, 7, 1), end=date(2027, 6, 30), royalty_kind="percentage", royalty_rate=D("4.5"))
    _licence(ctx, software, units[6], kind="non_exclusive", territory="city", field_of_use=fields[3],
             start=date(2025, 2, 1), end=date(2026, 12, 31), royalty_kind="per_unit", royalty_amount=Money("35.00", "CNY"))
    _licence(ctx, secret, units[8], kind="non_exclusive", territory="domestic", start=date(2024, 1, 1),
             end=date(2026, 12, 31), royalty_kind="lump_sum", royalty_amount=Money("50000.00", "CNY"))

    # Revenue: shared by the ownership of the day received, after cost recovery.
    _receipt(ctx, exclusive, "DEMO-BANK-2026-0107", received_on=date(2026, 1, 7), gross=Money("200000.00", "CNY"),
             cost_recovery=Money("12000.00", "CNY"))
    _receipt(ctx, sole, "DEMO-BANK-2026-0115", received_on=date(2026, 1, 15), gross=Money("86543.21", "CNY"))

    # Foreground IP comes from alliance projects: register a result for a project that has none yet
    # (the projects app registers its accepted results itself).
    underway = [Project.Status.IN_PROGRESS, Project.Status.ACCEPTANCE_REQUESTED, Project.Status.ACCEPTED, Project.Status.CLOSED]
    project = (
        Project.objects.filter(status__in=underway)
        .exclude(pk__in=IPAsset.objects.filter(origin="foreground").values("project_id")).order_by("pk").first()
    )
    # Once only: a second run must not pick the next project without IP.
    already = IPAsset.objects.filter(origin="foreground", title__endswith="：阶段成果").exists()
    if project is not None and not already:
        # 第十六条(一): the results belong to the project's undertaking units.
        takers = [p.unit for p in project.participants.order_by("pk")][:2] or [project.lead_unit]
        shares = [D(70), D(30)] if len(takers) == 2 else [D(100)]
        _asset(ctx, f"{project.title}：阶段成果", kind="utility_model", origin="foreground", project=project,
               filing_date=date(2025, 4, 1), owners=[(unit, "", share) for unit, share in zip(takers, shares)])

    # 第十六条(四): an exclusive foreign licence of government-funded IP waits for the bureau.
    for asset in IPAsset.objects.filter(origin="foreground").select_related("project"):
        if services.asset_is_government_funded(asset) and asset.status not in services.DEAD_ASSET:
            if not asset.licences.filter(territory="foreign", kind="exclusive").exists():
                _licence(ctx, asset, outside[2], kind="exclusive", territory="foreign", licensee_region="foreign",
                         field_of_use=fields[4], start=date(2026, 1, 1), end=date(2030, 12, 31),
                         royalty_kind="percentage", royalty_rate=D("5"))
            break
