"""The staged review of a recognition application (第八条至第十三条): the conditions before
submitting, each stage decided by its own office, the expert re-review with conflicts excluded,
confirmation, the published list and the filing with 科技部."""

import datetime

import pytest
from django_scopes import scope, scopes_disabled

from alliances.errors import Conflict, Forbidden, ValidationFailed
from alliances.models import Alliance
from membership.models import MemberUnit
from bureau import demo, services
from bureau.models import Decision, Submission
from bureau.review import services as review
from bureau.review.conditions import recognition_missing
from bureau.review.models import ExpertInvitation, PublishedList, ReviewExpert, Stage, StageOpinion
from tests.bureau.conftest import OPINION, draft, fresh, package, submitted, through_stages

pytestmark = pytest.mark.django_db
BUREAU = "/api/v1/bureau/"


@pytest.fixture
def users(db):
    return demo.offices()


@pytest.fixture
def application(oe, users):
    return submitted(oe)


def _review(ctx, submission):
    with scope(alliance=ctx.alliance):
        return fresh(ctx, submission).review


# ---------------------------------------------------------------- 第八条、第九条


def test_第八条_第九条_submit_is_refused_listing_what_is_missing(oe, users):
    application = draft(oe)  # no agreement, no fund rules filed, no necessity statement yet
    with pytest.raises(ValidationFailed) as refused:
        services.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=application)
    missing = refused.value.fields["conditions"]
    assert any("第八条（五）" in item for item in missing)
    # The agreement condition is the agreement in force (governance/agreement): listed when it is not.
    from bureau.selectors import agreement_status

    complete, problems = agreement_status(oe.alliance)
    assert complete or any(problem in item for problem in problems for item in missing)
    assert any("第九条（三）" in item for item in missing)
    assert fresh(oe, application).status == Submission.Status.DRAFT
    assert fresh(oe, application).version == 0


def test_第八条_missing_items_are_listed_for_the_alliance_and_the_api_refuses_with_400(oe, users, api):
    application = draft(oe)
    url = f"/api/v1/alliances/{oe.alliance.slug}/submissions/{application.pk}/"
    listed = api(oe.user("sec")).get(url).json()["conditions"]
    assert any("第八条（五）" in item for item in listed)
    refused = api(oe.user("sg")).post(url + "submit/")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["conditions"] == listed
    package(oe)
    assert api(oe.user("sec")).get(url).json()["conditions"] == []
    assert api(oe.user("sg")).post(url + "submit/").status_code == 200


def test_第八条_responsible_unit_and_member_kinds_are_conditions(oe, users):
    package(oe)
    assert recognition_missing(oe.alliance) == []
    with scope(alliance=oe.alliance):
        Alliance.objects.filter(pk=oe.alliance.pk).update(responsible_entity=None)
        MemberUnit.objects.filter(kind__in=["university", "institute"]).update(kind="other")
    oe.alliance.refresh_from_db()
    missing = recognition_missing(oe.alliance)
    assert "第八条（四）：对外承担责任的主体未确定" in missing
    assert "第八条（一）：成员单位中没有大学或科研机构" in missing


# ---------------------------------------------------------------- 第十条: stages by office


def test_第十条_each_stage_is_decided_only_by_an_officer_of_its_office(oe, users, application):
    reviewed = _review(oe, application)
    assert reviewed.stage == Stage.BUSINESS and reviewed.business_office.name == "高新技术处"
    for wrong in ("bureau-social", "bureau-general", "bureau"):  # another field's office, the next office, the head
        with pytest.raises(Forbidden):
            review.stage_decide(actor=users[wrong], review=reviewed, outcome="passed", opinion="同意")
    with pytest.raises(Forbidden):
        review.stage_decide(actor=oe.user("sg"), review=reviewed, outcome="passed", opinion="同意")
    review.stage_decide(actor=users["bureau-hitech"], review=reviewed, outcome="passed", opinion="具备必要性。")
    assert _review(oe, application).stage == Stage.GENERAL
    with pytest.raises(Forbidden):
        review.stage_decide(actor=users["bureau-hitech"], review=reviewed, outcome="passed", opinion="同意")
    review.stage_decide(actor=users["bureau-general"], review=reviewed, outcome="passed", opinion="组织形式符合。")
    assert _review(oe, application).stage == Stage.EXPERT


def test_第十条_the_single_decision_is_refused_for_an_application_in_staged_review(oe, users, application, bureau_user):
    with pytest.raises(Conflict):
        services.submission_decide(actor=bureau_user, submission=application, decision="approved", **OPINION)
    assert fresh(oe, application).status == Submission.Status.SUBMITTED


def test_第十条_any_stage_returns_with_reasons_and_a_resubmission_starts_a_new_round(oe, users, application):
    through_stages(oe, application, until=Stage.GENERAL)
    reviewed = _review(oe, application)
    with pytest.raises(ValidationFailed):
        review.stage_decide(actor=users["bureau-general"], review=reviewed, outcome="returned", opinion=" ")
    review.stage_decide(actor=users["bureau-general"], review=reviewed, outcome="returned", opinion="请补充秘书处人员配备。")
    assert fresh(oe, application).status == Submission.Status.RETURNED
    with scope(alliance=oe.alliance):
        assert Decision.objects.get(submission=application).comments == "请补充秘书处人员配备。"
    services.submission_edit(actor=oe.user("sec"), alliance=oe.alliance, submission=fresh(oe, application),
                             body="已补充。")
    services.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=fresh(oe, application))
    again = _review(oe, application)
    assert (again.round, again.stage) == (2, Stage.BUSINESS)


def test_第十条_a_rejection_at_a_stage_returns_the_alliance_to_forming(oe, users, application):
    review.stage_decide(actor=users["bureau-hitech"], review=_review(oe, application), outcome="rejected",
                        opinion="与我市重点领域关联不足。")
    assert fresh(oe, application).status == Submission.Status.REJECTED
    oe.alliance.refresh_from_db()
    assert oe.alliance.status == Alliance.Status.FORMING


# ---------------------------------------------------------------- 第十二条: expert re-review


def test_第十二条_an_expert_employed_by_a_member_unit_is_excluded(oe, users, application):
    through_stages(oe, application, until=Stage.EXPERT)
    reviewed = _review(oe, application)
    conflicted = ReviewExpert.objects.get(user=users["review-expert-2"])
    conflicted.employer_uscc = oe.units[1].uscc
    conflicted.save()
    invitation = review.expert_invite(actor=users["bureau"], review=reviewed, expert=users["review-expert-2"])
    assert invitation.excluded and oe.units[1].name in invitation.exclusion_reason
    with pytest.raises(Forbidden):
        review.expert_opinion(actor=users["review-expert-2"], invitation=invitation, binding_opinion="a",
                              goals_opinion="b", item7_opinion="c")
    with pytest.raises(Forbidden):  # the alliance's own expert is no bureau officer
        review.expert_invite(actor=oe.user("expert-1"), review=reviewed, expert=users["review-expert-1"])


def test_第十二条_the_policy_office_passes_only_with_planning_finance_and_every_expert_opinion(oe, users, application):
    through_stages(oe, application, until=Stage.EXPERT)
    reviewed = _review(oe, application)
    invitation = review.expert_invite(actor=users["bureau"], review=reviewed, expert=users["review-expert-1"])
    with pytest.raises(Conflict):  # 综合计划处 and 条件财务处 have not concurred
        review.stage_decide(actor=users["bureau"], review=reviewed, outcome="passed", opinion="通过")
    for key in ("bureau-planning", "bureau-finance"):
        review.stage_decide(actor=users[key], review=reviewed, outcome="passed", opinion="同意")
    with pytest.raises(Conflict):  # the expert has not answered
        review.stage_decide(actor=users["bureau"], review=reviewed, outcome="passed", opinion="通过")
    with pytest.raises(ValidationFailed):  # every one of the three points
        review.expert_opinion(actor=users["review-expert-1"], invitation=invitation, binding_opinion="有约束力",
                              goals_opinion="", item7_opinion="符合")
    review.expert_opinion(actor=users["review-expert-1"], invitation=invitation, binding_opinion="有约束力",
                          goals_opinion="目标明确", item7_opinion="符合")
    review.stage_decide(actor=users["bureau"], review=reviewed, outcome="passed", opinion="复核通过")
    assert _review(oe, application).stage == Stage.CONFIRMATION


# ---------------------------------------------------------------- 第十三条: confirmation, list, filing


def test_第十三条_confirmation_assigns_a_number_and_prints_the_stage_opinions_into_annex4(oe, users, application):
    through_stages(oe, application, until=Stage.CONFIRMATION)
    with pytest.raises(Forbidden):  # confirmation is the head of 政策法规处's
        review.recognition_confirm(actor=users["bureau-general"], review=_review(oe, application), opinion="确认")
    review.recognition_confirm(actor=users["bureau"], review=_review(oe, application), opinion="确认为市级联盟。")
    confirmed = _review(oe, application)
    assert confirmed.stage == Stage.CONFIRMED
    assert confirmed.recognition_number == f"QDLM-{datetime.date.today().year}-001"
    oe.alliance.refresh_from_db()
    assert oe.alliance.status == Alliance.Status.RECOGNISED
    with scope(alliance=oe.alliance):
        decision = Decision.objects.get(submission=application)
        assert decision.outcome == "approved"
        assert decision.necessity_office == "高新技术处" and decision.organisation_office == "综合处"
        assert StageOpinion.objects.filter(review=confirmed).count() == 6


def test_第十三条_a_published_list_and_the_filing_with_the_ministry(oe, users, application, api):
    through_stages(oe, application)
    confirmed = _review(oe, application)
    today = datetime.date.today()
    bad = api(users["bureau"]).post(BUREAU + "lists/", {"title": "名单", "number": "X1", "published_on": str(today),
                                                        "reviews": [confirmed.pk + 999]}, format="json")
    assert bad.status_code == 400 and not PublishedList.objects.exists()
    wrong = api(users["bureau-general"]).post(BUREAU + "lists/", {"title": "名单", "number": "X1",
                                                                  "published_on": str(today),
                                                                  "reviews": [confirmed.pk]}, format="json")
    assert wrong.status_code == 403
    made = api(users["bureau"]).post(BUREAU + "lists/", {"title": "2026年第一批联盟名单", "number": "青科字〔2026〕1号",
                                                         "published_on": str(today), "notice": "现予公布。",
                                                         "reviews": [confirmed.pk]}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["alliances"][0]["recognition_number"] == confirmed.recognition_number
    notice = api(users["bureau"]).get(BUREAU + f"lists/{made.json()['id']}/notice/")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    early = api(users["bureau"]).post(BUREAU + f"reviews/{confirmed.pk}/filing/",
                                      {"filed_on": str(today - datetime.timedelta(days=400)), "reference": "备1"},
                                      format="json")
    assert early.status_code == 400
    filed = api(users["bureau"]).post(BUREAU + f"reviews/{confirmed.pk}/filing/",
                                      {"filed_on": str(today), "reference": "国科备〔2026〕1号"}, format="json")
    assert filed.status_code == 200 and filed.json()["stage"] == "filed"
    seen = api(oe.user("sec")).get(f"/api/v1/alliances/{oe.alliance.slug}/submissions/{application.pk}/").json()
    assert seen["review"]["stage"] == "filed" and seen["review"]["filing_reference"] == "国科备〔2026〕1号"
    assert len(seen["review"]["opinions"]) == 6


# ---------------------------------------------------------------- the API by office


def test_an_officer_of_the_wrong_office_gets_403_and_nothing_changes(oe, users, application, api):
    reviewed = _review(oe, application)
    url = BUREAU + f"reviews/{reviewed.pk}/decide/"
    body = {"outcome": "passed", "opinion": "同意"}
    for key in ("bureau-general", "bureau-social", "bureau-planning", "bureau"):
        assert api(users[key]).post(url, body, format="json").status_code == 403
    assert api(oe.user("sg")).post(url, body, format="json").status_code == 403
    assert api(users["review-expert-1"]).post(url, body, format="json").status_code == 404  # not asked: unseen
    with scopes_disabled():
        assert not StageOpinion.objects.exists()
    done = api(users["bureau-hitech"]).post(url, body, format="json")
    assert done.status_code == 200 and done.json()["stage"] == "general"


def test_an_invited_expert_reads_only_its_reviews_and_answers_through_the_api(oe, users, application, api):
    through_stages(oe, application, until=Stage.EXPERT)
    reviewed = _review(oe, application)
    assert len(api(users["review-expert-1"]).get(BUREAU + "reviews/").json()["results"]) == 0
    invited = api(users["bureau"]).post(BUREAU + f"reviews/{reviewed.pk}/experts/", {"expert": "review-expert-1"},
                                        format="json")
    assert invited.status_code == 201 and not invited.json()["excluded"]
    assert len(api(users["review-expert-1"]).get(BUREAU + "reviews/").json()["results"]) == 1
    assert api(users["review-expert-2"]).get(BUREAU + f"reviews/{reviewed.pk}/").status_code == 404
    answered = api(users["review-expert-1"]).post(BUREAU + f"reviews/{reviewed.pk}/opinion/", {
        "binding_opinion": "有约束力", "goals_opinion": "目标明确", "item7_opinion": "符合"}, format="json")
    assert answered.status_code == 200 and answered.json()["answered_at"]
    with scopes_disabled():
        assert ExpertInvitation.objects.get().item7_opinion == "符合"
    assert api(users["review-expert-1"]).get(BUREAU + "lists/").status_code == 403


def test_the_bureau_demo_leaves_an_application_part_way_and_a_published_list(oe, bm):
    for ctx in (oe, bm):
        with scope(alliance=ctx.alliance):
            demo.load(ctx)
    with scopes_disabled():
        assert PublishedList.objects.count() == 1
        stages = {r.alliance.slug: r.stage for r in review.reviews_for(demo.offices()["bureau"])}
    assert stages == {"ocean-equipment": Stage.FILED, "biomed": Stage.GENERAL}
