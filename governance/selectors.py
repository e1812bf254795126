"""Reads shared by governance's API and pages."""

import hashlib
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alliances import access
from alliances.errors import ValidationFailed
from alliances.models import Alliance, Organ, Role, RoleGrant
from governance.models import (
    Attendance,
    Ballot,
    Choice,
    Consultation,
    EligibleSeat,
    Meeting,
    Motion,
    Opinion,
    Resolution,
)
from governance.tally import Tally, decided
from membership.models import MemberUnit


def consultations_visible_to(user, roles: set) -> QuerySet:
    """The secretariat and the bureau see every consultation; an expert only those they were asked
    in and not recused from; councillors and the chair also the closed ones (the summaries are
    council papers)."""
    queryset = Consultation.objects.all()
    if roles & access.SECRETARIAT or access.is_bureau_officer(user):
        return queryset
    visible = Q(invitations__expert=user, invitations__excluded=False)
    if roles & {Role.COUNCILLOR, access.CHAIR}:
        visible |= Q(status=Consultation.Status.CLOSED)
    return queryset.filter(visible).distinct()


def resolution_for(alliance, number: str, *, kinds=None, subject=None, field: str = "resolution_number") -> Resolution:
    """The passed council resolution `number` of `alliance`, about `subject` (when given) and of one
    of `kinds` (when given): the one check behind every input that cites a resolution. Anything
    else (free text, another alliance's number, a failed motion, another subject or kind) is a
    field error on `field`."""
    number = (number or "").strip()
    if not number:
        raise ValidationFailed(fields={field: [_("请填写理事会决议编号。")]})
    with scope(alliance=alliance):
        resolution = (Resolution.objects.filter(alliance=alliance, number=number)
                      .select_related("motion").first())
    motion = resolution.motion if resolution else None
    if motion is None or motion.result != Motion.Result.PASSED:
        raise ValidationFailed(fields={field: [_("本联盟没有编号为 %(n)s 的理事会决议。") % {"n": number}]})
    if kinds is not None and motion.kind not in set(kinds):
        raise ValidationFailed(fields={field: [_("决议 %(n)s 不是此类事项的决议（%(k)s）。") % {
            "n": number, "k": motion.get_kind_display()}]})
    if subject is not None and not _is_about(motion, subject):
        raise ValidationFailed(fields={field: [_("决议 %(n)s 不是关于“%(s)s”的决议。") % {"n": number, "s": subject}]})
    return resolution


def _is_about(motion: Motion, subject) -> bool:
    if isinstance(subject, MemberUnit) and motion.subject_unit_id == subject.pk:
        return True
    return (motion.subject_type_id == ContentType.objects.get_for_model(subject).pk
            and motion.subject_id == subject.pk)


def verify_resolutions(alliance) -> dict:
    """The sealed results' own chain (tally, voters, result), then the resolutions chain that covers
    each sealed result's hash and the resolution as issued: the checkpoints' "resolutions" verifier."""
    from governance import chains, services

    checked, broken, reason = services.verify_chain(alliance)
    if broken is not None:
        return {"ok": False, "count": checked, "broken": {"sequence": broken.sequence, "reason": reason}}
    return chains.resolutions.verify(alliance)


def annual_summary(alliance, year: int) -> dict:
    """The year's meetings and issued resolutions for the annual report (年度报告), oldest first,
    with local dates."""
    with scope(alliance=alliance):
        meetings = Meeting.objects.filter(alliance=alliance, starts_at__year=year).order_by("starts_at", "id")
        resolutions = Resolution.objects.filter(alliance=alliance, issued_at__year=year).order_by("issued_at", "id")
        return {
            "meetings": [{"title": m.title, "date": timezone.localdate(m.starts_at)} for m in meetings],
            "resolutions": [{"number": r.number, "title": r.title, "date": timezone.localdate(r.issued_at)}
                            for r in resolutions],
        }


def council_seats_with_holders():
    """Council seats that are filled: (seat, holder) for each active councillor grant."""
    grants = (
        RoleGrant.objects.filter(
            role=Role.COUNCILLOR, revoked_at__isnull=True, seat__organ__kind=Organ.Kind.COUNCIL,
            seat__vacated_at__isnull=True,
        )
        .select_related("seat", "user")
        .order_by("seat__position", "seat_id")
    )
    return [(g.seat, g.user) for g in grants]


def _secret_token(motion: Motion, seat_id: int) -> str:
    return hashlib.sha256(f"{motion.ballot_salt}:{motion.pk}:{seat_id}".encode()).hexdigest()


def my_choice(motion: Motion, user) -> str | None:
    """The user's current choice on an open motion (their own seat only), else None."""
    entry = EligibleSeat.objects.filter(motion=motion, holder=user, recused=False).first()
    if entry is None or entry.voted_at is None:
        return None
    if motion.secret:
        if not motion.ballot_salt:
            return None
        ballot = Ballot.objects.filter(motion=motion, token=_secret_token(motion, entry.seat_id)).first()
    else:
        ballot = Ballot.objects.filter(motion=motion, seat=entry.seat_id).first()
    return ballot.choice if ballot else None


def current_tally(motion: Motion) -> Tally:
    counts = {c: 0 for c in Choice.values}
    for choice in Ballot.objects.filter(motion=motion).values_list("choice", flat=True):
        counts[choice] += 1
    eligible = EligibleSeat.objects.filter(motion=motion, recused=False).count()
    return Tally(eligible=eligible, for_=counts["for"], against=counts["against"], abstain=counts["abstain"])


def can_close_early(motion: Motion) -> bool:
    return decided(current_tally(motion), motion.rule, motion.charter.quorum_for(motion.kind))


def motions_due(now=None):
    """Open motions of every alliance whose window has ended (the scheduled close)."""
    now = now or timezone.now()
    # A dissolved alliance is an archive: a motion left open there is never closed (nothing is written).
    return Motion.objects.with_scopes_disabled().filter(status=Motion.Status.OPEN, closes_at__lte=now).exclude(
        alliance__status=Alliance.Status.DISSOLVED)


def motions_due_soon(now=None):
    now = now or timezone.now()
    return Motion.objects.with_scopes_disabled().filter(
        status=Motion.Status.OPEN, closes_at__gt=now, closes_at__lte=now + timedelta(hours=24)
    ).exclude(alliance__status=Alliance.Status.DISSOLVED)


def meeting_quorum(meeting: Meeting) -> dict:
    """Present council seats against the charter's quorum of all council seats."""
    total = len(council_seats_with_holders())
    present = Attendance.objects.filter(meeting=meeting, present=True).count()
    charter = meeting.charter
    num, den = charter.meeting_quorum_numerator, charter.meeting_quorum_denominator
    required = -(-total * num // den)  # ceiling
    return {"seats": total, "present": present, "required": required, "quorate": total > 0 and present * den >= total * num}


def consultation_summary_text(consultation: Consultation) -> str:
    opinions = list(consultation.opinions.select_related("expert").order_by("submitted_at"))
    asked = consultation.invitations.filter(excluded=False).count()
    counts = {s: sum(1 for o in opinions if o.stance == s) for s in Opinion.Stance.values}
    scores = [o.score for o in opinions if o.score is not None]
    lines = [
        _("受邀专家 %(a)d 人，提交意见 %(n)d 份：支持 %(s)d，修改后支持 %(c)d，反对 %(o)d。") % {
            "a": asked, "n": len(opinions), "s": counts["support"], "c": counts["support_with_changes"], "o": counts["oppose"],
        }
    ]
    if scores:
        lines.append(_("平均评分 %(avg).1f（%(n)d 份评分）。") % {"avg": sum(scores) / len(scores), "n": len(scores)})
    excluded = consultation.invitations.filter(excluded=True).count()
    if excluded:
        lines.append(_("%(n)d 位专家因所在单位为相关单位而回避。") % {"n": excluded})
    for opinion in opinions:
        lines.append(_("— %(expert)s（%(stance)s）：%(text)s") % {
            "expert": opinion.expert, "stance": opinion.get_stance_display(), "text": opinion.text})
    return "\n".join(lines)


def motion_outcomes_by_year() -> dict:
    """Closed motions per year (Asia/Shanghai) of closing and result, in the tenant scope:
    {"years": [2025, 2026], "counts": {result: [n per year]}} for every result. One query."""
    rows = (Motion.objects.filter(status=Motion.Status.CLOSED, closed_at__isnull=False)
            .annotate(year=ExtractYear("closed_at", tzinfo=timezone.get_default_timezone()))
            .values("year", "result").annotate(n=Count("id")).order_by())
    per = {(row["year"], row["result"]): row["n"] for row in rows}
    years = sorted({year for year, _result in per})
    return {"years": years, "counts": {result: [per.get((year, result), 0) for year in years]
                                       for result in Motion.Result.values}}
