"""Releases from restriction need their condition (issue 15, point 4): 限定性净资产 become
unrestricted only when the project's purpose is spent (up to the qualifying expenses), the project is
accepted or closed (the remainder), or the bureau approved it (government money); the condition and
its evidence are recorded; no fund's restricted net assets go below zero at posting."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django_scopes import scope
from djmoney.money import Money

from alliances.errors import Conflict, ValidationFailed
from bureau import services as bureau
from bureau.models import Submission
from finance import chart, services
from finance.models import JournalEntry, JournalLine, LedgerBalance, RestrictionRelease
from projects.models import Project
from tests.finance.conftest import cny, make_project, post

BASE = "/api/v1/alliances/{slug}/ledger/"
DAY = datetime.date(2026, 6, 30)


def url(ctx, path=""):
    return BASE.format(slug=ctx.alliance.slug) + path


def written(ctx):
    with scope(alliance=ctx.alliance):
        return (JournalEntry.objects.count(), JournalLine.objects.count(), LedgerBalance.objects.count(),
                RestrictionRelease.objects.count())


def set_status(ctx, project, status):
    with scope(alliance=ctx.alliance):  # test setup: the projects app owns this lifecycle
        Project.objects.filter(pk=project.pk).update(status=status)


def release(ctx, fund, amount, condition, actor="sec", **extra):
    return services.restriction_release(actor=ctx.user(actor), alliance=ctx.alliance, fund=fund, amount=cny(amount),
                                        date=DAY, description="解除限制", condition=condition, **extra)


def restricted_net(ctx, fund) -> Decimal:
    """3102 of the fund plus its income less its expenses (its restricted net assets), from posted lines."""
    with scope(alliance=ctx.alliance):
        rows = JournalLine.objects.filter(posted=True, fund=fund, account__kind__in=("net_restricted", "income", "expense"))
        totals = rows.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["c"] or 0) - (totals["d"] or 0)


@pytest.fixture
def grant(oe):
    """P-REL with 1,000 CNY of government money restricted to it, posted; its fund."""
    project = make_project(oe, code="P-REL")
    post(oe, services.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny("1000"),
                                    date=datetime.date(2026, 3, 2), description="项目经费拨付"))
    return services.fund_for(alliance=oe.alliance, source="government", project=project)


def test_release_without_a_met_condition_is_refused_and_writes_nothing(oe, grant):
    before = written(oe)
    with pytest.raises(ValidationFailed) as missing:
        release(oe, grant, "100", "")
    assert "condition" in missing.value.fields
    with pytest.raises(Conflict) as unspent:  # nothing spent on the purpose yet
        release(oe, grant, "100", "purpose_spent")
    assert unspent.value.code == "release_condition_unmet"
    with pytest.raises(Conflict):  # the project is still under way
        release(oe, grant, "100", "project_accepted")
    with pytest.raises(Conflict):  # no approved bureau decision
        release(oe, grant, "100", "bureau_decision")
    assert written(oe) == before


def test_purpose_spent_release_is_limited_to_qualifying_expenses(oe, grant):
    project = grant.project
    other = services.fund_for(alliance=oe.alliance, source="other")
    # The alliance advanced 300 of the project's R&D from its own (unrestricted) money.
    post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 4, 1),
                                   description="垫付项目材料费", lines=[
                                       {"account": chart.EXPENSE_PROJECT, "fund": other, "debit": cny("300"), "project": project},
                                       {"account": chart.BANK, "fund": other, "credit": cny("300")}]))
    before = written(oe)
    with pytest.raises(Conflict) as excess:
        release(oe, grant, "300.01", "purpose_spent")
    assert "amount" in excess.value.fields and written(oe) == before
    entry = release(oe, grant, "300", "purpose_spent")
    with pytest.raises(Conflict):  # the qualifying expenses are taken by the recorded release
        release(oe, grant, "0.01", "purpose_spent")
    with scope(alliance=oe.alliance):
        record = RestrictionRelease.objects.get(entry=entry)
        assert "已按限定用途支出" in entry.lines.get(position=0).memo  # the condition is in the hashed content
    assert (record.condition, record.qualifying_expenses, record.fund) == ("purpose_spent", Decimal("300.00"), grant)
    post(oe, entry)
    assert restricted_net(oe, grant) == Decimal("700.00")


def test_project_accepted_allows_releasing_the_remainder(oe, grant):
    post(oe, services.project_expense_record(actor=oe.user("sec"), alliance=oe.alliance, project=grant.project,
                                             source="government", amount=cny("600"), date=datetime.date(2026, 4, 2),
                                             description="项目研发支出", category="materials"))
    set_status(oe, grant.project, "closed")
    before = written(oe)
    with pytest.raises(ValidationFailed) as beyond:
        release(oe, grant, "400.01", "project_accepted")
    assert "amount" in beyond.value.fields and written(oe) == before
    entry = release(oe, grant, "400", "project_accepted")
    post(oe, entry)
    with scope(alliance=oe.alliance):
        assert entry.release.project_status == "closed"
    assert restricted_net(oe, grant) == 0


def test_bureau_decision_releases_government_money_up_to_the_approved_amount(oe, grant, bureau_user):
    other_project = make_project(oe, code="P-OTHER")
    submissions = {}
    for key, subject, decision in (("approved", grant.project, "approved"), ("rejected", grant.project, "rejected"),
                                   ("elsewhere", other_project, "approved")):
        draft = bureau.approval_request(actor=oe.user("sec"), alliance=oe.alliance, kind="fund_release",
                                        title="结余经费解除限制", subject=subject, payload={"amount": "250.00"})
        submitted = bureau.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=draft)
        submissions[key] = bureau.submission_decide(actor=bureau_user, submission=submitted, decision=decision,
                                                    necessity_opinion="审核意见")
    before = written(oe)
    for key in ("rejected", "elsewhere"):
        with pytest.raises(Conflict) as refused:
            release(oe, grant, "100", "bureau_decision", submission=submissions[key].pk)
        assert "submission" in refused.value.fields
    with pytest.raises(Conflict) as excess:
        release(oe, grant, "250.01", "bureau_decision", submission=submissions["approved"].pk)
    assert "amount" in excess.value.fields and written(oe) == before
    entry = release(oe, grant, "250", "bureau_decision", submission=submissions["approved"].pk)
    with scope(alliance=oe.alliance):
        assert entry.release.submission_id == submissions["approved"].pk
    post(oe, entry)
    assert restricted_net(oe, grant) == Decimal("750.00")


def test_release_that_would_push_restricted_net_assets_below_zero_is_refused_at_posting(oe, grant):
    # The fund also holds 500 borrowed: assets 1,500, restricted net assets 1,000.
    post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 3, 3),
                                   description="项目配套借款", lines=[
                                       {"account": chart.BANK, "fund": grant, "debit": cny("500")},
                                       {"account": chart.SHORT_LOAN, "fund": grant, "credit": cny("500")}]))
    set_status(oe, grant.project, "accepted")
    first, second = release(oe, grant, "600", "project_accepted"), release(oe, grant, "600", "project_accepted")
    post(oe, first)
    before = written(oe)
    with pytest.raises(ValidationFailed) as refused:  # assets would allow it (900 held); net assets (400) do not
        post(oe, second)
    assert "限定性净资产" in str(refused.value.fields)
    assert written(oe) == before and restricted_net(oe, grant) == Decimal("400.00")


def test_restricted_money_can_no_longer_be_released_then_spent_on_office_costs(oe, api, grant):
    before = written(oe)
    unrestricted = services.fund_for(alliance=oe.alliance, source="unrestricted")
    sec = api(oe.user("sec"))
    # The old path: a release with no condition.
    response = sec.post(url(oe, "entries/release/"), {
        "fund": grant.pk, "amount": "1000.00", "date": DAY.isoformat(), "description": "转为办公经费"}, format="json")
    assert response.status_code == 400 and "condition" in response.json()["error"]["fields"]
    response = sec.post(url(oe, "entries/release/"), {
        "fund": grant.pk, "amount": "1000.00", "date": DAY.isoformat(), "description": "转为办公经费",
        "condition": "purpose_spent"}, format="json")
    assert response.status_code == 409 and "amount" in response.json()["error"]["fields"]
    # ... nor by hand: a typed entry may not debit 限定性净资产.
    response = sec.post(url(oe, "entries/"), {"date": DAY.isoformat(), "description": "转为办公经费", "lines": [
        {"account": chart.NET_RESTRICTED, "fund": grant.pk, "debit": "1000.00"},
        {"account": chart.BANK, "fund": grant.pk, "credit": "1000.00"},
        {"account": chart.BANK, "fund": unrestricted.pk, "debit": "1000.00"},
        {"account": chart.NET_UNRESTRICTED, "fund": unrestricted.pk, "credit": "1000.00"}]}, format="json")
    assert response.status_code == 400 and "lines.0.account" in response.json()["error"]["fields"]
    assert written(oe) == before


def test_release_through_the_api_records_its_condition_and_waits_for_a_second_person(oe, api, grant):
    set_status(oe, grant.project, "accepted")
    response = api(oe.user("sec")).post(url(oe, "entries/release/"), {
        "fund": grant.pk, "amount": "200.00", "date": DAY.isoformat(), "description": "结余经费解除限制",
        "condition": "project_accepted"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [line["account"] for line in body["lines"]] == [chart.NET_RESTRICTED, chart.BANK, chart.BANK, chart.NET_UNRESTRICTED]
    assert body["status"] == "recorded"
    assert body["release"]["condition"] == "project_accepted" and body["release"]["project_status"] == "accepted"
    assert api(oe.user("sec")).post(url(oe, f"entries/{body['id']}/approve/")).status_code == 403
    approved = api(oe.user("sg")).post(url(oe, f"entries/{body['id']}/approve/"), HTTP_ACCEPT_LANGUAGE="en")
    assert approved.status_code == 200 and approved.json()["release"]["condition_label"] == "Project accepted or closed"
    assert restricted_net(oe, grant) == Decimal("800.00")


def test_fund_release_request_to_the_bureau_names_the_project_and_amount(oe, api, grant, bureau_user):
    submissions = f"/api/v1/alliances/{oe.alliance.slug}/submissions/"
    sec = api(oe.user("sec"))
    vague = sec.post(submissions, {"kind": "fund_release", "title": "解除限制"}, format="json")
    assert vague.status_code == 400 and "project" in vague.json()["error"]["fields"]
    response = sec.post(submissions, {"kind": "fund_release", "title": "结余经费解除限制", "project": grant.project.pk,
                                      "amount": "120.00"}, format="json")
    assert response.status_code == 201, response.json()
    with scope(alliance=oe.alliance):
        draft = Submission.objects.get(pk=response.json()["id"])
    assert draft.payload["amount"] == "120.00" and draft.subject_id == grant.project.pk
    submitted = bureau.submission_submit(actor=oe.user("sg"), alliance=oe.alliance, submission=draft)
    bureau.submission_decide(actor=bureau_user, submission=submitted, decision="approved", necessity_opinion="同意")
    entry = sec.post(url(oe, "entries/release/"), {
        "fund": grant.pk, "amount": "120.00", "date": DAY.isoformat(), "description": "经批准解除限制",
        "condition": "bureau_decision", "submission": draft.pk}, format="json")
    assert entry.status_code == 201, entry.json()
    assert entry.json()["release"]["submission"] == draft.pk


def test_entry_page_of_a_release_shows_its_condition_amount_and_evidence(oe, client, grant):
    set_status(oe, grant.project, "closed")
    entry = release(oe, grant, "400", "project_accepted")
    client.force_login(oe.user("auditor"))
    page = f"/a/{oe.alliance.slug}/finance/entries/{entry.pk}/"
    html = client.get(page).content.decode()
    evidence = html.split('data-testid="release-evidence">')[1].split("<")[0]
    assert "项目已验收或结题" in html and "400.00 CNY" in html and evidence == "已结题"  # the status by its label
    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Project accepted or closed" in english and 'data-testid="release-evidence">closed<' not in english
