"""Project pages: list with filters, project page, proposal form, acceptance form, representatives' view."""

import pytest
from django.test import Client
from django_scopes import scope

from projects import services
from projects.models import Project

from .conftest import answer_and_close, call, experts, later, refresh, running

pytestmark = pytest.mark.django_db


def page(user):
    client = Client()
    client.force_login(user)
    return client


def base(ctx):
    return f"/a/{ctx.alliance.slug}/projects/"


def test_list_page_filters_by_status_and_unit(oe, draft):
    other = call(oe, services.project_create, title="港口机械智能化", lead_unit=oe.units[6], government_programme=True)
    client = page(oe.user("sec"))
    html = client.get(base(oe)).content.decode()
    assert draft.title in html and other.title in html
    html = client.get(base(oe) + f"?unit={oe.units[5].pk}").content.decode()
    assert draft.title in html and other.title not in html
    html = client.get(base(oe) + "?government_programme=true").content.decode()
    assert other.title in html and draft.title not in html
    html = client.get(base(oe) + "?status=submitted").content.decode()
    assert draft.title not in html and other.title not in html


def test_representative_sees_only_their_units_projects(oe, draft):
    other = call(oe, services.project_create, title="港口机械智能化", lead_unit=oe.units[6])
    client = page(oe.user("rep-1"))
    html = client.get(base(oe)).content.decode()
    assert draft.title in html and other.title not in html
    assert client.get(base(oe) + f"{draft.pk}/").status_code == 200
    assert client.get(base(oe) + f"{other.pk}/").status_code == 404


def test_other_alliance_gets_404(oe, bm, draft):
    assert page(bm.user("sec")).get(base(oe)).status_code == 404
    assert page(bm.user("sec")).get(base(oe) + f"{draft.pk}/").status_code == 404


def test_project_page_shows_participants_budget_milestones_ip_and_history(oe, draft):
    html = page(oe.user("council-1")).get(base(oe) + f"{draft.pk}/").content.decode()
    for text in ["传感器材料研究", "设备费", "300,000.00", "样机设计评审", "按权属份额分配", "创建项目建议书", "约定完整"]:
        assert text in html, text


def test_project_page_lists_ip_agreement_gaps(oe):
    from .conftest import make_draft

    project = make_draft(oe, complete_ip=False)
    html = page(oe.user("sec")).get(base(oe) + f"{project.pk}/").content.decode()
    assert "未约定收益分配" in html


def test_proposal_form_creates_a_draft(oe):
    client = page(oe.user("sec"))
    assert client.get(base(oe) + "new/").status_code == 200
    response = client.post(base(oe) + "new/", {"title": "海洋牧场监测", "lead_unit": oe.units[2].pk, "goals_near": "样机",
                                               "lead_tasks": "总体设计"})
    assert response.status_code == 302
    with scope(alliance=oe.alliance):
        project = Project.objects.get(title="海洋牧场监测")
        assert project.participants.get().tasks == "总体设计"


def test_proposal_form_refuses_bad_input_and_other_roles(oe):
    client = page(oe.user("sec"))
    assert client.post(base(oe) + "new/", {"title": "", "lead_unit": oe.units[2].pk}).status_code == 400
    assert page(oe.user("council-1")).get(base(oe) + "new/").status_code == 403
    with scope(alliance=oe.alliance):
        assert not Project.objects.exists()


def test_draft_is_completed_and_submitted_from_the_project_page(oe):
    project = call(oe, services.project_create, title="海洋牧场监测", lead_unit=oe.units[2], lead_tasks="总体")
    client = page(oe.user("sec"))
    act = base(oe) + f"{project.pk}/act/"
    client.post(act, {"action": "add_participant", "unit": oe.units[3].pk, "tasks": "装备"})
    client.post(act, {"action": "add_budget", "category": "equipment", "source": "government", "amount": "1000"})
    client.post(act, {"action": "add_milestone", "due": "2027-03-01", "description": "中期"})
    with scope(alliance=oe.alliance):
        lead, second = project.participants.all()
    client.post(act, {"action": "ip_agreement", f"share_{lead.pk}": "70", f"share_{second.pk}": "30", "licensing": "a",
                      "revenue_sharing": "b", "on_dissolution": "c", "on_withdrawal": "d"})
    client.post(act, {"action": "submit"})
    project = refresh(oe, project)
    assert project.status == "submitted"
    with scope(alliance=oe.alliance):
        assert project.budget_lines.count() == 1 and project.milestones.count() == 1 and project.ip_agreement.shares.count() == 2


def test_a_refused_step_on_the_page_says_why_and_changes_nothing(oe, draft):
    response = page(oe.user("sec")).post(base(oe) + f"{draft.pk}/act/", {"action": "start"}, follow=True)
    assert "不能执行此操作" in response.content.decode()
    assert refresh(oe, draft).status == "draft"


def test_representative_cannot_submit_from_the_page(oe, draft):
    page(oe.user("rep-1")).post(base(oe) + f"{draft.pk}/act/", {"action": "submit"})
    assert refresh(oe, draft).status == "draft"


def test_acceptance_form_records_the_result_and_registers_results(oe, draft):
    project = running(oe, draft)
    with scope(alliance=oe.alliance):
        milestones = list(project.milestones.all())
    for m in milestones:
        call(oe, services.milestone_report, milestone=m, report="完成")
    call(oe, services.acceptance_request, project=project, deliverables="样机")
    project = call(oe, services.acceptance_review_open, project=refresh(oe, project), experts=experts(oe), deadline=later())
    answer_and_close(oe, project.acceptance_consultation_id)
    client = page(oe.user("sec"))
    url = base(oe) + f"{project.pk}/acceptance/"
    assert "60" in client.get(url).content.decode()
    bad = client.post(url, {"accepted": "yes", "opinion": "通过", "results": "nonsense"})
    assert bad.status_code == 400 and refresh(oe, project).status == "acceptance_requested"
    response = client.post(url, {"accepted": "yes", "opinion": "通过验收", "results": "invention_patent|深海压力传感器|CN2026"})
    assert response.status_code == 302
    project = refresh(oe, project)
    assert project.status == "accepted"
    html = client.get(base(oe) + f"{project.pk}/").content.decode()
    assert "深海压力传感器" in html


def test_dashboard_has_a_projects_tile(oe, draft):
    html = page(oe.user("sec")).get(f"/a/{oe.alliance.slug}/").content.decode()
    assert "实施中的项目" in html
