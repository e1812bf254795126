import pytest
from django_scopes import scope, scopes_disabled

from alliances.models import Alliance
from bureau.models import Decision, Kind, Submission, SubmissionVersion
from membership.models import MemberUnit
from tests.bureau.conftest import NARRATIVE, OPINION, draft, fresh, package, submitted


def url(ctx, suffix=""):
    return f"/api/v1/alliances/{ctx.alliance.slug}/submissions/{suffix}"


BUREAU = "/api/v1/bureau/"


def counts():
    with scopes_disabled():
        return (Submission.objects.count(), SubmissionVersion.objects.count(), Decision.objects.count(),
                list(Alliance.objects.order_by("pk").values_list("status", flat=True)))


# ---------------------------------------------------------------- alliance side


def test_secretariat_drafts_edits_and_the_secretary_general_submits(oe, api):
    package(oe)  # 第八条、第九条 met before applying
    created = api(oe.user("sec")).post(url(oe), {"kind": "recognition_application", "title": "认定申请书"}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    edited = api(oe.user("sec")).patch(url(oe, f"{pk}/"), {**NARRATIVE, "form": {"postcode": "266000"}}, format="json")
    assert edited.status_code == 200, edited.json()
    assert edited.json()["payload"]["postcode"] == "266000"

    refused = api(oe.user("sec")).post(url(oe, f"{pk}/submit/"))
    assert refused.status_code == 403
    assert api(oe.user("sec")).get(url(oe, f"{pk}/")).json()["status"] == "draft"

    done = api(oe.user("sg")).post(url(oe, f"{pk}/submit/"))
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["status"] == "submitted" and body["version"] == 1 and len(body["sha256"]) == 64
    assert body["versions"][0]["snapshot"]["application"]["member_counts"]["total"] == 9

    pdf = api(oe.user("council-1")).get(url(oe, f"{pk}/document/"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_innovation_goals_over_500_characters_give_400_and_change_nothing(oe, api):
    submission = draft(oe)
    response = api(oe.user("sec")).patch(url(oe, f"{submission.pk}/"), {"innovation_goals": "目" * 501}, format="json")
    assert response.status_code == 400
    assert "innovation_goals" in response.json()["error"]["fields"]
    assert fresh(oe, submission).innovation_goals == NARRATIVE["innovation_goals"]


def test_unknown_kind_and_missing_year_give_400(oe, api):
    before = counts()
    assert api(oe.user("sec")).post(url(oe), {"kind": "bogus", "title": "x"}, format="json").status_code == 400
    response = api(oe.user("sec")).post(url(oe), {"kind": "annual_report", "title": "年报"}, format="json")
    assert response.status_code == 400 and "payload.year" in response.json()["error"]["fields"]
    assert counts() == before


def test_editing_a_submitted_submission_is_a_conflict(oe, api):
    submission = submitted(oe)
    response = api(oe.user("sec")).patch(url(oe, f"{submission.pk}/"), {"policy_fit": "改"}, format="json")
    assert response.status_code == 409
    assert fresh(oe, submission).policy_fit == NARRATIVE["policy_fit"]


def test_an_alliance_sees_only_its_own_submissions(oe, bm, api):
    mine, theirs = draft(oe), draft(bm)
    listed = api(oe.user("sec")).get(url(oe)).json()["results"]
    assert [s["id"] for s in listed] == [mine.pk]
    assert api(oe.user("sec")).get(url(oe, f"{theirs.pk}/")).status_code == 404
    assert api(oe.user("sec")).get(url(oe, f"{theirs.pk}/document/")).status_code == 404
    # Another alliance's people get 404 on this alliance's endpoints.
    assert api(bm.user("sec")).get(url(oe)).status_code == 404
    assert api(bm.user("sg")).post(url(oe, f"{mine.pk}/submit/")).status_code == 404
    assert fresh(oe, mine).status == Submission.Status.DRAFT


def test_representatives_and_experts_cannot_read_submissions(oe, api):
    draft(oe)
    for who in ("rep-1", "expert-1"):
        assert api(oe.user(who)).get(url(oe)).status_code == 403
    assert api().get(url(oe)).status_code == 401


def test_the_bureau_reads_an_alliance_but_cannot_write_there(oe, api, bureau_user):
    submission = draft(oe)
    before = counts()
    client = api(bureau_user)
    assert client.get(url(oe)).status_code == 200
    assert client.post(url(oe), {"kind": "rules_filing", "title": "x"}, format="json").status_code == 403
    assert client.patch(url(oe, f"{submission.pk}/"), {"body": "x"}, format="json").status_code == 403
    assert client.post(url(oe, f"{submission.pk}/submit/")).status_code == 403
    assert counts() == before
    assert fresh(oe, submission).body == ""


def test_draft_preview_renders_live_data_and_submitted_versions_are_served_by_number(oe, api, bureau_user):
    package(oe)  # 第八条、第九条 met before applying
    submission = draft(oe)
    preview = api(oe.user("sec")).get(url(oe, f"{submission.pk}/document/"))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    submitted_once = api(oe.user("sg")).post(url(oe, f"{submission.pk}/submit/"))
    assert submitted_once.status_code == 200
    assert api(oe.user("sec")).get(url(oe, f"{submission.pk}/document/?version=1")).status_code == 200
    assert api(oe.user("sec")).get(url(oe, f"{submission.pk}/document/?version=7")).status_code == 404
    # No preview of a frozen submission: what the bureau has is the version.
    assert api(oe.user("sec")).get(url(oe, f"{submission.pk}/document/?preview=1")).status_code == 404


# ---------------------------------------------------------------- bureau side


def test_only_bureau_officers_use_the_bureau_api(oe, api, platform_admin):
    submission = submitted(oe)
    before = counts()
    for user in (oe.user("sg"), oe.user("chair"), platform_admin):
        client = api(user)
        assert client.get(BUREAU + "alliances/").status_code == 403
        assert client.get(BUREAU + "submissions/").status_code == 403
        assert client.post(BUREAU + f"submissions/{submission.pk}/decide/", {"decision": "approved", **OPINION},
                           format="json").status_code == 403
    assert api().get(BUREAU + "submissions/").status_code == 401
    assert counts() == before


def test_bureau_inbox_lists_every_alliance_and_filters(oe, bm, api, bureau_user):
    a, b = submitted(oe), submitted(bm)
    d = draft(oe, kind=Kind.RULES_FILING, title="未报送草稿")
    client = api(bureau_user)
    applications = {"kind": "recognition_application"}  # each alliance also filed its fund rules (第八条（五）)
    ids = {s["id"] for s in client.get(BUREAU + "submissions/", applications).json()["results"]}
    assert ids == {a.pk, b.pk}
    assert d.pk not in {s["id"] for s in client.get(BUREAU + "submissions/").json()["results"]}  # drafts stay
    only_bm = client.get(BUREAU + "submissions/", {"alliance": "biomed", **applications}).json()["results"]
    assert [s["id"] for s in only_bm] == [b.pk]
    assert client.get(BUREAU + "submissions/", {"kind": "annual_report"}).json()["results"] == []
    assert len(client.get(BUREAU + "submissions/", {"status": "submitted", **applications}).json()["results"]) == 2
    assert client.get(BUREAU + f"submissions/{d.pk}/").status_code == 404
    detail = client.get(BUREAU + f"submissions/{a.pk}/").json()
    assert detail["alliance"] == "ocean-equipment" and detail["versions"][0]["number"] == 1
    assert client.get(BUREAU + f"submissions/{a.pk}/document/").content.startswith(b"%PDF")


def test_bureau_decides_through_the_api_with_an_annex4_opinion(oe, api, bureau_user):
    submission = submitted(oe)
    response = api(bureau_user).post(BUREAU + f"submissions/{submission.pk}/decide/", {
        "decision": "approved", "necessity_opinion": "具备必要性", "necessity_office": "高新技术处",
        "necessity_date": "2026-03-01", "organisation_opinion": "组织形式合规", "organisation_office": "政策法规处",
    }, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved" and body["decision"] == "approved"
    assert body["decisions"][0]["necessity_date"] == "2026-03-01"
    assert body["decisions"][0]["organisation_date"]  # dated today when left empty
    assert Alliance.objects.get(pk=oe.alliance.pk).status == Alliance.Status.RECOGNISED
    # The alliance sees the decision on its side.
    mine = api(oe.user("sec")).get(url(oe, f"{submission.pk}/")).json()
    assert mine["decisions"][0]["necessity_opinion"] == "具备必要性"


def test_bad_decisions_give_400_or_409_and_change_nothing(oe, api, bureau_user):
    submission = submitted(oe)
    client = api(bureau_user)
    before = counts()
    assert client.post(BUREAU + f"submissions/{submission.pk}/decide/", {"decision": "maybe"}, format="json").status_code == 400
    assert client.post(BUREAU + f"submissions/{submission.pk}/decide/", {"decision": "returned"}, format="json").status_code == 400
    assert client.post(BUREAU + f"submissions/{submission.pk}/decide/", {"decision": "approved"}, format="json").status_code == 400
    assert counts() == before
    assert client.post(BUREAU + f"submissions/{submission.pk}/decide/", {"decision": "returned", "comments": "补充"},
                       format="json").status_code == 200
    assert client.post(BUREAU + f"submissions/{submission.pk}/decide/", {"decision": "approved", **OPINION},
                       format="json").status_code == 409
    assert fresh(oe, submission).status == Submission.Status.RETURNED


def test_bureau_console_api_shows_every_alliance_side_by_side(oe, bm, api, bureau_user):
    submitted(bm)
    rows = {r["slug"]: r for r in api(bureau_user).get(BUREAU + "alliances/").json()}
    assert set(rows) == {"ocean-equipment", "biomed"}
    # biomed's application and its fund rules filed before it (第八条（五）)
    assert rows["biomed"]["pending_submissions"] == 2 and rows["ocean-equipment"]["pending_submissions"] == 0
    assert rows["biomed"]["status"] == "applying"
    assert rows["ocean-equipment"]["members_by_kind"] == {"enterprise": 4, "university": 2, "institute": 2, "other": 1}
    assert rows["ocean-equipment"]["members_total"] == 9


def test_bureau_reads_change_no_alliance_data(oe, bm, api, bureau_user):
    submission = submitted(oe)
    with scope(alliance=oe.alliance):
        units = list(MemberUnit.objects.order_by("pk").values())
    before = counts()
    client = api(bureau_user)
    for path in ("alliances/", "submissions/", f"submissions/{submission.pk}/", f"submissions/{submission.pk}/document/"):
        assert client.get(BUREAU + path).status_code == 200
    assert counts() == before
    with scope(alliance=oe.alliance):
        assert list(MemberUnit.objects.order_by("pk").values()) == units


@pytest.mark.parametrize("method", ["put", "delete"])
def test_bureau_api_has_no_other_writes(oe, api, bureau_user, method):
    submission = submitted(oe)
    response = getattr(api(bureau_user), method)(BUREAU + f"submissions/{submission.pk}/", {}, format="json")
    assert response.status_code == 405
    assert fresh(oe, submission).status == Submission.Status.SUBMITTED


def test_schema_documents_the_bureau_endpoints(api, bureau_user):
    schema = api(bureau_user).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/bureau/submissions/{id}/decide/" in text
    assert "/api/v1/alliances/{slug}/submissions/{id}/submit/" in text


def test_list_endpoints_run_the_same_queries_for_one_or_many_submissions(oe, bm, api, bureau_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bureau import services

    def queries(client, path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    first = submitted(oe)
    services.submission_decide(actor=bureau_user, submission=first, decision="returned", comments="补充")
    alliance_client, bureau_client = api(oe.user("sec")), api(bureau_user)
    one = (queries(alliance_client, url(oe)), queries(bureau_client, BUREAU + "submissions/"))
    for n in range(3):
        s = submitted(oe, kind=Kind.RULES_FILING, title=f"备案{n}", narrative={"body": "x"}, subject=oe.units[n])
        services.submission_decide(actor=bureau_user, submission=s, decision="returned", comments="补充")
    many = (queries(alliance_client, url(oe)), queries(bureau_client, BUREAU + "submissions/"))
    assert many == one
