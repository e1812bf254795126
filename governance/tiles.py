from django.urls import reverse
from django.utils.translation import gettext as _

from alliances import access
from alliances.dashboard import Tile
from governance.models import EligibleSeat, Motion, Resolution


def motions_tile(request, alliance) -> Tile | None:
    """Councillors: motions waiting for their vote; others: open motions and resolutions this year."""
    url = reverse("governance:motions", kwargs={"slug": alliance.slug})
    roles = access.roles_of(request.user, alliance)
    if "councillor" in roles:
        waiting = EligibleSeat.objects.filter(
            holder=request.user, recused=False, voted_at__isnull=True, motion__status=Motion.Status.OPEN
        ).count()
        return Tile(title=_("待我表决"), value=str(waiting), url=url)
    open_count = Motion.objects.filter(status=Motion.Status.OPEN).count()
    resolutions = Resolution.objects.count()
    return Tile(title=_("表决中的议案"), value=str(open_count), url=url, note=_("决议 %(n)d 项") % {"n": resolutions})
