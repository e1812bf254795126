"""The projects API under /api/v1/alliances/<slug>/projects/: every rule, refusals included."""

from decimal import Decimal

import pytest
from django_scopes import scope

from projects import services
from projects.models import BudgetLine, Participant, Project

from .conftest import (
    answer_and_close, bureau_decide, call, decide_motion, expert_grant, fund, later, make_draft,
    participant, refresh,
)

pytestmark = pytest.mark.django_db


def url(ctx, path=""):
    return f"/api/v1/alliances/{ctx.alliance.slug}/projects/{path}"


def count(ctx, model=Project):
    with scope(alliance=ctx.alliance):
        return model.objects.count()


def error_fields(response):
    return response.json()["error"]["fields"]


# ---- reading and tenancy ---------------------------------------------------------------------------

def test_list_and_detail_show_the_proposal(oe, api, draft):
    client = api(oe.user("council-1"))
    listed = client.get(url(oe))
    assert listed.status_code == 200 and [p["code"] for p in listed.json()["results"]] == [draft.code]
    detail = client.get(url(oe, f"{draft.pk}/")).json()
    assert [p["unit"]["id"] for p in detail["participants"]] == [oe.units[0].pk, oe.units[1].pk, oe.units[5].pk]
    assert detail["ip_agreement"]["gaps"] == [] and len(detail["ip_agreement"]["shares"]) == 3
    assert {b["amount"]["amount"] for b in detail["budget_lines"]} == {"300000.00", "100000.00", "50000.00"}
    assert len(detail["milestones"]) == 2


def test_another_alliances_user_gets_404_everywhere(oe, bm, api, draft):
    client = api(bm.user("sec"))
    for path in ["", f"{draft.pk}/", f"{draft.pk}/participants/", f"{draft.pk}/history/", f"{draft.pk}/budget-vs-actual/"]:
        assert client.get(url(oe, path)).status_code == 404
    assert client.post(url(oe), {"title": "x", "lead_unit": bm.units[0].pk}, format="json").status_code == 404
    assert count(oe) == 1


def test_anonymous_is_refused(oe, api, draft):
    assert api().get(url(oe)).status_code == 401


def test_representative_sees_only_projects_of_their_unit(oe, api, draft):
    other = call(oe, services.project_create, title="港口机械", lead_unit=oe.units[6])
    client = api(oe.user("rep-1"))
    assert [p["id"] for p in client.get(url(oe)).json()["results"]] == [draft.pk]
    assert client.get(url(oe, f"{other.pk}/")).status_code == 404
    assert client.get(url(oe, f"{other.pk}/milestones/")).status_code == 404


def test_filters_by_status_programme_unit_and_text(oe, api, draft):
    gov = call(oe, services.project_create, title="港口机械智能化", lead_unit=oe.units[6], government_programme=True)
    call(oe, services.project_submit, project=draft)
    client = api(oe.user("sec"))

    def ids(query):
        return {p["id"] for p in client.get(url(oe, f"?{query}")).json()["results"]}

    assert ids("status=submitted") == {draft.pk}
    assert ids("government_programme=true") == {gov.pk}
    assert ids(f"unit={oe.units[5].pk}") == {draft.pk}
    assert ids(f"lead_unit={oe.units[6].pk}") == {gov.pk}
    assert ids("q=港口") == {gov.pk}


# ---- writing the proposal --------------------------------------------------------------------------

def test_secretariat_creates_a_proposal(oe, api):
    response = api(oe.user("sec")).post(url(oe), {
        "title": "海洋牧场监测", "lead_unit": oe.units[2].pk, "goals_near": "一年样机", "goals_long": "产业化",
        "government_programme": True, "lead_tasks": "总体",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["government_programme"] and body["participants"][0]["role"] == "lead"


def test_councillor_cannot_write(oe, api, draft):
    client = api(oe.user("council-1"))
    assert client.post(url(oe), {"title": "x", "lead_unit": oe.units[0].pk}, format="json").status_code == 403
    assert client.post(url(oe, f"{draft.pk}/submit/")).status_code == 403
    assert count(oe) == 1 and refresh(oe, draft).status == "draft"


def test_another_alliances_ids_in_payloads_give_400(oe, bm, api, draft):
    client = api(oe.user("sec"))
    assert client.post(url(oe), {"title": "x", "lead_unit": bm.units[0].pk}, format="json").status_code == 400
    other = make_draft(bm)
    foreign = participant(bm, other, bm.units[1])
    response = client.post(url(oe, f"{draft.pk}/participants/"), {"unit": bm.units[3].pk}, format="json")
    assert response.status_code == 400 and "unit" in error_fields(response)
    response = client.post(url(oe, f"{draft.pk}/budget-lines/"), {"category": "travel", "source": "government", "amount": "10",
                                                                   "participant": foreign.pk}, format="json")
    assert response.status_code == 400
    assert count(oe) == 1 and count(oe, BudgetLine) == 3 and count(oe, Participant) == 3


def test_inactive_unit_as_participant_gives_400_with_the_reason(oe, api, draft):
    from membership.models import MemberUnit

    with scope(alliance=oe.alliance):
        MemberUnit.objects.filter(pk=oe.units[7].pk).update(status="expelled")
    response = api(oe.user("sec")).post(url(oe, f"{draft.pk}/participants/"), {"unit": oe.units[7].pk, "tasks": "x"}, format="json")
    assert response.status_code == 400 and error_fields(response)["unit"]
    assert count(oe, Participant) == 3


def test_participant_tasks_edit_and_removal_in_draft(oe, api, draft):
    client = api(oe.user("sec"))
    third = participant(oe, draft, oe.units[5])
    response = client.patch(url(oe, f"{draft.pk}/participants/{third.pk}/"), {"tasks": "水下测试与数据分析"}, format="json")
    assert response.status_code == 200 and response.json()["tasks"] == "水下测试与数据分析"
    lead = participant(oe, draft, oe.units[0])
    assert client.delete(url(oe, f"{draft.pk}/participants/{lead.pk}/")).status_code == 400
    assert client.delete(url(oe, f"{draft.pk}/participants/{third.pk}/")).status_code == 204
    assert count(oe, Participant) == 2


@pytest.mark.parametrize("amount", ["-1", "0", "1.001", "abc", "1e30"])
def test_bad_budget_amounts_give_400_and_write_nothing(oe, api, draft, amount):
    response = api(oe.user("sec")).post(url(oe, f"{draft.pk}/budget-lines/"),
                                        {"category": "travel", "source": "government", "amount": amount}, format="json")
    assert response.status_code == 400
    assert count(oe, BudgetLine) == 3


def test_budget_line_and_milestone_add_and_remove(oe, api, draft):
    client = api(oe.user("sec"))
    response = client.post(url(oe, f"{draft.pk}/budget-lines/"), {"category": "travel", "source": "other", "amount": "8000.50"}, format="json")
    assert response.status_code == 201 and response.json()["amount"] == {"amount": "8000.50", "currency": "CNY"}
    assert client.delete(url(oe, f"{draft.pk}/budget-lines/{response.json()['id']}/")).status_code == 204
    response = client.post(url(oe, f"{draft.pk}/milestones/"), {"due": "2027-06-30", "description": "中期检查"}, format="json")
    assert response.status_code == 201
    assert len(client.get(url(oe, f"{draft.pk}/milestones/")).json()["results"]) == 3


def test_ip_agreement_put_reports_gaps(oe, api, draft):
    client = api(oe.user("sec"))
    lead = participant(oe, draft, oe.units[0])
    response = client.put(url(oe, f"{draft.pk}/ip-agreement/"), {
        "licensing": "", "revenue_sharing": "按份额", "on_dissolution": "", "on_withdrawal": "保留份额",
        "shares": [{"participant": lead.pk, "share": "90"}],
    }, format="json")
    assert response.status_code == 200
    gaps = response.json()["gaps"]
    assert len(gaps) == 3 and any("90%" in g for g in gaps)
    assert client.get(url(oe, f"{draft.pk}/ip-agreement/")).json()["gaps"] == gaps


def test_ip_share_over_100_gives_400(oe, api, draft):
    lead = participant(oe, draft, oe.units[0])
    response = api(oe.user("sec")).put(url(oe, f"{draft.pk}/ip-agreement/"), {
        "licensing": "a", "revenue_sharing": "b", "on_dissolution": "c", "on_withdrawal": "d",
        "shares": [{"participant": lead.pk, "share": "120"}],
    }, format="json")
    assert response.status_code == 400
    with scope(alliance=oe.alliance):
        assert draft.ip_agreement.shares.count() == 3


def test_illegal_transition_gives_409_and_changes_nothing(oe, api, draft):
    client = api(oe.user("sec"))
    for action in ["start", "close", "refer-bureau", "refer-council", "request-acceptance"]:
        body = {"deliverables": "x"} if action == "request-acceptance" else {}
        response = client.post(url(oe, f"{draft.pk}/{action}/"), body, format="json")
        assert response.status_code == 409, action
        assert response.json()["error"]["code"] in ("illegal_transition", "not_executing", "not_government")
    assert refresh(oe, draft).status == "draft"


def test_incomplete_proposal_submit_gives_400(oe, api):
    project = call(oe, services.project_create, title="空", lead_unit=oe.units[0])
    response = api(oe.user("sec")).post(url(oe, f"{project.pk}/submit/"))
    assert response.status_code == 400 and "budget_lines" in error_fields(response)
    assert refresh(oe, project).status == "draft"


def test_submit_and_return(oe, api, draft):
    client = api(oe.user("sec"))
    assert client.post(url(oe, f"{draft.pk}/submit/")).json()["status"] == "submitted"
    assert client.post(url(oe, f"{draft.pk}/return/"), {"reason": ""}, format="json").status_code == 400
    assert client.post(url(oe, f"{draft.pk}/return/"), {"reason": "补充预算说明"}, format="json").json()["status"] == "draft"
    history = client.get(url(oe, f"{draft.pk}/history/")).json()["results"]
    assert [h["to_status"] for h in history if h["to_status"]] == ["draft", "submitted", "draft"]


def test_documents_upload(oe, api, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api(oe.user("sec"))
    response = client.post(url(oe, f"{draft.pk}/documents/"), {
        "title": "项目建议书", "kind": "proposal", "file": SimpleUploadedFile("p.pdf", b"%PDF-1.4 " + "建议书".encode()),
    }, format="multipart")
    assert response.status_code == 201, response.json()
    assert [d["title"] for d in client.get(url(oe, f"{draft.pk}/documents/")).json()["results"]] == ["项目建议书"]


# ---- the lifecycle through the API -----------------------------------------------------------------

def test_approval_refused_via_api_when_ip_agreement_incomplete_art16(oe, api):
    project = make_draft(oe, complete_ip=False)
    client = api(oe.user("sec"))
    client.post(url(oe, f"{project.pk}/submit/"))
    response = client.post(url(oe, f"{project.pk}/review/"), {"experts": [expert_grant(oe)], "deadline": later().isoformat()},
                           format="json")
    assert response.status_code == 200, response.json()
    answer_and_close(oe, response.json()["review_consultation_id"])
    response = client.post(url(oe, f"{project.pk}/refer-council/"), {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ip_agreement_incomplete" and len(error_fields(response)["ip_agreement"]) == 5
    assert refresh(oe, project).status == "expert_review"


def test_review_with_a_non_expert_gives_400(oe, api, draft):
    client = api(oe.user("sec"))
    client.post(url(oe, f"{draft.pk}/submit/"))
    with scope(alliance=oe.alliance):
        councillor_grant = oe.user("council-1").role_grants.get(role="councillor").pk
    response = client.post(url(oe, f"{draft.pk}/review/"), {"experts": [councillor_grant], "deadline": later().isoformat()},
                           format="json")
    assert response.status_code == 400 and refresh(oe, draft).status == "submitted"
    assert "experts.0" in response.json()["error"]["fields"]


def test_project_review_and_consultations_take_the_same_expert_id(oe, api, draft):
    """Both name an expert by the expert role grant's id; a user id is refused with what is expected."""
    client = api(oe.user("sec"), "en")
    client.post(url(oe, f"{draft.pk}/submit/"))
    user_id = oe.user("expert-3").pk
    assert user_id != expert_grant(oe)
    consultations = f"/api/v1/alliances/{oe.alliance.slug}/consultations/"
    for path, extra in ((url(oe, f"{draft.pk}/review/"), {}), (consultations, {"title": "q", "question": "q"})):
        response = client.post(path, {"experts": [user_id], "deadline": later().isoformat(), **extra}, format="json")
        assert response.status_code == 400, response.json()
        assert "role-grant id" in response.json()["error"]["fields"]["experts.0"][0]
    response = client.post(url(oe, f"{draft.pk}/review/"), {"experts": [expert_grant(oe)], "deadline": later().isoformat()},
                           format="json")
    assert response.status_code == 200, response.json()
    consultation = client.get(f"{consultations}{response.json()['review_consultation_id']}/").json()
    assert [i["expert"] for i in consultation["invitations"]] == [user_id]


def test_government_project_from_proposal_to_registered_results(oe, recognised, api, bureau_user):
    """The whole way through the API: review, council, bureau, funds, expense, milestones, withdrawal, acceptance, IP."""
    project = make_draft(oe, government=True)
    client = api(oe.user("sec"))
    path = url(oe, f"{project.pk}/")
    assert client.post(path + "submit/").status_code == 200
    body = client.post(path + "review/", {"experts": [expert_grant(oe)], "deadline": later().isoformat()}, format="json").json()
    answer_and_close(oe, body["review_consultation_id"])
    body = client.post(path + "refer-council/", {}, format="json").json()
    assert body["status"] == "council_vote"
    decide_motion(oe, body["approval_motion_id"])
    assert client.post(path + "start/").status_code == 409  # the bureau first (第十七条)
    body = client.post(path + "refer-bureau/").json()
    assert body["status"] == "awaiting_bureau"
    bureau_decide(oe, body["bureau_submission_id"], "approved", bureau_user)
    assert client.get(path).json()["status"] == "in_progress"

    fund(oe, refresh(oe, project), "400000")
    fund(oe, refresh(oe, project), "50000", source="member_contribution")
    third = participant(oe, project, oe.units[5])
    response = client.post(path + "expenses/", {"category": "testing", "source": "member_contribution", "amount": "6000",
                                                "date": "2026-11-20", "description": "水池测试", "participant": third.pk}, format="json")
    assert response.status_code == 201, response.json()
    response = client.post(path + "expenses/", {"category": "equipment", "source": "government", "amount": "999999",
                                                "date": "2026-11-20", "description": "超出限定资金"}, format="json")
    assert response.status_code == 400
    from .conftest import approve_entry

    approve_entry(oe, client.get(path + "expenses/").json()["results"][0]["journal_entry_id"])
    bva = client.get(path + "budget-vs-actual/").json()
    assert bva["from_ledger"] and bva["totals"]["actual"] == "6000.00"

    # units[5] leaves: council opinion, then the bureau, then it takes effect.
    second = participant(oe, project, oe.units[1])
    response = client.post(path + f"participants/{third.pk}/withdraw/", {"reason": "战略调整", "reassign_to": second.pk}, format="json")
    assert response.status_code == 201, response.json()
    adjustment = response.json()
    assert adjustment["clawback"]["amount"] == "6000.00"
    assert client.post(path + f"adjustments/{adjustment['id']}/execute/").status_code == 409
    decide_motion(oe, adjustment["motion_id"])
    adjustment = client.post(path + f"adjustments/{adjustment['id']}/refer-bureau/").json()
    bureau_decide(oe, adjustment["submission_id"], "approved", bureau_user)
    adjustment = client.post(path + f"adjustments/{adjustment['id']}/execute/").json()
    assert adjustment["status"] == "applied" and adjustment["clawback_entry_id"]
    assert client.get(path).json()["version"] == 2

    for m in client.get(path + "milestones/").json()["results"]:
        assert client.post(path + f"milestones/{m['id']}/report/", {"report": "按期完成"}, format="json").status_code == 200
    assert client.post(path + "request-acceptance/", {"deliverables": "样机；专利申请"}, format="json").status_code == 200
    body = client.post(path + "acceptance-panel/", {"experts": [expert_grant(oe)], "deadline": later().isoformat()},
                       format="json").json()
    answer_and_close(oe, body["acceptance_consultation_id"])
    response = client.post(path + "acceptance/", {"accepted": True, "opinion": "通过验收",
                                                  "results": [{"kind": "invention_patent", "title": "深海压力传感器"}]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    results = client.get(path + "results/").json()["results"]
    assert len(results) == 1 and results[0]["asset_id"]
    versions = client.get(path + "versions/").json()["results"]
    assert [v["number"] for v in versions] == [1, 2]


def test_representative_reports_a_milestone_but_cannot_record_expenses(oe, api, draft):
    from .conftest import running

    project = running(oe, draft)
    client = api(oe.user("rep-1"))
    with scope(alliance=oe.alliance):
        milestone = project.milestones.first()
    path = url(oe, f"{project.pk}/")
    assert client.post(path + f"milestones/{milestone.pk}/report/", {"report": "完成"}, format="json").status_code == 200
    response = client.post(path + "expenses/", {"category": "equipment", "source": "government", "amount": "1",
                                                "date": "2026-11-20", "description": "x"}, format="json")
    assert response.status_code == 403


def test_adjustment_via_api_with_another_projects_participant_gives_400(oe, api, draft):
    from .conftest import running

    project = running(oe, draft)
    other = make_draft(oe)
    stranger = participant(oe, other, oe.units[1])
    response = api(oe.user("sec")).post(url(oe, f"{project.pk}/adjustments/"), {
        "kind": "change", "reason": "x", "tasks": [{"participant": stranger.pk, "tasks": "y"}]}, format="json")
    assert response.status_code == 400
    with scope(alliance=oe.alliance):
        assert not project.adjustments.exists()


def test_schema_documents_the_projects_api(api, platform_admin):
    response = api(platform_admin).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ["/projects/{id}/refer-council/", "/projects/{project_pk}/participants/{id}/withdraw/",
                 "/projects/{id}/ip-agreement/", "/projects/{id}/budget-vs-actual/"]:
        assert path in text


def test_gaps_and_refusals_speak_english_when_asked(oe, api):
    project = make_draft(oe, complete_ip=False)
    client = api(oe.user("sec"), language="en")
    gaps = client.get(url(oe, f"{project.pk}/ip-agreement/")).json()["gaps"]
    assert len(gaps) == 5 and "Licensing inside the alliance is not stated." in gaps
    response = client.post(url(oe, f"{project.pk}/start/"))
    assert response.status_code == 409 and "this step is not allowed" in response.json()["error"]["message"]


def test_project_list_query_count_does_not_grow_with_rows(oe, api, draft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(oe.user("council-1"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(oe)).status_code == 200
        return len(captured)

    queries()  # warm the per-user role cache
    one = queries()
    for n in range(3):
        call(oe, services.project_create, title=f"项目{n}", lead_unit=oe.units[n + 1])
    assert queries() == one


def test_a_project_without_agreement_rows_still_reads(oe, api):
    # Another app's demo makes bare project rows; reading them must not fail.
    with scope(alliance=oe.alliance):
        bare = Project.objects.create(alliance=oe.alliance, code="BARE-1", title="裸项目", lead_unit=oe.units[0], status="in_progress")
    client = api(oe.user("sec"))
    detail = client.get(url(oe, f"{bare.pk}/"))
    assert detail.status_code == 200 and detail.json()["ip_agreement"] is None
    assert client.get(url(oe, f"{bare.pk}/ip-agreement/")).json()["gaps"] == ["尚未订立知识产权约定。"]
    from django.test import Client

    page = Client()
    page.force_login(oe.user("sec"))
    assert page.get(f"/a/{oe.alliance.slug}/projects/{bare.pk}/").status_code == 200
