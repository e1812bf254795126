"""Decision handlers: actions gated on the bureau's approval register what happens on a decision.

    from bureau.gates import on_decision

    @on_decision("ip_foreign_licence")
    def release_licence(submission):   # runs inside the deciding transaction
        if submission.decision == "approved": ...

Registered in the originating app's `ready()`. One `alliances.registry.Registry`
(`submission_decided`, keyed by submission kind) holds them.
"""

from alliances.registry import Registry

submission_decided = Registry("bureau: submission decided")

on_decision = submission_decided.on
handlers_for = submission_decided.handlers
