"""A vacated council seat is never filled again, even when the caller holds a copy of the seat read
before it was vacated (two requests at once: an appointment and the unit's departure)."""

import pytest
from django_scopes import scope

from alliances import services
from alliances.demo import demo_user
from alliances.errors import ValidationFailed
from alliances.models import Role, RoleGrant, Seat


def test_appointment_to_a_seat_vacated_meanwhile_is_refused(oe):
    unit = oe.units[4]
    with scope(alliance=oe.alliance):
        seat = Seat.objects.get(unit=unit)  # read by the appointment request...
        grant = RoleGrant.objects.get(seat=seat, revoked_at__isnull=True)
    services.role_revoke(actor=oe.admin, alliance=oe.alliance, grant=grant)
    services.unit_seats_vacate(actor=oe.admin, alliance=oe.alliance, unit=unit)  # ...then the unit leaves
    newcomer = demo_user("ocean-equipment-newcomer", "新任理事")
    with pytest.raises(ValidationFailed):
        services.role_grant(actor=oe.admin, alliance=oe.alliance, user=newcomer, role=Role.COUNCILLOR, seat=seat)
    with scope(alliance=oe.alliance):
        assert not RoleGrant.objects.filter(seat=seat, revoked_at__isnull=True).exists()
        assert not RoleGrant.objects.filter(user=newcomer).exists()
