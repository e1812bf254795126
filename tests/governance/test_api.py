from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from governance.models import Ballot, Consultation, Meeting, Motion, Opinion, SealedResult

from .helpers import close_after_window, councillors, end_window, open_motion, vote

pytestmark = pytest.mark.django_db


def url(ctx, path=""):
    return f"/api/v1/alliances/{ctx.alliance.slug}/{path}"


def _future(hours=48):
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def test_motion_flow_over_the_api(oe, api):
    sec = api(oe.user("sec"))
    created = sec.post(url(oe, "motions/"), {"title": "2026年度预算", "kind": "budget", "body": "预算草案", "closes_at": _future()}, format="json")
    assert created.status_code == 201, created.json()
    motion_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["charter_version"] == 1
    assert sec.post(url(oe, f"motions/{motion_id}/open/")).status_code == 200
    for user in councillors(oe)[:3]:
        response = api(user).post(url(oe, f"motions/{motion_id}/votes/"), {"choice": "for"}, format="json")
        assert response.status_code == 201, response.json()
    detail = api(oe.user("chair")).get(url(oe, f"motions/{motion_id}/")).json()
    assert detail["my_choice"] == "for" and detail["tally"] is None and detail["voted"] == 3
    closed = sec.post(url(oe, f"motions/{motion_id}/close/"))  # 3 of 5: decided early
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert body["result"] == "passed" and body["tally"]["for"] == 3 and body["resolution"].startswith("OE-")


def test_vote_change_and_refusal_after_close_over_api(oe, api):
    motion = open_motion(oe)
    client = api(oe.user("council-1"))
    assert client.post(url(oe, f"motions/{motion.pk}/votes/"), {"choice": "for"}, format="json").status_code == 201
    assert client.post(url(oe, f"motions/{motion.pk}/votes/"), {"choice": "abstain"}, format="json").status_code == 201
    close_after_window(oe, motion)
    refused = client.post(url(oe, f"motions/{motion.pk}/votes/"), {"choice": "against"}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    with scope(alliance=oe.alliance):
        assert list(Ballot.objects.filter(motion=motion).values_list("choice", flat=True)) == ["abstain"]


def test_only_councillors_vote_over_api(oe, api):
    motion = open_motion(oe)
    for who in ("sec", "sg", "expert-1", "rep-1", "auditor"):
        response = api(oe.user(who)).post(url(oe, f"motions/{motion.pk}/votes/"), {"choice": "for"}, format="json")
        assert response.status_code == 403, who
    with scope(alliance=oe.alliance):
        assert not Ballot.objects.exists()


def test_invalid_choice_is_400_and_writes_nothing(oe, api):
    motion = open_motion(oe)
    response = api(oe.user("chair")).post(url(oe, f"motions/{motion.pk}/votes/"), {"choice": "maybe"}, format="json")
    assert response.status_code == 400 and "choice" in response.json()["error"]["fields"]
    with scope(alliance=oe.alliance):
        assert not Ballot.objects.exists()


def test_councillor_cannot_create_or_close_motions(oe, api):
    client = api(oe.user("chair"))
    response = client.post(url(oe, "motions/"), {"title": "x", "kind": "other", "closes_at": _future()}, format="json")
    assert response.status_code == 403
    motion = open_motion(oe)
    vote(oe, motion, councillors(oe), "for")
    assert client.post(url(oe, f"motions/{motion.pk}/close/")).status_code == 403
    with scope(alliance=oe.alliance):
        assert Motion.objects.count() == 1 and Motion.objects.get().status == "open"


def test_early_close_refused_with_409_when_outcome_open(oe, api):
    motion = open_motion(oe, kind="admission")
    vote(oe, motion, councillors(oe)[:2], "for")
    response = api(oe.user("sec")).post(url(oe, f"motions/{motion.pk}/close/"))
    assert response.status_code == 409
    with scope(alliance=oe.alliance):
        assert not SealedResult.objects.exists()


def test_other_alliance_user_gets_404(oe, bm, api):
    motion = open_motion(oe)
    client = api(bm.user("sec"))
    assert client.get(url(oe, "motions/")).status_code == 404
    assert client.get(url(oe, f"motions/{motion.pk}/")).status_code == 404
    assert api(bm.user("chair")).post(url(oe, f"motions/{motion.pk}/votes/"), {"choice": "for"}, format="json").status_code == 404
    for path in ("resolutions/", "meetings/", "consultations/", "sealed-results/", "notifications/"):
        assert client.get(url(oe, path)).status_code == 404, path


def test_other_alliance_motion_is_absent_and_404_by_id(oe, bm, api):
    theirs = open_motion(bm)
    client = api(oe.user("sec"))
    assert client.get(url(oe, f"motions/{theirs.pk}/")).status_code == 404
    assert client.get(url(oe, "motions/")).json()["count"] == 0


@pytest.mark.parametrize("kind", ["admission", "expulsion", "project_approval", "project_adjustment", "charter_amendment"])
def test_bare_motion_of_a_process_kind_is_refused(oe, api, kind):
    response = api(oe.user("sec"), language="en").post(url(oe, "motions/"), {
        "title": "x", "kind": kind, "closes_at": _future(), "subject_unit": oe.units[6].pk}, format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["kind"]
    assert "process" in response.json()["error"]["fields"]["kind"][0]
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists()


def test_other_alliance_ids_in_payloads_give_400(oe, bm, api):
    sec = api(oe.user("sec"))
    response = sec.post(url(oe, "motions/"), {"title": "x", "kind": "other", "closes_at": _future(), "subject_unit": bm.units[1].pk}, format="json")
    assert response.status_code == 400 and "subject_unit" in response.json()["error"]["fields"]
    with scope(alliance=bm.alliance):
        bm_expert = bm.user("expert-3").role_grants.get(role="expert")
    response = sec.post(url(oe, "consultations/"), {"title": "q", "question": "q", "deadline": _future(), "experts": [bm_expert.pk]}, format="json")
    assert response.status_code == 400 and "experts.0" in response.json()["error"]["fields"]
    meeting = sec.post(url(oe, "meetings/"), {"title": "m", "starts_at": _future()}, format="json").json()
    theirs = open_motion(bm)
    response = sec.post(url(oe, f"meetings/{meeting['id']}/agenda/"), {"motion": theirs.pk}, format="json")
    assert response.status_code == 400
    with scope(alliance=oe.alliance):
        assert not Motion.objects.exists() and not Consultation.objects.exists()
        assert not Meeting.objects.get().agenda.exists()


def test_bureau_reads_resolutions_but_cannot_write(oe, api, bureau_user):
    motion = open_motion(oe)
    vote(oe, motion, councillors(oe), "for")
    close_after_window(oe, motion)
    client = api(bureau_user)
    listing = client.get(url(oe, "resolutions/"))
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert client.post(url(oe, "motions/"), {"title": "x", "kind": "other", "closes_at": _future()}, format="json").status_code == 403


def test_member_representative_reads_resolutions_not_council_papers(oe, api):
    motion = open_motion(oe)
    vote(oe, motion, councillors(oe), "for")
    close_after_window(oe, motion)
    client = api(oe.user("rep-1"))
    assert client.get(url(oe, "resolutions/")).json()["count"] == 1
    assert client.get(url(oe, "motions/")).status_code == 403


def test_sealed_results_and_resolutions_have_no_write_path(oe, api):
    motion = open_motion(oe)
    vote(oe, motion, councillors(oe), "for")
    close_after_window(oe, motion)
    sec = api(oe.user("sec"))
    with scope(alliance=oe.alliance):
        sealed = SealedResult.objects.get()
        resolution_id = motion.resolution.pk
    for method in ("put", "patch", "delete"):
        assert getattr(sec, method)(url(oe, f"sealed-results/{sealed.pk}/"), {"result": "failed"}, format="json").status_code == 405
        assert getattr(sec, method)(url(oe, f"resolutions/{resolution_id}/"), {"number": "X"}, format="json").status_code == 405
    assert sec.post(url(oe, "sealed-results/"), {}, format="json").status_code == 405
    with scope(alliance=oe.alliance):
        assert SealedResult.objects.get().hash == sealed.hash


def test_unauthenticated_is_refused(oe, api):
    assert api().get(url(oe, "motions/")).status_code == 401


def test_meeting_flow_over_the_api(oe, api):
    sec = api(oe.user("sec"))
    meeting = sec.post(url(oe, "meetings/"), {"title": "第一次理事会", "starts_at": _future(), "location": "青岛"}, format="json").json()
    path = url(oe, f"meetings/{meeting['id']}/")
    assert sec.post(path + "agenda/", {"title": "审议年度预算"}, format="json").status_code == 201
    with scope(alliance=oe.alliance):
        seats = [g.seat_id for g in (oe.user(f"council-{n}").role_grants.get(role="councillor") for n in range(1, 5))]
    response = sec.post(path + "attendance/", {"present": seats[:3], "absent": seats[3:]}, format="json")
    assert response.status_code == 200 and response.json()["quorum"] == {"seats": 5, "present": 3, "required": 4, "quorate": False}
    assert sec.post(path + "minutes/", {"text": "会议纪要"}, format="json").status_code == 200
    assert sec.post(path + "minutes/approve/").status_code == 403  # staff: not the chair nor the secretary-general
    assert api(oe.user("sg")).post(path + "minutes/approve/").status_code == 409  # 3 of 5 present: not quorate
    assert sec.post(path + "attendance/", {"present": seats[3:]}, format="json").json()["quorum"]["quorate"]
    assert api(oe.user("sg")).post(path + "minutes/approve/").status_code == 200
    assert sec.post(path + "minutes/lock/").json()["minutes_status"] == "locked"
    assert sec.post(path + "minutes/", {"text": "改写"}, format="json").status_code == 409
    assert api(oe.user("chair")).get(path).json()["minutes"] == "会议纪要"


def test_consultation_flow_over_the_api(oe, api):
    sec = api(oe.user("sec"))
    with scope(alliance=oe.alliance):
        grants = [oe.user(f"expert-{n}").role_grants.get(role="expert").pk for n in (1, 2, 3)]
    created = sec.post(url(oe, "consultations/"), {
        "title": "项目评审", "question": "是否可行？", "deadline": _future(), "experts": grants,
        "concerned_units": [oe.units[1].pk],
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [i["excluded"] for i in body["invitations"]] == [True, False, False]
    cid = body["id"]
    # A recused expert does not see the consultation at all.
    refused = api(oe.user("expert-1")).post(url(oe, f"consultations/{cid}/opinions/"), {"stance": "support", "text": "好"}, format="json")
    assert refused.status_code == 404
    ok = api(oe.user("expert-2")).post(url(oe, f"consultations/{cid}/opinions/"), {"stance": "support_with_changes", "text": "需修改", "score": 80}, format="json")
    assert ok.status_code == 201
    assert api(oe.user("sec")).post(url(oe, f"consultations/{cid}/opinions/"), {"stance": "support", "text": "x"}, format="json").status_code == 403
    closed = sec.post(url(oe, f"consultations/{cid}/close/"), {"summary": "总体可行"}, format="json").json()
    assert closed["status"] == "closed" and "总体可行" in closed["summary"] and "修改后支持 1" in closed["summary"]
    with scope(alliance=oe.alliance):
        assert Opinion.objects.count() == 1


def test_expert_sees_only_consultations_asked_of_them(oe, api):
    from governance import services

    with scope(alliance=oe.alliance):
        services.consultation_create(
            actor=oe.user("sec"), alliance=oe.alliance, title="A", question="q", experts=[oe.user("expert-2")],
            deadline=timezone.now() + timedelta(days=3),
        )
    assert api(oe.user("expert-2")).get(url(oe, "consultations/")).json()["count"] == 1
    assert api(oe.user("expert-3")).get(url(oe, "consultations/")).json()["count"] == 0


def test_recused_expert_cannot_read_the_consultation(oe, api):
    from governance import services

    with scope(alliance=oe.alliance):
        consultation = services.consultation_create(
            actor=oe.user("sec"), alliance=oe.alliance, title="A", question="q",
            experts=[oe.user("expert-1"), oe.user("expert-2")], concerned_units=[oe.units[2]],  # expert-2's unit
            deadline=timezone.now() + timedelta(days=3),
        )
    recused = api(oe.user("expert-2"))
    assert recused.get(url(oe, "consultations/")).json()["count"] == 0
    assert recused.get(url(oe, f"consultations/{consultation.pk}/")).status_code == 404
    assert api(oe.user("expert-1")).get(url(oe, f"consultations/{consultation.pk}/")).status_code == 200


def test_window_end_refuses_vote_over_api(oe, api):
    motion = open_motion(oe)
    end_window(oe, motion)
    assert api(oe.user("chair")).post(url(oe, f"motions/{motion.pk}/votes/"), {"choice": "for"}, format="json").status_code == 409


def test_charter_versions_over_api(oe, api):
    """Read only: the rules come from the agreement (tests/governance/test_agreement.py)."""
    sec = api(oe.user("sec"))
    assert sec.get(url(oe, "charter/")).json()["count"] == 1
    assert sec.post(url(oe, "charter/"), {"thresholds": {"budget": "two_thirds_seats"}}, format="json").status_code == 400
    assert api(oe.user("chair")).post(url(oe, "charter/"), {"note": "x"}, format="json").status_code == 403
    assert sec.get(url(oe, "charter/")).json()["count"] == 1


def test_motion_papers_upload_before_opening_only(oe, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance import services as gov

    motion = gov.motion_create(actor=oe.user("sec"), alliance=oe.alliance, kind="budget", title="预算", body="",
                               closes_at=timezone.now() + timedelta(days=2))
    sec = api(oe.user("sec"))
    path = url(oe, f"motions/{motion.pk}/attachments/")
    ok = sec.post(path, {"name": "预算表", "file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 " + "预算".encode())}, format="multipart")
    assert ok.status_code == 201, ok.json()
    assert api(oe.user("chair")).post(path, {"name": "x", "file": SimpleUploadedFile("x.txt", b"x")}, format="multipart").status_code == 403
    gov.motion_open(actor=oe.user("sec"), alliance=oe.alliance, motion=motion)
    late = sec.post(path, {"name": "补充", "file": SimpleUploadedFile("c.txt", b"c")}, format="multipart")
    assert late.status_code == 409
    detail = api(oe.user("chair")).get(url(oe, f"motions/{motion.pk}/")).json()
    assert [a["name"] for a in detail["attachments"]] == ["预算表"]
