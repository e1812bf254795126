"""Outcome handlers: other apps say what happens when a motion of a kind is decided.

    from governance.outcomes import on_decided

    @on_decided("admission")
    def admit(motion):           # runs inside the closing transaction
        if motion.result == "passed": ...

Registered in the app's `ready()` (import the module that holds the handlers).

A kind with a registered handler belongs to that process: the generic "new motion" path refuses
it, and only the process opens such motions (`governance.services.process_motion_open`), so no
resolution of that kind is issued that the process's records do not reflect.
"""

_handlers: dict[str, list] = {}


def on_decided(kind: str):
    def register(fn):
        _handlers.setdefault(kind, []).append(fn)
        return fn

    return register


def handlers_for(kind: str) -> list:
    return list(_handlers.get(kind, []))


def owned_kinds() -> set[str]:
    """Motion kinds that belong to a process (those with an outcome handler)."""
    return {kind for kind, handlers in _handlers.items() if handlers}
