"""Demo data for the foundation: two alliances, their organs, seats, member units and people.

Idempotent: running it again finds what it made. Each domain app adds its own data in
`<app>/demo.py` (a `load(ctx)` function), called in order by `manage.py demo`.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django_scopes import scope

from alliances import services
from alliances.access import BUREAU_GROUP
from alliances.models import Alliance, Organ, Role, RoleGrant, Seat, User
from membership.models import MemberUnit
from membership.uscc import make_uscc

DEMO_PASSWORD = "demo-pass-2026"

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


# (name, kind, alliance role, standing)
ALLIANCES = {
    "ocean-equipment": {
        "name": "海洋装备产业技术创新战略联盟",
        "name_en": "Ocean Equipment Industrial Technology Innovation Strategic Alliance",
        "code": "OE",
        "technology_field": "海洋工程装备",
        "address": "青岛市崂山区海尔路1号",
        "units": [
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
    },
    "biomed": {
        "name": "生物医药产业技术创新战略联盟",
        "name_en": "Biomedicine Industrial Technology Innovation Strategic Alliance",
        "code": "BM",
        "technology_field": "生物医药",
        "address": "青岛市市北区辽阳西路100号",
        "units": [
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
    },
}


@dataclass
class DemoContext:
    alliance: Alliance
    admin: User
    users: dict[str, User] = field(default_factory=dict)
    units: list[MemberUnit] = field(default_factory=list)

    def user(self, suffix: str) -> User:
        return self.users[f"{self.alliance.slug}-{suffix}"]


def demo_user(username: str, display_name: str = "", email: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name or username, "email": email or f"{username}@demo.lianmeng.local"}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def platform_admin() -> User:
    admin = demo_user("admin", "平台管理员")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save()
    return admin


def bureau_officer() -> User:
    officer = demo_user("bureau", "市科技局 王科长")
    officer.groups.add(Group.objects.get_or_create(name=BUREAU_GROUP)[0])
    return officer


def _grant(admin, alliance, user, role, **kwargs):
    if not RoleGrant.objects.filter(user=user, role=role, revoked_at__isnull=True).exists():
        services.role_grant(actor=admin, alliance=alliance, user=user, role=role, **kwargs)


def load_alliance(slug: str, admin: User) -> DemoContext:
    spec = ALLIANCES[slug]
    alliance = Alliance.objects.filter(slug=slug).first()
    sg = demo_user(f"{slug}-sg", "秘书长")
    if alliance is None:
        alliance = services.alliance_create(
            actor=admin, name=spec["name"], name_en=spec["name_en"], slug=slug, code=spec["code"],
            technology_field=spec["technology_field"], secretary_general_email=sg.email,
        )
    ctx = DemoContext(alliance=alliance, admin=admin)
    with scope(alliance=alliance):
        serial_base = 1000 if slug == "ocean-equipment" else 2000
        for index, (name, kind, role, standing) in enumerate(spec["units"], start=1):
            unit = MemberUnit.objects.filter(name=name).first() or MemberUnit.objects.create(
                alliance=alliance, name=name, kind=kind, uscc=demo_uscc(kind, serial_base + index),
                alliance_role=role, standing=standing, status=MemberUnit.Status.ACTIVE,
                legal_representative="张" + "伟明华强军"[index % 5], address=spec["address"],
                contact_person="李" + "静敏丽娜芳"[index % 5], phone=f"0532-8{index:03d}{serial_base}",
                email=f"contact{index}@{slug}.demo.lianmeng.local",
            )
            ctx.units.append(unit)
        if alliance.host_unit_id is None:
            alliance.host_unit = ctx.units[0]
            alliance.responsible_entity = ctx.units[0]
            alliance.responsible_entity_scope = "经联盟成员书面授权，代表联盟对外签订协议、承担项目和接受政府资助。"
            alliance.address = spec["address"]
            alliance.contact_name = "秘书处"
            alliance.contact_phone = "0532-80000000"
            alliance.save()

        council_titles = [("理事长", True)] + [("理事", False)] * 4
        council = Organ.objects.get(kind=Organ.Kind.COUNCIL)
        if not council.seats.exists():
            for position, ((title, is_chair), unit) in enumerate(zip(council_titles, ctx.units[:5])):
                services.seat_create(actor=admin, alliance=alliance, organ_kind=Organ.Kind.COUNCIL, title=title,
                                     unit=unit, is_chair=is_chair, position=position)
            for position in range(3):
                services.seat_create(actor=admin, alliance=alliance, organ_kind=Organ.Kind.EXPERT_COMMITTEE,
                                     title="委员", position=position)
            services.seat_create(actor=admin, alliance=alliance, organ_kind=Organ.Kind.SECRETARIAT, title="秘书长")
            services.seat_create(actor=admin, alliance=alliance, organ_kind=Organ.Kind.SECRETARIAT, title="工作人员", position=1)

        council_seats = list(council.seats.order_by("position"))
        expert_seats = list(Seat.objects.filter(organ__kind=Organ.Kind.EXPERT_COMMITTEE).order_by("position"))
        people = {
            "sg": (sg, Role.SECRETARY_GENERAL, {}),
            "sec": (demo_user(f"{slug}-sec", "秘书处 刘干事"), Role.STAFF, {}),
            "chair": (demo_user(f"{slug}-chair", "理事长 陈"), Role.COUNCILLOR, {"seat": council_seats[0]}),
            "rep-1": (demo_user(f"{slug}-rep-1", "成员联系人 赵"), Role.REPRESENTATIVE, {"member_unit": ctx.units[5]}),
            "auditor": (demo_user(f"{slug}-auditor", "会计师事务所 孙"), Role.AUDITOR, {}),
        }
        for n in range(1, 5):
            people[f"council-{n}"] = (demo_user(f"{slug}-council-{n}", f"理事 {n}"), Role.COUNCILLOR, {"seat": council_seats[n]})
        for n in range(1, 4):
            affiliation = ctx.units[n] if n < 3 else None
            people[f"expert-{n}"] = (demo_user(f"{slug}-expert-{n}", f"专家 {n}"), Role.EXPERT,
                                     {"seat": expert_seats[n - 1], "member_unit": affiliation})
        for suffix, (user, role, extra) in people.items():
            _grant(admin, alliance, user, role, **extra)
            ctx.users[f"{slug}-{suffix}"] = user
    return ctx
