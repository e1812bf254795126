from django.apps import apps
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from alliances.models import Alliance, Organ, Role, RoleGrant, User
from membership.models import MemberUnit
from membership.uscc import is_valid_uscc


def row_counts() -> dict[str, int]:
    with scopes_disabled():
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_demo_builds_both_alliances_and_is_idempotent(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo")
    first = row_counts()
    call_command("demo")
    assert row_counts() == first

    assert set(Alliance.objects.values_list("slug", flat=True)) == {"ocean-equipment", "biomed"}
    for alliance in Alliance.objects.all():
        with scope(alliance=alliance):
            assert Organ.objects.get(kind=Organ.Kind.COUNCIL).seats.count() >= 5
            assert Organ.objects.get(kind=Organ.Kind.EXPERT_COMMITTEE).seats.count() == 3
            units = MemberUnit.objects.all()
            assert units.count() >= 8
            assert set(units.values_list("kind", flat=True)) == set(MemberUnit.Kind.values)
            assert all(is_valid_uscc(code) for code in units.values_list("uscc", flat=True))
            slug = alliance.slug
            expected = {f"{slug}-sec": Role.STAFF, f"{slug}-sg": Role.SECRETARY_GENERAL, f"{slug}-chair": Role.COUNCILLOR,
                        f"{slug}-rep-1": Role.REPRESENTATIVE, f"{slug}-auditor": Role.AUDITOR,
                        **{f"{slug}-council-{n}": Role.COUNCILLOR for n in range(1, 5)},
                        **{f"{slug}-expert-{n}": Role.EXPERT for n in range(1, 4)}}
            for username, role in expected.items():
                assert RoleGrant.objects.filter(user__username=username, role=role, revoked_at__isnull=True).exists(), username
    for username in ("bureau", "ocean-equipment-sec", "biomed-chair"):
        assert User.objects.get(username=username).check_password("demo-pass-2026")
