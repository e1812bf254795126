"""Believable demo data (issue #20 point 10): the biomedical alliance's projects, IP, licences,
documents and consultations are about drugs, devices and diagnostics, not the sea."""

import pytest
from django_scopes import scope

from bureau.models import Submission
from governance.models import Consultation
from ip_registry.models import IPAsset, Licence
from projects.models import Expense, Milestone, Participant, Project, Result

pytestmark = pytest.mark.django_db

MARINE = ("海洋", "海上", "深海", "海工", "海事", "船", "港口", "水下", "防腐", "浮标")


def test_the_biomedical_alliance_works_on_biomedicine(world):
    texts = []
    with scope(alliance=world["biomed"].alliance):
        for project in Project.objects.all():
            texts += [project.title, project.goals_near, project.goals_long, project.deliverables]
        texts += list(Participant.objects.values_list("tasks", flat=True))
        texts += list(Milestone.objects.values_list("description", flat=True))
        texts += list(Expense.objects.values_list("description", flat=True))
        texts += list(Result.objects.values_list("title", flat=True))
        texts += list(IPAsset.objects.values_list("title", flat=True))
        texts += list(Licence.objects.values_list("field_of_use", flat=True))
        texts += list(Consultation.objects.values_list("title", flat=True))
        for submission in Submission.objects.all():
            texts += [submission.title, submission.innovation_goals, submission.industry_status,
                      submission.technology_trends, submission.body]
    assert len(texts) > 40 and any("抗体" in t for t in texts)
    marine = [t for t in texts if any(term in (t or "") for term in MARINE)]
    assert not marine, marine
