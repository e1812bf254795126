"""Signed PDF records of the council: resolutions (决议) and approved meeting minutes, each signed
with the alliance's certificate (alliances.signing)."""

from django.http import Http404

from alliances import signing
from governance.models import Meeting, Motion, Resolution, threshold_words

APPROVED_MINUTES = (Meeting.MinutesStatus.APPROVED, Meeting.MinutesStatus.LOCKED)


def resolution_pdf(resolution: Resolution) -> bytes:
    motion = resolution.motion
    sealed = motion.sealed_result
    context = {
        "alliance": resolution.alliance, "resolution": resolution, "motion": motion, "sealed": sealed,
        "tally": sealed.tally, "threshold_label": threshold_words(sealed.threshold),
        "result_label": Motion.Result(sealed.result).label, "recused": len(sealed.recused or []),
    }
    return signing.render_signed("governance/pdf/resolution.html", context, resolution.alliance,
                                 reason=f"理事会决议 {resolution.number}")


def resolution_filename(resolution: Resolution) -> str:
    return f"决议-{resolution.number}.pdf"


def minutes_pdf(meeting: Meeting) -> bytes:
    """The approved minutes (404 before approval: a draft is no record)."""
    if meeting.minutes_status not in APPROVED_MINUTES:
        raise Http404
    context = {
        "alliance": meeting.alliance, "meeting": meeting,
        "agenda": meeting.agenda.select_related("motion__resolution_record").order_by("position"),
        "attendance": meeting.attendance.select_related("seat", "person").order_by("seat__id"),
    }
    return signing.render_signed("governance/pdf/minutes.html", context, meeting.alliance,
                                 reason=f"会议纪要 {meeting.title}"[:200])


def minutes_filename(meeting: Meeting) -> str:
    return f"会议纪要-{meeting.starts_at:%Y%m%d}-{meeting.pk}.pdf"
