"""Finance's long jobs (alliances/jobs.py): the auditor's ZIP of a ledger too large to build in the request."""

import datetime

from django.utils.translation import gettext_lazy as _

from finance import exports
from finance.models import JournalEntry, JournalLine
from finance.selectors import LEDGER_READERS

AUDITOR_ZIP = "finance.auditor_zip"


def build_auditor_zip(job, progress) -> tuple[str, bytes]:
    as_of = datetime.date.fromisoformat(job.params["as_of"])
    return f"ledger-{job.alliance.slug}-{as_of}.zip", exports.auditor_zip(job.alliance, as_of, progress)


def auditor_zip_rows(alliance, as_of) -> int:
    """The size that decides between the request and the worker: the journal's posted lines."""
    return JournalLine.objects.filter(alliance=alliance, entry__status=JournalEntry.Status.POSTED,
                                      entry__date__lte=as_of).count()


def register() -> None:
    from alliances import jobs

    jobs.register(AUDITOR_ZIP, _("审计导出（ZIP）"), build_auditor_zip, LEDGER_READERS)
