from django_scopes import scope, scopes_disabled

from alliances.models import Alliance
from bureau import demo
from bureau.models import Decision, Kind, Submission, SubmissionVersion


def load(*contexts):
    for ctx in contexts:
        with scope(alliance=ctx.alliance):
            demo.load(ctx)


def test_demo_recognises_ocean_equipment_and_leaves_biomed_applying_with_pending_decisions(oe, bm):
    load(oe, bm)
    assert Alliance.objects.get(slug="ocean-equipment").status == Alliance.Status.RECOGNISED
    assert Alliance.objects.get(slug="biomed").status == Alliance.Status.APPLYING
    with scope(alliance=oe.alliance):
        application = Submission.objects.get(kind=Kind.RECOGNITION_APPLICATION)
        assert application.status == Submission.Status.APPROVED
        assert application.decisions.get().necessity_opinion
        assert Submission.objects.filter(status=Submission.Status.SUBMITTED).count() >= 1
    with scope(alliance=bm.alliance):
        assert Submission.objects.get(kind=Kind.RECOGNITION_APPLICATION).status == Submission.Status.SUBMITTED


def test_demo_is_idempotent(oe, bm):
    load(oe, bm)
    with scopes_disabled():
        before = (Submission.objects.count(), SubmissionVersion.objects.count(), Decision.objects.count())
    load(oe, bm)
    with scopes_disabled():
        assert (Submission.objects.count(), SubmissionVersion.objects.count(), Decision.objects.count()) == before
