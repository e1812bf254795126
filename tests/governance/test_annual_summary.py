"""governance.selectors.annual_summary: the meetings and resolutions of the bureau's annual report."""

import datetime

from django.utils import timezone
from django_scopes import scope

from governance import selectors, services
from governance.models import Meeting
from tests.governance.helpers import pass_resolution

THIS_YEAR = timezone.localdate().year


def _meeting(ctx, title, starts_at):
    meeting = services.meeting_create(actor=ctx.user("sec"), alliance=ctx.alliance, title=title,
                                      starts_at=timezone.now(), location="青岛")
    with scope(alliance=ctx.alliance):
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at)  # any day of the year, past or future
    return meeting


def test_the_years_meetings_and_resolutions_with_local_dates(oe, bm):
    # 00:30 in Qingdao on 2 January is still 1 January in UTC: the report shows the local day.
    _meeting(oe, "第二次理事会", timezone.make_aware(datetime.datetime(THIS_YEAR, 1, 2, 0, 30)))
    _meeting(oe, "第一次理事会", timezone.make_aware(datetime.datetime(THIS_YEAR, 1, 1, 0, 30)))
    _meeting(oe, "上年会议", timezone.make_aware(datetime.datetime(THIS_YEAR - 1, 12, 31, 23, 30)))
    _meeting(bm, "别的联盟的会议", timezone.make_aware(datetime.datetime(THIS_YEAR, 3, 1, 9)))
    number = pass_resolution(oe, title="关于年度工作计划的决议")

    summary = selectors.annual_summary(oe.alliance, THIS_YEAR)
    assert summary["meetings"] == [
        {"title": "第一次理事会", "date": datetime.date(THIS_YEAR, 1, 1)},
        {"title": "第二次理事会", "date": datetime.date(THIS_YEAR, 1, 2)},
    ]
    assert summary["resolutions"] == [{"number": number, "title": "关于年度工作计划的决议", "date": timezone.localdate()}]
    last_year = selectors.annual_summary(oe.alliance, THIS_YEAR - 1)
    assert last_year == {"meetings": [{"title": "上年会议", "date": datetime.date(THIS_YEAR - 1, 12, 31)}], "resolutions": []}
