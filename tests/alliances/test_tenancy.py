import pytest
from django.apps import apps
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from alliances.models import RoleGrant, Seat
from membership.models import MemberUnit


def tenant_models():
    return [m for m in apps.get_models() if any(f.name == "alliance" for f in m._meta.get_fields())]


def test_every_tenant_model_is_found():
    names = {m.__name__ for m in tenant_models()}
    # The enumeration is real: the core tenant models and their history tables are in it.
    assert {"Organ", "Seat", "RoleGrant", "MemberUnit", "HistoricalMemberUnit", "HistoricalRoleGrant"} <= names


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_every_tenant_model_refuses_an_unscoped_query(db, model):
    for manager in {model.objects, model._default_manager}:
        with pytest.raises(ScopeError):
            list(manager.all())
        with pytest.raises(ScopeError):
            manager.filter(pk=1).exists()


def test_a_scope_shows_only_its_own_alliance(oe, bm):
    with scope(alliance=oe.alliance):
        names = set(MemberUnit.objects.values_list("name", flat=True))
        assert names == {u.name for u in oe.units}
        assert not Seat.objects.filter(alliance=bm.alliance).exists()
    with scope(alliance=bm.alliance):
        assert RoleGrant.objects.filter(user=oe.user("sec")).count() == 0
