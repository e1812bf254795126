"""Reads of membership: directory, counts, participation checks, history."""

import datetime

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from alliances import access
from alliances.models import Role
from membership.models import MemberTransition, MemberUnit, ProjectBar

# Who reads the whole directory; a representative reads only their own unit(s).
DIRECTORY_READERS = access.SECRETARIAT | {Role.COUNCILLOR, Role.EXPERT, Role.AUDITOR}


def reads_whole_directory(user, alliance) -> bool:
    return bool(access.roles_of(user, alliance) & DIRECTORY_READERS) or access.is_bureau_officer(user)


def represented_unit_ids(user, alliance) -> list[int]:
    """The units `user` is the representative of in `alliance` (active grants)."""
    from alliances.models import RoleGrant

    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        RoleGrant.objects.filter(
            alliance=alliance, user=user, role=Role.REPRESENTATIVE, revoked_at__isnull=True, member_unit__isnull=False
        ).values_list("member_unit_id", flat=True)
    )


def visible_units(user, alliance):
    """The member units `user` may read: all of them, or only the units they represent."""
    queryset = MemberUnit.objects.filter(alliance=alliance)
    if reads_whole_directory(user, alliance):
        return queryset
    return queryset.filter(pk__in=represented_unit_ids(user, alliance))


CURRENT_STATUSES = (MemberUnit.Status.ACTIVE, MemberUnit.Status.WITHDRAWING)


def member_counts_by_kind(alliance) -> dict[str, int]:
    """Current members (active, or active while withdrawing) per kind, every kind present, plus
    "total" (the 附件1 form reports enterprises, universities, institutes and others)."""
    with scope(alliance=alliance):
        rows = list(
            MemberUnit.objects.filter(alliance=alliance, status__in=CURRENT_STATUSES)
            .values("kind").annotate(n=Count("id"))
        )
    return _counts_from_rows(rows)


def count_by_kind(units) -> dict[str, int]:
    """Every kind of MemberUnit.Kind (zero when absent) for a MemberUnit queryset, plus "total"."""
    return _counts_from_rows(units.order_by().values("kind").annotate(n=Count("id")))


def _counts_from_rows(rows) -> dict[str, int]:
    counts = {kind: 0 for kind in MemberUnit.Kind.values}
    for row in rows:
        counts[row["kind"]] = row["n"]
    counts["total"] = sum(counts[k] for k in MemberUnit.Kind.values)
    return counts


def kind_rows(counts: dict) -> list[dict]:
    """The counts of every kind, labelled, in MemberUnit.Kind's order: the one list every page, report
    and form shows, so a kind cannot be left out and the parts add up to counts["total"]."""
    return [{"kind": kind, "label": str(label), "count": counts.get(kind, 0)}
            for kind, label in MemberUnit.Kind.choices]


def member_counts_by_status(alliance) -> dict[str, int]:
    with scope(alliance=alliance):
        rows = list(MemberUnit.objects.filter(alliance=alliance).values("status").annotate(n=Count("id")))
    counts = {status: 0 for status in MemberUnit.Status.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def active_bar(unit, on=None) -> ProjectBar | None:
    day = on or timezone.localdate()
    return ProjectBar.objects.filter(alliance_id=unit.alliance_id, unit=unit, start__lte=day, end__gte=day).order_by("-end").first()


def project_eligible_units(on=None):
    """The units `participation_refusal` lets into an alliance project on `on` (default today), as
    the queryset every participant or lead-unit picker offers (pages and API alike)."""
    day = on or timezone.localdate()
    barred = ProjectBar.objects.filter(start__lte=day, end__gte=day).values("unit_id")
    return (MemberUnit.objects.filter(status=MemberUnit.Status.ACTIVE).exclude(pending_motion_kind="expulsion")
            .exclude(pk__in=barred).order_by("name", "id"))


def participation_refusal(unit, on=None) -> str | None:
    """None if `unit` may be added to an alliance project on `on` (default today), else the reason.

    Refused: a unit that is not an active member (applicants, withdrawing, withdrawn, expelled),
    one facing an expulsion vote, and one barred under 第十六条(二) on that day.
    """
    day = on or timezone.localdate()
    with scope(alliance=unit.alliance):
        bar = active_bar(unit, day)
        if bar is not None:
            return _("%(unit)s 因违反成果和知识产权权益分配约定，依第十六条(二)在 %(end)s 前不得参与联盟项目。") % {
                "unit": unit.name, "end": bar.end.isoformat(),
            }
        if unit.status != MemberUnit.Status.ACTIVE:
            return _("%(unit)s 不是联盟正式成员（当前状态：%(status)s）。") % {
                "unit": unit.name, "status": unit.get_status_display(),
            }
        if unit.pending_motion_kind == "expulsion":
            return _("%(unit)s 正在理事会除名表决中。") % {"unit": unit.name}
    return None


def unit_transitions(unit):
    return MemberTransition.objects.filter(alliance_id=unit.alliance_id, unit=unit).select_related("actor").order_by("recorded_at", "id")


def _shown(name: str, value):
    """A history value as people read it: a choice by its label, the pending motion by its title."""
    from governance.models import Motion, MotionKind

    field = MemberUnit._meta.get_field(name)
    if value in (None, ""):
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if name == "pending_motion_kind":
        return MotionKind(value).label if value in MotionKind.values else value
    if name == "pending_motion":
        return Motion.objects.filter(pk=value).values_list("title", flat=True).first() or value
    return value


def unit_changes(unit):
    """Field-level history (simple-history): who changed what and when, newest first."""
    records = list(unit.history.filter(alliance_id=unit.alliance_id).select_related("history_user").order_by("-history_date", "-history_id"))
    changes = []
    for newer, older in zip(records, records[1:] + [None]):
        if older is None:
            changes.append({"date": newer.history_date, "user": newer.history_user, "type": newer.history_type, "fields": []})
            continue
        delta = newer.diff_against(older)
        fields = [
            {"field": str(MemberUnit._meta.get_field(c.field).verbose_name),
             "old": _shown(c.field, c.old), "new": _shown(c.field, c.new)}
            for c in delta.changes
        ]
        if fields:
            changes.append({"date": newer.history_date, "user": newer.history_user, "type": newer.history_type, "fields": fields})
    return changes


def chair_seat_holder(alliance):
    """(chair unit, chair user) of the alliance's council, or (None, None)."""
    from alliances.models import RoleGrant

    grant = (
        RoleGrant.objects.filter(alliance=alliance, role=Role.COUNCILLOR, revoked_at__isnull=True,
                                 seat__is_chair=True, seat__vacated_at__isnull=True)
        .select_related("seat__unit", "user").first()
    )
    if grant is None:
        return None, None
    return grant.seat.unit, grant.user


def current_counts_by_alliance() -> dict[int, dict[str, int]]:
    """Current members per kind for every alliance (alliance id -> kind -> count; kinds without
    members are absent): the bureau's console, in one grouped query."""
    out: dict[int, dict[str, int]] = {}
    with scopes_disabled():
        rows = (MemberUnit.objects.filter(status__in=CURRENT_STATUSES).order_by()
                .values_list("alliance_id", "kind").annotate(n=Count("id")))
        for alliance_id, kind, n in rows:
            out.setdefault(alliance_id, {})[kind] = n
    return out


# The order of the main members in the recognition application (附件1 三): chair unit first.
ROLE_ORDER = [MemberUnit.AllianceRole.CHAIR, MemberUnit.AllianceRole.VICE_CHAIR, MemberUnit.AllianceRole.COUNCIL,
              MemberUnit.AllianceRole.ORDINARY]


def main_members(alliance, limit: int) -> list[dict]:
    """The first `limit` current member units: chair unit first, then vice-chair and council units,
    then the rest, each by joining date and name."""
    rank = Case(*[When(alliance_role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)],
                default=Value(len(ROLE_ORDER)), output_field=IntegerField())
    with scope(alliance=alliance):
        units = (MemberUnit.objects.filter(alliance=alliance, status__in=CURRENT_STATUSES)
                 .annotate(rank=rank).order_by("rank", "joined_on", "name")[:limit])
        return [
            {"name": u.name, "uscc": u.uscc, "kind": u.kind, "kind_label": str(u.get_kind_display()),
             "alliance_role": u.alliance_role, "alliance_role_label": str(u.get_alliance_role_display()),
             "standing": u.standing}
            for u in units
        ]


def annual_changes(alliance, year: int) -> dict:
    """For the annual report (年度报告): the units that joined and those that left (withdrew or were
    expelled) in the year, by date, and the members per kind at the year's end (labelled rows in
    counts["by_kind"])."""
    year_end = datetime.date(year, 12, 31)
    gone = (MemberUnit.Status.WITHDRAWN, MemberUnit.Status.EXPELLED)
    with scope(alliance=alliance):
        units = MemberUnit.objects.filter(alliance=alliance)
        joined = units.filter(joined_on__year=year).order_by("joined_on", "name")
        left = units.filter(left_on__year=year).order_by("left_on", "name")
        at_year_end = units.exclude(joined_on__gt=year_end).filter(
            Q(status__in=CURRENT_STATUSES) | Q(status__in=gone, left_on__gt=year_end))
        counts = count_by_kind(at_year_end)
        return {
            "joined": [{"name": u.name, "kind": str(u.get_kind_display()), "date": u.joined_on} for u in joined],
            "left": [{"name": u.name, "status": str(u.get_status_display()), "date": u.left_on} for u in left],
            "counts": {**counts, "by_kind": kind_rows(counts)},
        }
