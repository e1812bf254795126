from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from governance import services
from governance.models import Ballot, Motion, Opinion

from .helpers import close_after_window, councillors, open_motion, vote

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page(ctx, path=""):
    return f"/a/{ctx.alliance.slug}/{path}"


def test_councillor_votes_and_changes_vote_on_the_page(oe):
    motion = open_motion(oe, title="设立工作组")
    client = client_for(oe.user("council-2"))
    listing = client.get(page(oe, "motions/"))
    assert listing.status_code == 200 and "设立工作组" in listing.content.decode()
    assert client.post(page(oe, f"motions/{motion.pk}/vote/"), {"choice": "for"}).status_code == 302
    client.post(page(oe, f"motions/{motion.pk}/vote/"), {"choice": "against"})
    detail = client.get(page(oe, f"motions/{motion.pk}/")).content.decode()
    assert "修改表决意见" in detail and "<strong>反对</strong>" in detail
    with scope(alliance=oe.alliance):
        assert list(Ballot.objects.values_list("choice", flat=True)) == ["against"]


def test_closed_motion_page_shows_sealed_result_and_printable_resolution(oe):
    motion = open_motion(oe, title="预算")
    vote(oe, motion, councillors(oe), "for")
    motion = close_after_window(oe, motion)
    html = client_for(oe.user("chair")).get(page(oe, f"motions/{motion.pk}/")).content.decode()
    assert motion.resolution.number in html and motion.sealed.hash in html
    resolution = client_for(oe.user("rep-1")).get(page(oe, f"resolutions/{motion.resolution.pk}/"))
    assert resolution.status_code == 200 and "@media print" in resolution.content.decode()
    assert client_for(oe.user("sec")).get(page(oe, "results/")).status_code == 200


def test_secretariat_creates_opens_and_early_closes_on_pages(oe):
    client = client_for(oe.user("sec"))
    closes = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(page(oe, "motions/new/"), {"kind": "rules", "title": "财务管理办法", "body": "全文", "closes_at": closes})
    assert response.status_code == 302
    with scope(alliance=oe.alliance):
        motion = Motion.objects.get()
    client.post(page(oe, f"motions/{motion.pk}/open/"))
    vote(oe, motion, councillors(oe)[:3], "for")
    client.post(page(oe, f"motions/{motion.pk}/close/"))
    with scope(alliance=oe.alliance):
        assert Motion.objects.get().result == "passed"


def test_bad_motion_form_is_400_and_creates_nothing(oe):
    response = client_for(oe.user("sec")).post(page(oe, "motions/new/"), {"kind": "rules", "title": "", "closes_at": "2000-01-01T00:00"})
    assert response.status_code == 400
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists()


def test_councillor_cannot_open_or_create(oe):
    motion = services.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="other", title="t", body="",
                                    closes_at=timezone.now() + timedelta(days=1))
    client = client_for(oe.user("chair"))
    assert client.get(page(oe, "motions/new/")).status_code == 403
    assert client.post(page(oe, f"motions/{motion.pk}/open/")).status_code == 403
    assert client.get(page(oe, f"motions/{motion.pk}/")).status_code == 404  # drafts are the secretariat's
    with scope(alliance=oe.alliance):
        assert Motion.objects.get().status == "draft"


def test_representative_sees_resolutions_but_not_motion_papers(oe):
    motion = open_motion(oe)
    client = client_for(oe.user("rep-1"))
    assert client.get(page(oe, "motions/")).status_code == 200
    assert client.get(page(oe, f"motions/{motion.pk}/")).status_code == 403


def test_other_alliance_gets_404_on_pages(oe, bm):
    motion = open_motion(oe)
    client = client_for(bm.user("sec"))
    for path in ("motions/", f"motions/{motion.pk}/", "meetings/", "consultations/", "inbox/", "results/"):
        assert client.get(page(oe, path)).status_code == 404, path


def test_expert_answers_on_the_opinion_form(oe):
    consultation = services.consultation_create(
        actor=oe.user("sec"), alliance=oe.alliance, title="评审", question="可行吗？", experts=[oe.user("expert-3")],
        deadline=timezone.now() + timedelta(days=2),
    )
    client = client_for(oe.user("expert-3"))
    assert "opinion-form" in client.get(page(oe, f"consultations/{consultation.pk}/")).content.decode()
    response = client.post(page(oe, f"consultations/{consultation.pk}/"), {"stance": "support", "score": "85", "text": "可行"})
    assert response.status_code == 302
    assert client_for(oe.user("expert-1")).get(page(oe, f"consultations/{consultation.pk}/")).status_code == 404
    with scope(alliance=oe.alliance):
        assert Opinion.objects.get().score == 85


def test_meeting_pages_record_attendance_and_minutes(oe):
    client = client_for(oe.user("sec"))
    starts = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(page(oe, "meetings/"), {"title": "理事会会议", "starts_at": starts, "location": "青岛"})
    assert response.status_code == 302
    detail = response["Location"]
    with scope(alliance=oe.alliance):
        seats = [s.pk for s, _ in services.council_seats_with_holders()]
    client.post(detail, {"step": "attendance", "present": seats[:4]})
    client.post(detail, {"step": "minutes", "text": "纪要正文"})
    client_for(oe.user("chair")).post(detail, {"step": "approve"})
    client.post(detail, {"step": "lock"})
    html = client.get(detail).content.decode()
    assert "纪要正文" in html and "达到法定人数" in html and "已锁定" in html


def test_inbox_lists_own_notifications(oe):
    open_motion(oe, title="通知测试")
    html = client_for(oe.user("chair")).get(page(oe, "inbox/")).content.decode()
    assert "通知测试" in html
    assert "通知测试" not in client_for(oe.user("sec")).get(page(oe, "inbox/")).content.decode()


def test_dashboard_tile_counts_motions_waiting_for_my_vote(oe):
    open_motion(oe)
    html = client_for(oe.user("chair")).get(page(oe)).content.decode()
    assert "待我表决" in html


def test_voting_page_in_english(oe):
    motion = open_motion(oe)
    client = client_for(oe.user("chair"))
    client.cookies["django_language"] = "en"
    html = client.get(page(oe, f"motions/{motion.pk}/"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cast my vote" in html and "You have not voted yet." in html


def test_api_refusal_message_in_english(oe, api):
    from .helpers import end_window

    motion = end_window(oe, open_motion(oe))
    response = api(oe.user("chair"), language="en").post(f"/api/v1/alliances/{oe.alliance.slug}/motions/{motion.pk}/votes/", {"choice": "for"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Voting has closed; votes can no longer be cast or changed."


def test_secretariat_attaches_papers_to_a_draft_on_the_page(oe):
    from django.core.files.uploadedfile import SimpleUploadedFile

    motion = services.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="rules", title="制度", body="",
                                    closes_at=timezone.now() + timedelta(days=1))
    client = client_for(oe.user("sec"))
    client.post(page(oe, f"motions/{motion.pk}/attach/"), {"name": "制度全文", "file": SimpleUploadedFile("r.pdf", b"%PDF-1.4 rules")})
    assert "制度全文" in client.get(page(oe, f"motions/{motion.pk}/")).content.decode()


def test_motion_page_offers_no_kind_owned_by_a_process(oe):
    from django.test import Client

    client = Client()
    client.force_login(oe.user("sec"))
    page = client.get(f"/a/{oe.alliance.slug}/motions/new/").content.decode()
    assert 'value="other"' in page and 'value="appointment"' in page
    for kind in ("admission", "expulsion", "project_approval", "project_adjustment", "charter_amendment"):
        assert f'value="{kind}"' not in page, kind
    refused = client.post(f"/a/{oe.alliance.slug}/motions/new/", {
        "kind": "expulsion", "title": "除名", "closes_at": "2099-01-01T10:00"})
    assert refused.status_code == 400
