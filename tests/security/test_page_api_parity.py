"""Pages and API agree on who sees what (issue 14, point 9): one reading rule (access.may_read),
filter choices from the querysets the API serves, pickers without barred units, and no button for
a role the action refuses."""

import datetime
import re

import pytest
from django.test import Client
from django_scopes import scope

from finance import services as finance
from governance.models import Meeting, Motion
from membership import services as membership
from projects import services as project_services
from tests.finance.conftest import cny
from tests.governance.helpers import pass_resolution
from tests.projects.conftest import call, make_draft, participant

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bureau_reads_the_alliance_pages_it_reads_through_the_api_and_writes_none(oe, bureau_user, api):
    slug = oe.alliance.slug
    created = api(oe.user("sec")).post(f"/api/v1/alliances/{slug}/submissions/",
                                       {"kind": "annual_report", "title": "年度报告", "year": 2003}, format="json")
    assert created.status_code == 201, created.json()
    submission = created.json()["id"]
    with scope(alliance=oe.alliance):
        motion = Motion.objects.order_by("pk").first()
        meeting = Meeting.objects.order_by("pk").first()
    bureau, bureau_api = logged_in(bureau_user), api(bureau_user)
    pairs = [("motions/", "motions/"), ("results/", "sealed-results/"), ("submissions/", "submissions/"),
             (f"submissions/{submission}/", f"submissions/{submission}/"), ("consultations/", "consultations/")]
    if motion is not None:
        pairs.append((f"motions/{motion.pk}/", f"motions/{motion.pk}/"))
    if meeting is not None:
        pairs.append((f"meetings/{meeting.pk}/", f"meetings/{meeting.pk}/"))
    for page, endpoint in pairs:
        assert bureau_api.get(f"/api/v1/alliances/{slug}/{endpoint}").status_code == 200, endpoint
        assert bureau.get(f"/a/{slug}/{page}").status_code == 200, page
    # Reading is all: the secretariat's forms and every write stay closed to the bureau.
    for form in ("motions/new/", "members/new/", "ip/new/", "projects/new/", "finance/entries/new/", "people/"):
        assert bureau.get(f"/a/{slug}/{form}").status_code == 403, form
    assert bureau.post(f"/a/{slug}/meetings/", {"title": "x", "starts_at": "2030-01-01 09:00"}).status_code == 403
    assert bureau.post(f"/a/{slug}/submissions/", {"kind": "annual_report", "title": "x"}).status_code == 403
    assert bureau.post(f"/a/{slug}/inbox/", {}).status_code == 403
    page = bureau.get(f"/a/{slug}/submissions/{submission}/").content.decode()
    assert 'data-testid="narrative-form"' not in page and "/submit/" not in page


def test_representative_filter_choices_on_the_ip_register_and_project_list_are_their_own(oe, api):
    rep = oe.user("rep-1")
    slug = oe.alliance.slug
    own_units = [u["id"] for u in api(rep).get(f"/api/v1/alliances/{slug}/members/").json()["results"]]
    own_projects = [p["id"] for p in api(rep).get(f"/api/v1/alliances/{slug}/projects/").json()["results"]]
    assert own_units and len(own_units) < len(oe.units)
    lead = next(u for u in oe.units if u.pk not in own_units)
    theirs = call(oe, project_services.project_create, title="别家单位的项目", lead_unit=lead)  # rep-1's unit takes no part

    register = logged_in(rep).get(f"/a/{slug}/ip/")
    assert register.status_code == 200
    form = register.context["filter_form"]  # the FilterSet's form, its choices built per request
    assert [u.pk for u in form.fields["owner"].queryset] == own_units
    assert sorted(p.pk for p in form.fields["project"].queryset) == sorted(own_projects)
    html = register.content.decode()
    owner_choices = re.search(r'<select name="owner"[^>]*>.*?</select>', html, re.S).group(0)
    project_choices = re.search(r'<select name="project"[^>]*>.*?</select>', html, re.S).group(0)
    for unit in oe.units:
        assert (unit.name in owner_choices) == (unit.pk in own_units), unit.name
    assert theirs.title not in project_choices

    listing = logged_in(rep).get(f"/a/{slug}/projects/")
    assert [u.pk for u in listing.context["filter_form"].fields["unit"].queryset] == own_units
    # The secretariat still filters by every unit.
    every_unit = api(oe.user("sec")).get(f"/api/v1/alliances/{slug}/members/").json()["count"]
    assert len(logged_in(oe.user("sec")).get(f"/a/{slug}/ip/").context["filter_form"].fields["owner"].queryset) == every_unit


def test_a_barred_unit_is_not_offered_in_participant_pickers_art16(oe, api):
    barred = oe.units[6]
    call(oe, membership.member_bar_record, unit=barred, grounds="违反收益分配约定",
         resolution_number=pass_resolution(oe, kind="other", subject_unit=barred))
    project = make_draft(oe)
    sec = logged_in(oe.user("sec"))
    detail = sec.get(f"/a/{oe.alliance.slug}/projects/{project.pk}/")
    offered = list(detail.context["participant_form"].fields["unit"].queryset)
    assert barred not in offered and oe.units[5] in offered
    proposal = sec.get(f"/a/{oe.alliance.slug}/projects/new/")
    assert barred not in proposal.context["form"].fields["lead_unit"].queryset
    # The API's pickers take the same set, and say why a barred unit is refused.
    client = api(oe.user("sec"), "en")
    response = client.post(f"/api/v1/alliances/{oe.alliance.slug}/projects/{project.pk}/participants/",
                           {"unit": barred.pk, "tasks": "x"}, format="json")
    assert response.status_code == 400
    assert "16" in response.json()["error"]["fields"]["unit"][0]
    response = client.patch(f"/api/v1/alliances/{oe.alliance.slug}/projects/{project.pk}/", {"lead_unit": barred.pk},
                            format="json")
    assert response.status_code == 400 and "lead_unit" in response.json()["error"]["fields"]
    assert participant(oe, project, oe.units[5]).unit == oe.units[5]


def test_auditor_is_not_shown_the_batch_approve_button(oe):
    fund = finance.fund_for(alliance=oe.alliance, source="other")
    finance.entry_record(actor=oe.user("sec"), alliance=oe.alliance, date=datetime.date(2026, 1, 5), description="待审收入",
                         lines=[{"account": "1002", "fund": fund, "debit": cny(5)}, {"account": "4901.02", "fund": fund, "credit": cny(5)}])
    url = f"/a/{oe.alliance.slug}/finance/approvals/"
    for reader in ("auditor", "council-1"):
        page = logged_in(oe.user(reader)).get(url)
        assert page.status_code == 200 and "待审收入" in page.content.decode()
        assert 'data-testid="batch-approve"' not in page.content.decode() and 'name="entry"' not in page.content.decode()
    approver = logged_in(oe.user("sg")).get(url).content.decode()
    assert 'data-testid="batch-approve"' in approver and 'name="entry"' in approver
