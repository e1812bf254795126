from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from alliances import access
from alliances.models import Alliance

# (url name, label, roles that see it; None = everyone with access). Names that do not exist yet are skipped.
ALLIANCE_NAV = [
    ("alliances:dashboard", _("概览"), None),
    ("membership:list", _("成员单位"), None),
    ("governance:motions", _("议案表决"), None),
    ("governance:meetings", _("会议"), access.SECRETARIAT | {"councillor"}),
    ("governance:consultations", _("专家咨询"), access.SECRETARIAT | {"expert"}),
    ("finance:home", _("财务"), access.SECRETARIAT | {"auditor", "representative"}),
    ("projects:list", _("项目"), None),
    ("ip_registry:list", _("知识产权"), None),
    ("bureau_alliance:submissions", _("报送"), access.SECRETARIAT),
    ("alliances:people", _("人员与角色"), access.SECRETARIAT),
    ("alliances:outbox", _("未送达邮件"), access.SECRETARIAT),
    ("alliances:jobs", _("后台任务"), access.SECRETARIAT),
    ("alliances:activity", _("活动日志"), access.ACTIVITY_READERS),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    alliance = getattr(request, "alliance", None)
    my_alliances = Alliance.objects.filter(pk__in=access.alliances_of(user))
    items = []
    if alliance is not None and access.can_view_alliance(user, alliance):
        roles = access.roles_of(user, alliance)
        for name, label, needed in ALLIANCE_NAV:
            if needed is not None and not roles & set(needed):
                continue
            try:
                items.append({"url": reverse(name, kwargs={"slug": alliance.slug}), "label": label,
                              "active": request.path.startswith(reverse(name, kwargs={"slug": alliance.slug})) and name != "alliances:dashboard"})
            except NoReverseMatch:
                continue
    return {
        "nav_items": items,
        "my_alliances": my_alliances,
        "current_alliance": alliance,
        "current_roles": access.roles_of(user, alliance) if alliance else frozenset(),
        "is_bureau_officer": access.is_bureau_officer(user),
    }
