"""Matters only a recognised alliance reports to the bureau (issue 14, point 13): refused with the reason."""

import pytest
from django_scopes import scope

from alliances.errors import Conflict
from bureau.models import Submission
from projects import services as projects
from tests.bureau.conftest import recognise
from tests.projects.conftest import approved, call, make_draft, refresh


def url(ctx):
    return f"/api/v1/alliances/{ctx.alliance.slug}/submissions/"


def submissions(ctx, kind):
    with scope(alliance=ctx.alliance):
        return Submission.objects.filter(kind=kind).count()


def test_unrecognised_alliance_cannot_open_a_project_proposal_submission_art17(bm, api):
    assert bm.alliance.status == "forming"
    response = api(bm.user("sec")).post(url(bm), {"kind": "project_proposal", "title": "项目建议"}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "not_recognised"
    assert "认定" in error["message"] and "筹建中" in error["message"]
    english = api(bm.user("sec"), language="en").post(url(bm), {"kind": "project_proposal", "title": "x"}, format="json")
    assert "recognised" in english.json()["error"]["message"]
    assert submissions(bm, "project_proposal") == 0


def test_unrecognised_alliance_cannot_refer_a_government_programme_to_the_bureau_art17(bm):
    project = approved(bm, make_draft(bm, government=True))
    with pytest.raises(Conflict) as refused:
        call(bm, projects.project_bureau_refer, project=project)
    assert refused.value.code == "not_recognised"
    assert refresh(bm, project).status == "approved" and submissions(bm, "project_proposal") == 0


def test_unrecognised_alliance_still_applies_and_a_recognised_one_proposes(bm, oe, api, bureau_user):
    necessity = api(bm.user("sec")).post(url(bm), {"kind": "necessity_statement", "title": "必要性说明"}, format="json")
    assert necessity.status_code == 201
    recognise(oe, bureau_user)
    recognised = api(oe.user("sec")).post(url(oe), {"kind": "project_proposal", "title": "项目建议"}, format="json")
    assert recognised.status_code == 201
