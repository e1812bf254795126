import pytest
from django_scopes import scope

from governance import demo
from governance.models import Consultation, Meeting, Motion, Resolution

pytestmark = pytest.mark.django_db


def test_demo_has_open_and_closed_motions_meeting_and_consultation_and_is_idempotent(oe):
    with scope(alliance=oe.alliance):
        demo.load(oe)
        counts = (Motion.objects.count(), Resolution.objects.count(), Meeting.objects.count(), Consultation.objects.count())
        demo.load(oe)
        assert (Motion.objects.count(), Resolution.objects.count(), Meeting.objects.count(), Consultation.objects.count()) == counts
        assert Motion.objects.filter(status="open").exists()
        closed = Motion.objects.get(title=demo.CLOSED_TITLE)
        assert closed.result == "passed" and closed.resolution.number.startswith("OE-")
        assert Meeting.objects.get().minutes_status == "locked"
        consultation = Consultation.objects.get()
        assert consultation.status == "closed" and consultation.motion == closed and consultation.summary
