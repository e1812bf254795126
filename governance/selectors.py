"""Reads shared by governance's API and pages."""

from django.db.models import Q, QuerySet

from alliances import access
from alliances.models import Role
from governance.models import Consultation


def consultations_visible_to(user, roles: set) -> QuerySet:
    """The secretariat and the bureau see every consultation; an expert only those they were asked
    in and not recused from; councillors and the chair also the closed ones (the summaries are
    council papers)."""
    queryset = Consultation.objects.all()
    if roles & access.SECRETARIAT or access.is_bureau_officer(user):
        return queryset
    visible = Q(invitations__expert=user, invitations__excluded=False)
    if roles & {Role.COUNCILLOR, access.CHAIR}:
        visible |= Q(status=Consultation.Status.CLOSED)
    return queryset.filter(visible).distinct()
