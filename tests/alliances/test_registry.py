"""The one outcome mechanism (alliances.registry.Registry) and the apps' registrations through it."""

from alliances import dashboard
from alliances.registry import Registry
from bureau import gates
from governance import outcomes
from membership import hooks


def test_handlers_run_in_registration_order_per_key():
    registry = Registry("test")
    first, second, other = (lambda: 1), (lambda: 2), (lambda: 3)
    registry.register(second, "b")
    registry.register(first, "a")
    registry.on("a")(other)
    assert registry.handlers("a") == [first, other]
    assert registry.handlers("b") == [second]
    assert registry.handlers("c") == []
    assert registry.keys() == ["b", "a"]
    assert list(registry) == [second, first, other]


def test_registering_twice_is_one_handler_and_unregister_removes_it():
    registry = Registry("test")
    fn = registry.register(lambda unit: ["busy"])
    registry.register(fn)
    assert list(registry) == [fn] and registry.handlers() == [fn]
    registry.unregister(fn)
    assert list(registry) == [] and registry.keys() == []


def test_the_apps_register_through_the_one_registry():
    for registry in (outcomes.motion_decided, gates.submission_decided, hooks.withdrawal_blockers,
                     hooks.departure_handlers, dashboard.tiles):
        assert isinstance(registry, Registry)
    # Each app's ready() registered its handlers: the processes own their motion kinds...
    assert {"admission", "expulsion", "charter_amendment", "project_approval", "project_adjustment"} <= outcomes.owned_kinds()
    assert "rules" not in outcomes.owned_kinds()  # ...and an ordinary kind has no handler
    from projects import selectors, services

    assert gates.handlers_for("project_proposal") == [services.on_proposal_decision]
    assert list(hooks.withdrawal_blockers) == [selectors.open_tasks_of]
    assert services.on_unit_departure in list(hooks.departure_handlers)
    # Tiles in INSTALLED_APPS order: membership, governance, finance (two), projects, IP, bureau.
    assert [fn.__module__.split(".")[0] for fn in dashboard.tiles] == [
        "membership", "governance", "finance", "finance", "projects", "ip_registry", "bureau"]
