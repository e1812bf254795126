"""Reads shared by governance's API and pages."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alliances import access
from alliances.errors import ValidationFailed
from alliances.models import Role
from governance.models import Consultation, Meeting, Motion, Resolution
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
