"""Found by the schema fuzzing (tests/fuzz): a meeting in the year 851 was accepted, and its time
came back with Asia/Shanghai's local-mean-time offset (+08:05:43), which is not RFC 3339."""

from django_scopes import scope

from governance.models import Meeting

URL = "/api/v1/alliances/ocean-equipment/meetings/"


def test_a_meeting_time_before_1901_is_refused_and_nothing_is_created(oe, api):
    with scope(alliance=oe.alliance):
        before = Meeting.objects.count()
    response = api(oe.user("sec")).post(URL, {"title": "古代会议", "starts_at": "0851-10-10T03:03:38+08:00"}, format="json")
    assert response.status_code == 400
    assert "starts_at" in response.json()["error"]["fields"]
    english = api(oe.user("sec"), language="en").post(URL, {"title": "x", "starts_at": "0851-10-10T03:03:38+08:00"}, format="json")
    assert english.json()["error"]["fields"]["starts_at"] == ["The meeting time is out of range."]
    with scope(alliance=oe.alliance):
        assert Meeting.objects.count() == before


def test_a_meeting_time_today_is_accepted(oe, api):
    response = api(oe.user("sec")).post(URL, {"title": "理事会", "starts_at": "2026-12-01T09:00:00+08:00"}, format="json")
    assert response.status_code == 201 and response.json()["starts_at"].endswith("+08:00")
