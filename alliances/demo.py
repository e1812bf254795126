"""Demo data for the foundation: two alliances, their organs, seats, member units and people.

Idempotent: running it again finds what it made. The core names no domain app: each installed app
may add to the demo in its `<app>/demo.py`, found like Django's admin autodiscovery, in
INSTALLED_APPS order (later apps build on earlier apps' data):
- `found(ctx)`: the alliance's founding member units, returned as a list (membership); called by
  `load_alliance` before the organs are staffed, since council seats and representatives need units;
- `load(ctx)`: the app's own demo records, called by `manage.py demo` once every alliance is founded.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils.module_loading import module_has_submodule
from django_scopes import scope

from alliances import services
from alliances.access import BUREAU_GROUP
from alliances.models import Alliance, Organ, Role, RoleGrant, Seat, User

DEMO_PASSWORD = "demo-pass-2026"

ALLIANCES = {
    "ocean-equipment": {
        "name": "海洋装备产业技术创新战略联盟",
        "name_en": "Ocean Equipment Industrial Technology Innovation Strategic Alliance",
        "code": "OE",
        "technology_field": "海洋工程装备",
        "address": "青岛市崂山区海尔路1号",
    },
    "biomed": {
        "name": "生物医药产业技术创新战略联盟",
        "name_en": "Biomedicine Industrial Technology Innovation Strategic Alliance",
        "code": "BM",
        "technology_field": "生物医药",
        "address": "青岛市市北区辽阳西路100号",
    },
}


@dataclass
class DemoContext:
    alliance: Alliance
    admin: User
    users: dict[str, User] = field(default_factory=dict)
    units: list = field(default_factory=list)  # the founding member units (membership.demo.found)

    def user(self, suffix: str) -> User:
        return self.users[f"{self.alliance.slug}-{suffix}"]


def app_demos(name: str):
    """The demo functions called `name` of the installed apps that define one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            fn = getattr(import_module(f"{config.name}.demo"), name, None)
            if fn is not None:
                yield fn


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
        for found in app_demos("found"):
            ctx.units.extend(found(ctx))
        if alliance.host_unit_id is None:
            alliance.host_unit = ctx.units[0]
            alliance.responsible_entity = ctx.units[0]
            alliance.responsible_entity_scope = "经联盟成员书面授权，代表联盟对外签订协议、承担项目和接受政府资助。"
            alliance.address = spec["address"]
            alliance.contact_name = "刘洋"  # 附件1 asks for a person
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
        # Forms print the chair's person name (姓名), not the account's display name.
        User.objects.filter(pk=people["chair"][0].pk, last_name="").update(last_name="陈", first_name="海明")
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
