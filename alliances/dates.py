"""The range every date the product takes must fall in (issue 14 §4): one mechanism for every app.

A date about the alliance's own business (a ledger entry, a member's joining, a meeting, a project,
a licence) lies between the alliance's first accounting period (the month it was founded; before
`founded_on` is known, `LIANMENG_EARLIEST_ALLIANCE_DATE`) and today plus `LIANMENG_MAX_FUTURE_DAYS`.
A date of the world before the alliance (a background patent's filing, the alliance's own
founding) lies between 1900-01-01 and today. Services call `check_date` / `check_term`; a date
out of range is a `ValidationFailed` on its field naming the allowed range, in the user's language.

The founding month bounds the records already made: domain apps register (in `ready()`) a function
`fn(alliance) -> (date, label) | None` giving their earliest dated record (`register_earliest_record`),
so the tenant core can refuse a `founded_on` later than them without importing any domain app.
"""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.errors import ValidationFailed

EARLIEST_HISTORIC = datetime.date(1900, 1, 1)


class DateRange(NamedTuple):
    earliest: datetime.date
    latest: datetime.date


_earliest_record_finders = []


def register_earliest_record(fn) -> None:
    if fn not in _earliest_record_finders:
        _earliest_record_finders.append(fn)


def founding_errors(alliance, founded_on, *, field: str = "founded_on") -> dict:
    """{field: [message]} when the alliance already has a record dated before `founded_on`'s month."""
    found = [hit for fn in _earliest_record_finders if (hit := fn(alliance)) is not None]
    if not found:
        return {}
    earliest, label = min(found, key=lambda hit: hit[0])
    if founded_on.replace(day=1) <= earliest:
        return {}
    return {field: [_("本联盟已有日期为%(date)s的%(what)s，成立日期不能晚于该日期所在月份。") % {
        "date": earliest.isoformat(), "what": label}]}


def max_future_days() -> int:
    return int(getattr(settings, "LIANMENG_MAX_FUTURE_DAYS", 366))


def max_term_years() -> int:
    return int(getattr(settings, "LIANMENG_MAX_TERM_YEARS", 50))


def alliance_start(alliance) -> datetime.date:
    """The first day of the alliance's first accounting period (the month it was founded)."""
    founded = getattr(alliance, "founded_on", None)
    if founded:
        return founded.replace(day=1)
    return datetime.date.fromisoformat(str(getattr(settings, "LIANMENG_EARLIEST_ALLIANCE_DATE", "2000-01-01")))


def alliance_range(alliance, *, ahead_days: int | None = None) -> DateRange:
    """The alliance's business: from its first accounting period to today + the configured horizon."""
    ahead = max_future_days() if ahead_days is None else ahead_days
    return DateRange(alliance_start(alliance), timezone.localdate() + datetime.timedelta(days=ahead))


def historic_range() -> DateRange:
    """Facts that may predate the alliance (a background patent's filing, a founding): 1900 to today."""
    return DateRange(EARLIEST_HISTORIC, timezone.localdate())


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, datetime.date) else None


def date_errors(value, rng: DateRange, *, field: str) -> dict:
    """{field: [message]} when `value` (a date or datetime) is missing its range, else {}."""
    day = _as_date(value)
    if day is None:
        return {field: [_("日期无效。")]}
    if not rng.earliest <= day <= rng.latest:
        return {field: [_("日期须在%(earliest)s至%(latest)s之间。") % {
            "earliest": rng.earliest.isoformat(), "latest": rng.latest.isoformat()}]}
    return {}


def check_date(value, rng: DateRange, *, field: str) -> None:
    """Refuse a date outside `rng` (None is left to the caller: optional dates are optional)."""
    if value is None:
        return
    errors = date_errors(value, rng, field=field)
    if errors:
        raise ValidationFailed(fields=errors)


def term_end(start: datetime.date, years: int | None = None) -> datetime.date:
    """The last day a term beginning on `start` may run to (LIANMENG_MAX_TERM_YEARS by default)."""
    years = max_term_years() if years is None else years
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def check_term(start, end, *, start_field: str = "start", end_field: str = "end", years: int | None = None) -> None:
    """A term: the end not before the start and at most `years` (default LIANMENG_MAX_TERM_YEARS) later."""
    if start is None or end is None:
        return
    start, end = _as_date(start), _as_date(end)
    if end < start:
        raise ValidationFailed(fields={end_field: [_("结束日期不能早于开始日期。")]})
    years = max_term_years() if years is None else years
    limit = term_end(start, years)
    if end > limit:
        raise ValidationFailed(fields={end_field: [_("期限不能超过%(years)s年（最晚%(latest)s）。") % {
            "years": years, "latest": limit.isoformat()}]})
