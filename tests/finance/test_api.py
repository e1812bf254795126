"""Ledger API: every write goes through a service; bad input is 400 with field reasons and writes nothing."""

import datetime
import io
import json
import zipfile

import pytest
from django.test import Client
from django_scopes import scope

from finance import chart, services
from finance.models import Commitment, JournalEntry, JournalLine, LedgerBalance, Period
from tests.finance.conftest import cny, make_project, post

BASE = "/api/v1/alliances/{slug}/ledger/"


def url(ctx, path=""):
    return BASE.format(slug=ctx.alliance.slug) + path


def counts(ctx):
    with scope(alliance=ctx.alliance):
        return (JournalEntry.objects.count(), JournalLine.objects.count(), LedgerBalance.objects.count(),
                Period.objects.count(), Commitment.objects.count())


def entry_payload(fund_id, amount="100.00", credit_amount=None, account="1002", other="4901.02", currency="CNY", **extra):
    return {
        "date": "2026-02-10", "description": "其他收入",
        "lines": [
            {"account": account, "fund": fund_id, "debit": amount, "currency": currency},
            {"account": other, "fund": fund_id, "credit": credit_amount or amount, "currency": currency},
        ],
        **extra,
    }


@pytest.fixture
def other_fund(oe):
    return services.fund_for(alliance=oe.alliance, source="other")


def test_record_then_approve_by_another_person_posts(oe, api, other_fund):
    response = api(oe.user("sec")).post(url(oe, "entries/"), entry_payload(other_fund.pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "recorded" and body["sequence"] is None and len(body["lines"]) == 2
    refused = api(oe.user("sec")).post(url(oe, f"entries/{body['id']}/approve/"))
    assert refused.status_code == 403
    assert counts(oe)[2] == 0
    approved = api(oe.user("sg")).post(url(oe, f"entries/{body['id']}/approve/"))
    assert approved.status_code == 200
    assert approved.json()["status"] == "posted" and approved.json()["sequence"] == 1


BAD_LINES = {
    "unbalanced": (lambda f: entry_payload(f, "100.00", "99.99"), "lines"),
    "unknown account": (lambda f: entry_payload(f, account="9999"), "lines.0.account"),
    "negative money": (lambda f: entry_payload(f, "-5.00"), "lines.0.debit"),
    "malformed money": (lambda f: entry_payload(f, "12,5"), "lines.0.debit"),
    "over-precise money": (lambda f: entry_payload(f, "1.001"), "lines.0.debit"),
    "unknown currency": (lambda f: entry_payload(f, currency="XYZ"), "lines.0.currency"),
    "missing fund": (lambda f: entry_payload(None), "lines.0.fund"),
    "no lines": (lambda f: {"date": "2026-02-10", "description": "x", "lines": []}, "lines"),
    "impossible date": (lambda f: {**entry_payload(f), "date": "2026-02-30"}, "date"),
}


@pytest.mark.parametrize("case", BAD_LINES, ids=list(BAD_LINES))
def test_bad_entry_input_is_400_with_reason_and_writes_nothing(oe, api, other_fund, case):
    build, field = BAD_LINES[case]
    before = counts(oe)
    response = api(oe.user("sec")).post(url(oe, "entries/"), build(other_fund.pk), format="json")
    assert response.status_code == 400, response.json()
    assert any(key.startswith(field) for key in response.json()["error"]["fields"]), response.json()
    assert counts(oe) == before


def test_entry_balanced_per_currency_is_accepted_even_with_two_currencies(oe, api, other_fund):
    payload = entry_payload(other_fund.pk)
    payload["lines"] += [
        {"account": "1002", "fund": other_fund.pk, "debit": "10.00", "currency": "USD"},
        {"account": "4901.02", "fund": other_fund.pk, "credit": "10.00", "currency": "USD"},
    ]
    assert api(oe.user("sec")).post(url(oe, "entries/"), payload, format="json").status_code == 201
    payload["lines"][3]["credit"] = "9.00"
    response = api(oe.user("sec")).post(url(oe, "entries/"), payload, format="json")
    assert response.status_code == 400 and "USD" in response.json()["error"]["fields"]["lines"][0]


def test_closed_period_refuses_recording(oe, api, other_fund):
    sec, sg = api(oe.user("sec")), api(oe.user("sg"))
    recorded = sec.post(url(oe, "entries/"), entry_payload(other_fund.pk), format="json").json()
    assert sg.post(url(oe, f"entries/{recorded['id']}/approve/")).status_code == 200
    assert sec.post(url(oe, "periods/close/"), {"year": 2026, "month": 2}, format="json").status_code == 200
    before = counts(oe)
    response = sec.post(url(oe, "entries/"), entry_payload(other_fund.pk), format="json")
    assert response.status_code == 400 and "date" in response.json()["error"]["fields"]
    assert counts(oe) == before


def test_month_with_entries_awaiting_approval_cannot_be_closed(oe, api, other_fund):
    """Closing would strand them (nothing posts into a closed month): the refusal lists each one."""
    sec, sg = api(oe.user("sec")), api(oe.user("sg"))
    first = sec.post(url(oe, "entries/"), entry_payload(other_fund.pk, description="二月其他收入"), format="json").json()
    second = sec.post(url(oe, "entries/"), entry_payload(other_fund.pk, description="二月捐赠"), format="json").json()
    march = sec.post(url(oe, "entries/"), entry_payload(other_fund.pk, date="2026-03-02"), format="json").json()
    response = sec.post(url(oe, "periods/close/"), {"year": 2026, "month": 2}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "pending_entries"
    listed = error["fields"]["pending_entries"]
    assert len(listed) == 2 and f"ID {first['id']}" in listed[0] and "二月其他收入" in listed[0]
    assert f"ID {second['id']}" in listed[1] and "二月捐赠" in error["message"]
    assert f"ID {march['id']}" not in error["message"]
    english = api(oe.user("sec"), language="en").post(url(oe, "periods/close/"), {"year": 2026, "month": 2}, format="json")
    assert "awaiting approval" in english.json()["error"]["message"]
    with scope(alliance=oe.alliance):
        assert not Period.objects.filter(year=2026, month=2, status="closed").exists()
    assert sg.post(url(oe, f"entries/{first['id']}/approve/")).status_code == 200
    assert sg.post(url(oe, f"entries/{second['id']}/reject/"), {"reason": "重复"}, format="json").status_code == 200
    assert sec.post(url(oe, "periods/close/"), {"year": 2026, "month": 2}, format="json").status_code == 200


def test_reopen_needs_the_secretary_general_and_a_reason_and_is_recorded(oe, api):
    sec, sg = api(oe.user("sec")), api(oe.user("sg"))
    sec.post(url(oe, "periods/close/"), {"year": 2026, "month": 3}, format="json")
    assert sec.post(url(oe, "periods/reopen/"), {"year": 2026, "month": 3, "reason": "补记"}, format="json").status_code == 403
    assert sg.post(url(oe, "periods/reopen/"), {"year": 2026, "month": 3, "reason": ""}, format="json").status_code == 400
    with scope(alliance=oe.alliance):
        assert Period.objects.get(year=2026, month=3).status == "closed"
    response = sg.post(url(oe, "periods/reopen/"), {"year": 2026, "month": 3, "reason": "审计调整补记"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "open"
    with scope(alliance=oe.alliance):
        period = Period.objects.get(year=2026, month=3)
        assert period.reopened_by == oe.user("sg") and period.reopen_reason == "审计调整补记"
        assert [h.status for h in period.history.order_by("history_id")] == ["open", "closed", "open"]


def test_posted_entry_has_no_update_or_delete_route(oe, api, other_fund):
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 3),
                                  description="x", lines=[{"account": "1002", "fund": other_fund, "debit": cny(5)},
                                                          {"account": "4901.02", "fund": other_fund, "credit": cny(5)}])
    post(oe, entry)
    client = api(oe.user("sg"))
    assert client.put(url(oe, f"entries/{entry.pk}/"), {"description": "y"}, format="json").status_code == 405
    assert client.patch(url(oe, f"entries/{entry.pk}/"), {"description": "y"}, format="json").status_code == 405
    assert client.delete(url(oe, f"entries/{entry.pk}/")).status_code == 405
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(pk=entry.pk).description == "x"


def test_reverse_records_a_linked_reversal_that_posts_on_approval(oe, api, other_fund):
    entry = post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 3),
                                           description="误记", lines=[{"account": "1002", "fund": other_fund, "debit": cny(5)},
                                                                    {"account": "4901.02", "fund": other_fund, "credit": cny(5)}]))
    response = api(oe.user("sec")).post(url(oe, f"entries/{entry.pk}/reverse/"), {"date": "2026-01-20"}, format="json")
    assert response.status_code == 201
    reversal = response.json()
    assert reversal["reverses"] == entry.pk
    assert [l["credit"] for l in reversal["lines"]] == ["5.00", "0.00"]
    assert api(oe.user("sec")).post(url(oe, f"entries/{entry.pk}/reverse/"), {}, format="json").status_code == 409
    assert api(oe.user("sg")).post(url(oe, f"entries/{reversal['id']}/approve/")).status_code == 200
    detail = api(oe.user("auditor")).get(url(oe, f"entries/{entry.pk}/")).json()
    assert detail["reversed_by"] == reversal["id"]
    tb = api(oe.user("auditor")).get(url(oe, "trial-balance/")).json()
    assert all(r["balance_debit"] == "0.00" and r["balance_credit"] == "0.00" for r in tb["rows"])


def test_an_entry_whose_reversal_was_rejected_can_be_reversed_again(oe, api, other_fund):
    entry = post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 3),
                                           description="误记", lines=[{"account": "1002", "fund": other_fund, "debit": cny(5)},
                                                                    {"account": "4901.02", "fund": other_fund, "credit": cny(5)}]))
    first = api(oe.user("sec")).post(url(oe, f"entries/{entry.pk}/reverse/"), {"date": "2026-01-20"}, format="json").json()
    assert api(oe.user("sg")).post(url(oe, f"entries/{first['id']}/reject/"), {"reason": "日期有误"}, format="json").status_code == 200
    assert api(oe.user("auditor")).get(url(oe, f"entries/{entry.pk}/")).json()["reversed_by"] is None
    second = api(oe.user("sec")).post(url(oe, f"entries/{entry.pk}/reverse/"), {"date": "2026-01-21"}, format="json")
    assert second.status_code == 201, second.json()
    assert api(oe.user("auditor")).get(url(oe, f"entries/{entry.pk}/")).json()["reversed_by"] == second.json()["id"]
    assert api(oe.user("sec")).post(url(oe, f"entries/{entry.pk}/reverse/"), {}, format="json").status_code == 409


def test_auditor_reads_everything_and_writes_nothing(oe, api, other_fund):
    auditor = api(oe.user("auditor"))
    for path in ["accounts/", "funds/", "funds/balances/", "entries/", "periods/", "contributions/", "trial-balance/",
                 "general-ledger/", "verify/", "auditor-export/", f"statements/{oe.units[5].pk}/"]:
        assert auditor.get(url(oe, path)).status_code == 200, path
    before = counts(oe)
    assert auditor.post(url(oe, "entries/"), entry_payload(other_fund.pk), format="json").status_code == 403
    assert auditor.post(url(oe, "periods/close/"), {"year": 2026, "month": 1}, format="json").status_code == 403
    assert auditor.post(url(oe, "contributions/"), {"member_unit": oe.units[0].pk, "year": 2026, "amount": "1"},
                        format="json").status_code == 403
    assert counts(oe) == before


def test_auditor_cannot_approve(oe, api, other_fund):
    entry = services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 3),
                                  description="x", lines=[{"account": "1002", "fund": other_fund, "debit": cny(5)},
                                                          {"account": "4901.02", "fund": other_fund, "credit": cny(5)}])
    assert api(oe.user("auditor")).post(url(oe, f"entries/{entry.pk}/approve/")).status_code == 403
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(pk=entry.pk).status == "recorded"


def test_bureau_reads_but_cannot_write(oe, api, bureau_user, other_fund):
    client = api(bureau_user)
    assert client.get(url(oe, "entries/")).status_code == 200
    before = counts(oe)
    assert client.post(url(oe, "entries/"), entry_payload(other_fund.pk), format="json").status_code == 403
    assert counts(oe) == before


def test_representative_sees_only_their_own_units_statement(oe, api):
    rep = api(oe.user("rep-1"))
    assert rep.get(url(oe, f"statements/{oe.units[5].pk}/")).status_code == 200
    assert rep.get(url(oe, f"statements/{oe.units[4].pk}/")).status_code == 404
    assert rep.get(url(oe, f"statements/{oe.units[4].pk}/pdf/")).status_code == 404
    assert rep.get(url(oe, "entries/")).status_code == 403


def test_another_alliances_user_gets_404_and_its_ids_give_400(oe, bm, api, other_fund):
    outsider = api(bm.user("sec"))
    for path in ["accounts/", "entries/", "trial-balance/", f"statements/{oe.units[0].pk}/", "auditor-export/"]:
        assert outsider.get(url(oe, path)).status_code == 404, path
    bm_fund = services.fund_for(alliance=bm.alliance, source="other")
    before = counts(oe)
    response = api(oe.user("sec")).post(url(oe, "entries/"), entry_payload(bm_fund.pk), format="json")
    assert response.status_code == 400 and "lines.0.fund" in response.json()["error"]["fields"]
    payload = entry_payload(other_fund.pk)
    payload["lines"][0]["member_unit"] = bm.units[0].pk
    response = api(oe.user("sec")).post(url(oe, "entries/"), payload, format="json")
    assert response.status_code == 400 and "lines.0.member_unit" in response.json()["error"]["fields"]
    response = api(oe.user("sec")).post(url(oe, "contributions/"), {"member_unit": bm.units[0].pk, "year": 2026, "amount": "1"},
                                        format="json")
    assert response.status_code == 400
    assert counts(oe) == before
    # bm's statement is not reachable through oe's URL either.
    assert api(oe.user("sg")).get(url(oe, f"statements/{bm.units[0].pk}/")).status_code == 404


def test_restricted_fund_spent_on_office_or_overdrawn_is_400(oe, api):
    project = make_project(oe)
    fund = services.fund_for(alliance=oe.alliance, source="government", project=project)
    post(oe, services.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny(1000),
                                    date=datetime.date(2026, 1, 5), description="拨款"))
    before = counts(oe)
    office = entry_payload(fund.pk, "10.00", account="5201", other="1002")
    response = api(oe.user("sec")).post(url(oe, "entries/"), office, format="json")
    assert response.status_code == 400 and "lines.0.fund" in response.json()["error"]["fields"]
    over = entry_payload(fund.pk, "1000.01", account="5101.01", other="1002")
    response = api(oe.user("sec")).post(url(oe, "entries/"), over, format="json")
    assert response.status_code == 400 and "lines.1.fund" in response.json()["error"]["fields"]
    other_project = make_project(oe, code="P-002")
    wrong = entry_payload(fund.pk, "10.00", account="5101.01", other="1002")
    wrong["lines"][0]["project"] = other_project.pk
    response = api(oe.user("sec")).post(url(oe, "entries/"), wrong, format="json")
    assert response.status_code == 400 and "lines.0.fund" in response.json()["error"]["fields"]
    leak = {"date": "2026-02-10", "description": "挪用", "lines": [
        {"account": "1002", "fund": fund.pk, "credit": "10.00"},
        {"account": "5201", "fund": services.fund_for(alliance=oe.alliance, source="unrestricted").pk, "debit": "10.00"},
    ]}
    response = api(oe.user("sec")).post(url(oe, "entries/"), leak, format="json")
    assert response.status_code == 400 and "lines" in response.json()["error"]["fields"]
    assert counts(oe)[:3] == before[:3]


def test_release_from_restriction_is_an_explicit_entry(oe, api):
    project = make_project(oe)
    with scope(alliance=oe.alliance):  # the release rests on the project's acceptance
        type(project).objects.filter(pk=project.pk).update(status="accepted")
    fund = services.fund_for(alliance=oe.alliance, source="government", project=project)
    post(oe, services.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny(1000),
                                    date=datetime.date(2026, 1, 5), description="拨款"))
    response = api(oe.user("sec")).post(url(oe, "entries/release/"), {
        "fund": fund.pk, "amount": "200.00", "date": "2026-06-30", "description": "结余经费经批准解除限制",
        "condition": "project_accepted"}, format="json")
    assert response.status_code == 201
    codes = [l["account"] for l in response.json()["lines"]]
    assert codes == [chart.NET_RESTRICTED, chart.BANK, chart.BANK, chart.NET_UNRESTRICTED]
    assert api(oe.user("sg")).post(url(oe, f"entries/{response.json()['id']}/approve/")).status_code == 200
    balances = api(oe.user("sg")).get(url(oe, "funds/balances/")).json()
    held = {row["fund"]["id"]: row["assets"] for row in balances}
    assert held[fund.pk] == "800.00"


def test_contributions_commit_receive_and_statement(oe, api):
    sec, sg = api(oe.user("sec")), api(oe.user("sg"))
    unit = oe.units[5]
    response = sec.post(url(oe, "contributions/"), {"member_unit": unit.pk, "year": 2026, "amount": "50000.00",
                                               "committed_on": "2026-01-10"}, format="json")
    assert response.status_code == 201
    commitment = response.json()["id"]
    receipt = sec.post(url(oe, f"contributions/{commitment}/receive/"), {"amount": "20000.00", "date": "2026-03-15"}, format="json")
    assert receipt.status_code == 201
    assert sg.post(url(oe, f"entries/{receipt.json()['id']}/approve/")).status_code == 200
    statement = api(oe.user("rep-1")).get(url(oe, f"statements/{unit.pk}/")).json()
    assert (statement["committed"], statement["paid"], statement["outstanding"]) == ("50000.00", "20000.00", "30000.00")
    earlier = api(oe.user("rep-1")).get(url(oe, f"statements/{unit.pk}/"), {"as_of": "2026-03-14"}).json()
    assert earlier["paid"] == "0.00" and earlier["outstanding"] == "50000.00"
    bad = sec.post(url(oe, f"contributions/{commitment}/receive/"), {"amount": "-1", "date": "2026-03-15"}, format="json")
    assert bad.status_code == 400


def test_receipt_beyond_the_outstanding_contribution_is_refused(oe, api):
    sec, sg = api(oe.user("sec")), api(oe.user("sg"))
    unit = oe.units[5]
    commitment = sec.post(url(oe, "contributions/"), {"member_unit": unit.pk, "year": 2026, "amount": "50000.00"},
                          format="json").json()["id"]
    path = url(oe, f"contributions/{commitment}/receive/")
    paid = sec.post(path, {"amount": "30000.00", "date": "2026-03-15"}, format="json").json()
    assert sg.post(url(oe, f"entries/{paid['id']}/approve/")).status_code == 200
    pending = sec.post(path, {"amount": "15000.00", "date": "2026-03-16"}, format="json")
    assert pending.status_code == 201  # awaiting approval, yet it counts: 5,000 left
    before = counts(oe)
    response = sec.post(path, {"amount": "5000.01", "date": "2026-03-17"}, format="json")
    assert response.status_code == 400
    assert "5,000.00" in response.json()["error"]["fields"]["amount"][0]
    assert sec.post(path, {"amount": "5000.00", "date": "2026-03-17"}, format="json").status_code == 201
    again = api(oe.user("sec"), language="en").post(path, {"amount": "1.00", "date": "2026-03-18"}, format="json")
    assert again.status_code == 400 and "fully paid" in again.json()["error"]["fields"]["amount"][0]
    assert counts(oe)[0] == before[0] + 1


def test_receipt_recorded_explicitly_as_prepayment_of_a_later_year(oe, api):
    sec, sg = api(oe.user("sec")), api(oe.user("sg"))
    unit = oe.units[5]
    this_year = sec.post(url(oe, "contributions/"), {"member_unit": unit.pk, "year": 2026, "amount": "1000.00"},
                         format="json").json()["id"]
    path = url(oe, f"contributions/{this_year}/receive/")
    first = sec.post(path, {"amount": "1000.00", "date": "2026-03-15"}, format="json").json()
    assert sg.post(url(oe, f"entries/{first['id']}/approve/")).status_code == 200
    no_commitment = sec.post(path, {"amount": "1000.00", "date": "2026-11-01", "prepayment_year": 2027}, format="json")
    assert no_commitment.status_code == 400 and "prepayment_year" in no_commitment.json()["error"]["fields"]
    earlier = sec.post(path, {"amount": "1000.00", "date": "2026-11-01", "prepayment_year": 2026}, format="json")
    assert earlier.status_code == 400 and "prepayment_year" in earlier.json()["error"]["fields"]
    next_year = sec.post(url(oe, "contributions/"), {"member_unit": unit.pk, "year": 2027, "amount": "1200.00"},
                         format="json").json()["id"]
    prepaid = sec.post(path, {"amount": "1000.00", "date": "2026-11-01", "prepayment_year": 2027}, format="json")
    assert prepaid.status_code == 201, prepaid.json()
    body = prepaid.json()
    assert "预缴2027年度出资" in body["description"]
    assert {line["commitment"] for line in body["lines"]} == {next_year}
    assert sg.post(url(oe, f"entries/{body['id']}/approve/")).status_code == 200
    beyond = sec.post(path, {"amount": "200.01", "date": "2026-11-02", "prepayment_year": 2027}, format="json")
    assert beyond.status_code == 400 and "amount" in beyond.json()["error"]["fields"]
    statement = api(oe.user("sg")).get(url(oe, f"statements/{unit.pk}/"), {"as_of": "2027-01-31"}).json()
    years = {row["year"]: row for row in statement["years"]}
    assert (years[2026]["paid"], years[2026]["outstanding"]) == ("1000.00", "0.00")
    assert (years[2027]["paid"], years[2027]["outstanding"]) == ("1000.00", "200.00")


def test_statement_xlsx_and_auditor_zip(oe, api, other_fund):
    post(oe, services.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 3),
                                   description="捐赠收入", lines=[{"account": "1002", "fund": other_fund, "debit": cny(5)},
                                                               {"account": "4901.02", "fund": other_fund, "credit": cny(5)}]))
    from openpyxl import load_workbook

    response = api(oe.user("sg")).get(url(oe, f"statements/{oe.units[5].pk}/xlsx/"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == oe.units[5].name
    response = api(oe.user("auditor")).get(url(oe, "auditor-export/"), {"as_of": "2026-12-31"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {"journal.csv", "trial_balance.csv", "verification.json", "chain.jsonl", "checkpoints.json"}
    journal = archive.read("journal.csv").decode("utf-8-sig")
    with scope(alliance=oe.alliance):
        assert JournalEntry.objects.get(sequence=1).hash in journal
    assert json.loads(archive.read("verification.json"))["ok"] is True
    assert "TOTAL" in archive.read("trial_balance.csv").decode("utf-8-sig")
    empty = zipfile.ZipFile(io.BytesIO(api(oe.user("auditor")).get(url(oe, "auditor-export/"), {"as_of": "2025-12-31"}).content))
    assert "捐赠收入" not in empty.read("journal.csv").decode("utf-8-sig")


def test_general_ledger_and_budget_vs_actual(oe, api):
    project = make_project(oe)
    post(oe, services.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny(1000),
                                    date=datetime.date(2026, 1, 5), description="拨款"))
    post(oe, services.project_expense_record(actor=oe.user("sec"), alliance=oe.alliance, project=project, source="government",
                                             amount=cny(300), date=datetime.date(2026, 2, 5), description="材料", category="materials"))
    gl = api(oe.user("auditor")).get(url(oe, "general-ledger/"), {"account": "1002"}).json()
    assert [l["running"] for l in gl[0]["lines"]] == ["1000.00", "700.00"]
    bva = api(oe.user("auditor")).get(url(oe, f"budget-vs-actual/{project.pk}/")).json()
    assert bva == [{"category": "materials", "source": "government", "currency": "CNY", "budget": "0.00",
                    "actual": "300.00", "remaining": "-300.00"}]
    # The project's budget is read from the project (it was always 0 here before).
    from projects import services as project_services

    project_services.budget_line_add(actor=oe.user("sec"), alliance=oe.alliance, project=project, category="materials",
                                     source="government", amount=cny(1200))
    bva = api(oe.user("auditor")).get(url(oe, f"budget-vs-actual/{project.pk}/")).json()
    assert bva == [{"category": "materials", "source": "government", "currency": "CNY", "budget": "1200.00",
                    "actual": "300.00", "remaining": "900.00"}]
    page = Client()
    page.force_login(oe.user("auditor"))
    assert "1,200.00" in page.get(f"/a/{oe.alliance.slug}/finance/projects/{project.pk}/budget/").content.decode()
    assert api(oe.user("auditor")).get(url(oe, "general-ledger/"), {"account": "nope"}).status_code == 400


def test_errors_speak_english_when_asked(oe, api, other_fund):
    response = api(oe.user("sec"), language="en").post(url(oe, "entries/"), entry_payload(other_fund.pk, "100.00", "90.00"),
                                                       format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["lines"] == ["Debits and credits do not balance (CNY): debit 100.00, credit 90.00."]
