"""A generic foreign key's target is checked by `alliances.references` (a database system check),
since the database cannot: a reference to a missing row is reported, one that resolves is not."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from guardian.models import UserObjectPermission

from alliances.references import check_generic_references, dangling_generic_references
from governance import services
from governance.models import Motion

pytestmark = pytest.mark.django_db


def test_every_generic_reference_resolves_and_a_dangling_one_is_reported(oe):
    unit = oe.units[0]
    with scope(alliance=oe.alliance):
        motion = services.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="other", title="关于依托单位",
                                        body="", closes_at=timezone.now() + timedelta(days=2), subject=unit)
        seat = unit.seats.first()
    UserObjectPermission.objects.assign_perm(Permission.objects.get(codename="view_seat"), oe.user("chair"), obj=seat)
    assert dangling_generic_references() == []
    call_command("check", "--database", "default")

    with scopes_disabled():
        missing = Motion.objects.order_by("-subject_id").first().subject_id + 1000
        Motion.objects.filter(pk=motion.pk).update(subject_id=missing)
        UserObjectPermission.objects.filter(object_pk=str(seat.pk)).update(object_pk=str(missing))
    dangling = dangling_generic_references()
    assert ("governance.Motion", motion.pk, "subject", motion.subject_type_id, missing) in dangling
    assert [d[0] for d in dangling].count("guardian.UserObjectPermission") == 1
    errors = check_generic_references(databases=["default"])
    assert any(e.id == "alliances.E001" and f"governance.Motion {motion.pk}: subject" in e.msg for e in errors)
    with pytest.raises(SystemCheckError):
        call_command("check", "--database", "default")
