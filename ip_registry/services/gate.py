"""The bureau's decision on a foreign transfer or exclusive foreign licence (第十六条(四))."""

from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.tenancy import current_actor, tenant_service
from ip_registry.models import Licence, Transfer
from ip_registry.services.transfers import _complete_transfer


def gate_decided(submission) -> None:
    """Registered with `bureau.gates.on_decision("ip_foreign_transfer")`: approval lets the licence
    or transfer take effect; rejection voids it. Runs inside the bureau's deciding transaction."""
    subject = submission.subject
    if not isinstance(subject, (Licence, Transfer)):
        return
    # The deciding bureau officer is the actor; the recorded drafter stands in outside a decision.
    actor = current_actor() or (subject.granted_by if isinstance(subject, Licence) else subject.created_by)
    _gate_apply(actor=actor, alliance=subject.alliance, subject=subject, decision=submission.decision)


@tenant_service
def _gate_apply(*, actor, alliance, subject, decision: str) -> None:
    model = type(subject)
    subject = model.objects.select_for_update().get(pk=subject.pk)
    if subject.status != model.Status.PENDING_BUREAU:
        return
    today = timezone.localdate()
    if decision == "approved":
        if model is Licence:
            subject.status = Licence.Status.GRANTED if subject.start > today else Licence.Status.ACTIVE
            subject.status_reason = _("市科技局已批准（%(date)s）") % {"date": today.isoformat()}
            subject.save()
        else:
            subject.status_reason = _("市科技局已批准（%(date)s）") % {"date": today.isoformat()}
            _complete_transfer(actor=actor, alliance=alliance, transfer=subject, effective_on=today)
    elif decision == "rejected":
        subject.status = model.Status.VOID
        subject.status_reason = _("市科技局不予批准（%(date)s）") % {"date": today.isoformat()}
        subject.save()
