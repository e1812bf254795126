"""Outcome handlers: other apps say what happens when a motion of a kind is decided.

    from governance.outcomes import on_decided

    @on_decided("admission")
    def admit(motion):           # runs inside the closing transaction
        if motion.result == "passed": ...

Registered in the app's `ready()` (import the module that holds the handlers).
"""

_handlers: dict[str, list] = {}


def on_decided(kind: str):
    def register(fn):
        _handlers.setdefault(kind, []).append(fn)
        return fn

    return register


def handlers_for(kind: str) -> list:
    return list(_handlers.get(kind, []))
