"""projects.selectors.annual_summary and executing_by_alliance: the bureau's annual report and console read these."""

import datetime

from django.utils import timezone
from django_scopes import scope

from projects import selectors
from projects.models import Project

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


def _project(ctx, code, *statuses):
    with scope(alliance=ctx.alliance):
        project = Project.objects.create(alliance=ctx.alliance, code=code, title=f"项目{code}", lead_unit=ctx.units[0])
        for status in statuses:
            project.status = status
            project.save()
    return project


def _date_history(ctx, project, when: datetime.datetime):
    with scope(alliance=ctx.alliance):
        Project.history.model.objects.filter(id=project.pk).update(history_date=when)


def test_started_accepted_and_executing_at_year_end_come_from_history(oe, bm):
    old = _project(oe, "OE-OLD", Project.Status.IN_PROGRESS)
    _date_history(oe, old, timezone.make_aware(datetime.datetime(LAST_YEAR, 6, 1, 9)))
    with scope(alliance=oe.alliance):
        old.title = "改名"  # still in execution: a new history row this year, not a new start
        old.save()
    new = _project(oe, "OE-NEW", Project.Status.IN_PROGRESS, Project.Status.ACCEPTED)
    _project(bm, "BM-1", Project.Status.IN_PROGRESS)  # another alliance's project counts nowhere here

    this_year = selectors.annual_summary(oe.alliance, THIS_YEAR)
    assert [p["code"] for p in this_year["started"]] == ["OE-NEW"]
    assert [(p["code"], p["lead_unit"], p["date"]) for p in this_year["accepted"]] == [
        ("OE-NEW", oe.units[0].name, timezone.localdate())]
    assert this_year["in_progress_at_year_end"] == 1  # OE-OLD; OE-NEW was accepted

    last_year = selectors.annual_summary(oe.alliance, LAST_YEAR)
    assert [(p["code"], p["date"]) for p in last_year["started"]] == [("OE-OLD", datetime.date(LAST_YEAR, 6, 1))]
    assert last_year["accepted"] == []
    assert last_year["in_progress_at_year_end"] == 1


def test_an_adjusted_project_is_still_executing(oe, bm):
    _project(oe, "OE-1", Project.Status.IN_PROGRESS, Project.Status.ADJUSTED)
    _project(oe, "OE-2", Project.Status.IN_PROGRESS)
    _project(oe, "OE-3")  # a draft
    _project(bm, "BM-1", Project.Status.IN_PROGRESS)
    assert selectors.annual_summary(oe.alliance, THIS_YEAR)["in_progress_at_year_end"] == 2
    assert selectors.executing_by_alliance() == {oe.alliance.pk: 2, bm.alliance.pk: 1}


def test_project_choices_are_the_alliances_projects_by_code(oe, bm):
    _project(oe, "OE-2")
    _project(oe, "OE-1")
    _project(bm, "BM-1")
    with scope(alliance=oe.alliance):
        assert [p.code for p in selectors.project_choices()] == ["OE-1", "OE-2"]
