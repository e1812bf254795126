"""The council's chains: `resolutions` (one link per sealed result, covering the resolution as
issued) and `minutes` (one link per approved minutes). Each has `head(alliance)`,
`hash_at(alliance, sequence)` and `verify(alliance)` (see alliances.chains); the module-level
functions of those names are the resolutions chain's.

The content functions read plain attributes only: the data migration that sealed the records
existing before the chains (0005) calls them with its historical models.
"""

from django.db.models import Q

from alliances.chains import Chain, Link, iso

APPROVED = ("approved", "locked")


def resolution_content(sealed, resolution) -> dict:
    """The sealed result (its own hash covers tally, voters, recused, result) and the resolution as issued."""
    return {
        "sealed_result": sealed.pk,
        "sealed_sequence": sealed.sequence,
        "sealed_hash": sealed.hash,
        "motion": sealed.motion_id,
        "resolution": None if resolution is None else {
            "id": resolution.pk, "number": resolution.number, "year": resolution.year,
            "sequence": resolution.sequence, "issued_at": iso(resolution.issued_at),
            "title": resolution.title, "text": resolution.text,
        },
    }


def minutes_content(meeting, agenda, present_seats) -> dict:
    """`agenda`: (position, title, motion_id) rows in order; `present_seats`: seat ids at approval."""
    return {
        "meeting": meeting.pk, "title": meeting.title, "starts_at": iso(meeting.starts_at),
        "location": meeting.location, "minutes": meeting.minutes,
        "approved_by": meeting.minutes_approved_by_id, "approved_at": iso(meeting.minutes_approved_at),
        "agenda": [list(row) for row in agenda], "present_seats": list(present_seats),
    }


def _resolution_label(sealed, resolution) -> str:
    number = resolution.number if resolution else sealed.resolution_number
    named = f"resolution {number} (id {resolution.pk}), " if resolution else (f"resolution {number}, " if number else "")
    return f"{named}sealed result #{sealed.sequence} (motion {sealed.motion_id})"


def _resolution_links(alliance):
    from governance.models import Resolution, ResolutionSeal
    from governance.services import sealed_hash

    resolutions = {r.motion_id: r for r in Resolution.objects.with_scopes_disabled().filter(alliance=alliance)}
    seals = ResolutionSeal.objects.with_scopes_disabled().filter(alliance=alliance).order_by("sequence")
    for seal in seals.select_related("sealed_result__motion").iterator(chunk_size=2000):
        sealed = seal.sealed_result
        resolution = resolutions.get(sealed.motion_id)
        problem = ""
        if sealed_hash(sealed) != sealed.hash:
            problem = "the sealed result (tally, voters, recused, result) does not match its hash"
        elif sealed.motion.result != sealed.result:
            problem = "the motion's result differs from the sealed result"
        elif sealed.resolution_number and resolution is None:
            problem = "the resolution is missing"
        elif resolution is not None and resolution.number != sealed.resolution_number:
            problem = f"the resolution number differs from the sealed one ({sealed.resolution_number or 'none'})"
        yield Link(seal.sequence, sealed.pk, _resolution_label(sealed, resolution), seal.previous_hash, seal.hash,
                   resolution_content(sealed, resolution), problem)


def _resolutions_unchained(alliance):
    from governance.models import Motion, Resolution, SealedResult

    sealed = SealedResult.objects.with_scopes_disabled().filter(alliance=alliance)
    for pk, sequence in sealed.filter(resolution_seal__isnull=True).values_list("pk", "sequence")[:1]:
        yield pk, f"sealed result #{sequence} (id {pk}) is not in the resolutions chain"
    closed = Motion.objects.with_scopes_disabled().filter(alliance=alliance, status="closed", sealed_result__isnull=True)
    for pk, title in closed.values_list("pk", "title")[:1]:
        yield pk, f"motion {pk} ({title}) is closed but its sealed result is missing"
    loose = Resolution.objects.with_scopes_disabled().filter(alliance=alliance).filter(
        Q(motion__sealed_result__isnull=True) | Q(motion__sealed_result__resolution_seal__isnull=True))
    for pk, number in loose.values_list("pk", "number")[:1]:
        yield pk, f"resolution {number} (id {pk}) is not in the resolutions chain"


def _minutes_links(alliance):
    from governance.models import AgendaItem, MinutesSeal

    agenda = {}
    for meeting_id, position, title, motion_id in AgendaItem.objects.with_scopes_disabled().filter(
            alliance=alliance).order_by("position", "id").values_list("meeting_id", "position", "title", "motion_id"):
        agenda.setdefault(meeting_id, []).append((position, title, motion_id))
    seals = MinutesSeal.objects.with_scopes_disabled().filter(alliance=alliance).order_by("sequence")
    for seal in seals.select_related("meeting").iterator(chunk_size=2000):
        meeting = seal.meeting
        problem = "" if meeting.minutes_status in APPROVED else f"the minutes are no longer approved ({meeting.minutes_status})"
        yield Link(seal.sequence, meeting.pk, f"minutes of meeting {meeting.pk} ({meeting.title})", seal.previous_hash,
                   seal.hash, minutes_content(meeting, agenda.get(meeting.pk, []), seal.present_seats), problem)


def _minutes_unchained(alliance):
    from governance.models import Meeting

    loose = Meeting.objects.with_scopes_disabled().filter(
        alliance=alliance, minutes_status__in=APPROVED, minutes_seal__isnull=True)
    for pk, title in loose.values_list("pk", "title")[:1]:
        yield pk, f"the approved minutes of meeting {pk} ({title}) are not in the minutes chain"


resolutions = Chain("resolutions", "governance.ResolutionSeal", _resolution_links, _resolutions_unchained)
minutes = Chain("minutes", "governance.MinutesSeal", _minutes_links, _minutes_unchained)

head, hash_at, verify = resolutions.head, resolutions.hash_at, resolutions.verify
