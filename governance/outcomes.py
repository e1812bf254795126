"""Outcome handlers: other apps say what happens when a motion of a kind is decided.

    from governance.outcomes import on_decided

    @on_decided("admission")
    def admit(motion):           # runs inside the closing transaction
        if motion.result == "passed": ...

Registered in the app's `ready()` (import the module that holds the handlers). One
`alliances.registry.Registry` (`motion_decided`, keyed by motion kind) holds them.

A kind with a registered handler belongs to that process: the generic "new motion" path refuses
it, and only the process opens such motions (`governance.services.process_motion_open`), so no
resolution of that kind is issued that the process's records do not reflect.
"""

from alliances.registry import Registry

motion_decided = Registry("governance: motion decided")

on_decided = motion_decided.on
handlers_for = motion_decided.handlers


def owned_kinds() -> set[str]:
    """Motion kinds that belong to a process (those with an outcome handler)."""
    return set(motion_decided.keys())
