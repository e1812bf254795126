import pytest
from django_scopes import scope

from projects import demo
from projects.models import Event, Project, Result


pytestmark = pytest.mark.django_db


def _counts():
    return Project.objects.count(), Event.objects.count(), Result.objects.count()


def test_demo_is_idempotent_and_starts_with_a_draft(oe):
    with scope(alliance=oe.alliance):
        demo.load(oe)
        first = _counts()
        demo.load(oe)
        assert _counts() == first
        assert Project.objects.filter(status="draft").exists()


def test_demo_has_projects_at_several_stages_and_an_accepted_government_project_with_registered_results(oe):
    with scope(alliance=oe.alliance):
        demo.load(oe)
        statuses = set(Project.objects.values_list("status", flat=True))
        assert {"draft", "expert_review", "in_progress", "awaiting_bureau", "accepted"} <= statuses
        accepted = Project.objects.get(status="accepted")
        assert accepted.government_programme
        assert accepted.results.count() == 3 and all(r.asset_id for r in accepted.results.all())
