import pytest
from django_scopes import scope

from membership import demo, selectors
from membership.models import MemberTransition, MemberUnit, ProjectBar

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("which", ["oe", "bm"])
def test_demo_has_every_stage_and_is_idempotent(request, which):
    ctx = request.getfixturevalue(which)
    with scope(alliance=ctx.alliance):
        demo.load(ctx)
        counts = (MemberUnit.objects.count(), MemberTransition.objects.count(), ProjectBar.objects.count())
        demo.load(ctx)
        assert (MemberUnit.objects.count(), MemberTransition.objects.count(), ProjectBar.objects.count()) == counts
        statuses = {u.name: u.status for u in MemberUnit.objects.all()}
        names = {key: name for key, name, _k, _s in demo.UNITS[ctx.alliance.slug]}
        assert statuses[names["applicant"]] == "applied"
        assert statuses[names["reviewing"]] == "under_review"
        assert statuses[names["voting"]] == "under_review"
        assert statuses[names["active"]] == "active"
        assert statuses[names["withdrawn"]] == "withdrawn"
        assert statuses[names["expelled"]] == "expelled"
        active = MemberUnit.objects.get(name=names["active"])
        assert active.admission_resolution.startswith(ctx.alliance.code + "-")
        assert [t.event for t in selectors.unit_transitions(active)] == [
            "applied", "review_started", "submitted_to_council", "admitted", "accession_signed"]
        assert ProjectBar.objects.get().unit.name == names["expelled"]
        assert MemberUnit.objects.get(name=names["voting"]).pending_motion_id
        # The foundation's units are untouched: same nine, all active.
        assert all(MemberUnit.objects.get(pk=u.pk).status == "active" for u in ctx.units)
