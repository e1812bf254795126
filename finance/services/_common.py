"""Constants shared by the finance services."""

from decimal import Decimal

from alliances.models import Role


CENT = Decimal("0.01")
ZERO = Decimal(0)
APPROVER_ROLES = (Role.STAFF, Role.SECRETARY_GENERAL)
RECORDER_ROLES = (Role.STAFF, Role.SECRETARY_GENERAL)
