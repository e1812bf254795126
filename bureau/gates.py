"""Decision handlers: actions gated on the bureau's approval register what happens on a decision.

    from bureau.gates import on_decision

    @on_decision("ip_foreign_licence")
    def release_licence(submission):   # runs inside the deciding transaction
        if submission.decision == "approved": ...

Registered in the originating app's `ready()`.
"""

_handlers: dict[str, list] = {}


def on_decision(kind: str):
    def register(fn):
        _handlers.setdefault(kind, []).append(fn)
        return fn

    return register


def handlers_for(kind: str) -> list:
    return list(_handlers.get(kind, []))
