"""Projects in a real browser: the secretariat drafts a proposal with participants, budget, milestones
and an IP agreement; a unit barred under 第十六条(二) is not offered as lead or participant; the
council referral is refused while the IP agreement has gaps; then approval, start, a representative's
milestone report (their view, in English), acceptance with results in the IP register, and closing.
Steps that have no page (expert review, returning a proposal, the acceptance panel, the council's
votes) go through the services. Every page is checked for CSP violations and script errors."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from ip_registry.models import IPAsset, OwnershipShare
from membership import services as membership
from projects import services
from projects.models import IPShare, Milestone, Participant, Project
from tests.browser import browser_page, log_in, rows, watch

from .conftest import answer_and_close, call, decide_motion, experts, later, make_draft, refresh, running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "深海原位观测平台研制"


def the_project(ctx) -> Project:
    with scope(alliance=ctx.alliance):
        return Project.objects.get(title=TITLE)


def act(page, label):
    with page.expect_navigation():
        page.click(f"button:has-text('{label}')")


def test_secretariat_drafts_a_project_without_a_barred_unit_on_offer_is_refused_an_incomplete_ip_agreement_then_starts_it(
        oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}/projects"
    lead, partner, barred = oe.units[0], oe.units[5], oe.units[8]
    from tests.governance.helpers import pass_resolution

    membership.member_bar_record(actor=oe.user("sec"), alliance=oe.alliance, unit=barred,
                                 grounds="未按项目知识产权协议分配许可收益",
                                 resolution_number=pass_resolution(oe, kind="other", subject_unit=barred))
    today = timezone.localdate()
    with browser_page(chromium_path) as page:
        console = watch(page, 400)
        log_in(page, live_server.url, oe.user("sec").username)
        page.goto(f"{base}/")
        assert page.locator("h1").inner_text() == "联盟项目"
        with page.expect_navigation():
            page.click("[data-testid=new-project]")
        page.fill("#id_title", TITLE)
        # An active member, but barred: not offered as lead (the API refuses it with the reason).
        assert page.locator(f"#id_lead_unit option[value='{barred.pk}']").count() == 0
        page.fill("#id_lead_tasks", "总体设计与系统集成")
        page.fill("#id_goals_near", "两年内完成样机海试")
        page.fill("#id_start_date", today.isoformat())
        page.fill("#id_end_date", (today + datetime.timedelta(days=720)).isoformat())
        page.select_option("#id_lead_unit", str(lead.pk))
        with page.expect_navigation():
            page.click("[data-testid=proposal-form] button[type=submit]")
        assert "项目建议书已创建" in page.inner_text("ul.messages")
        assert page.inner_text("[data-testid=project-status]") == "草稿"
        [lead_listed] = rows(page, "participants")
        assert lead_listed.startswith(f"{lead.name}\t牵头单位\t总体设计与系统集成")

        # The barred unit is not offered as a participant either.
        participant_form = page.locator("form:has(input[value=add_participant])")
        assert participant_form.locator(f"#id_unit option[value='{barred.pk}']").count() == 0

        participant_form.locator("#id_unit").select_option(str(partner.pk))
        participant_form.locator("#id_tasks").fill("水下传感器集成与测试")
        with page.expect_navigation():
            participant_form.locator("button[type=submit]").click()
        assert "已保存。" in page.inner_text("ul.messages")
        assert len(rows(page, "participants")) == 2

        budget_form = page.locator("form:has(input[value=add_budget])")
        budget_form.locator("select[name=category]").select_option("equipment")
        budget_form.locator("select[name=source]").select_option("member_contribution")
        budget_form.locator("select[name=participant]").select_option(label=lead.name)
        budget_form.locator("input[name=amount]").fill("200000")
        with page.expect_navigation():
            budget_form.locator("button[type=submit]").click()
        assert "200,000.00" in page.inner_text("[data-testid=budget-vs-actual]")
        milestone_form = page.locator("form:has(input[value=add_milestone])")
        milestone_form.locator("input[name=due]").fill((today + datetime.timedelta(days=180)).isoformat())
        milestone_form.locator("input[name=description]").fill("样机设计评审")
        with page.expect_navigation():
            milestone_form.locator("button[type=submit]").click()
        assert "样机设计评审" in page.inner_text("[data-testid=milestones]")

        # An IP agreement with gaps: shares of 90 % and two clauses missing.
        project = the_project(oe)
        with scope(alliance=oe.alliance):
            lead_row, partner_row = (project.participants.get(unit=u) for u in (lead, partner))
        ip_form = page.locator("[data-testid=ip-agreement] form")
        ip_form.locator(f"input[name=share_{lead_row.pk}]").fill("70")
        ip_form.locator(f"input[name=share_{partner_row.pk}]").fill("20")
        ip_form.locator("textarea[name=licensing]").fill("联盟成员在项目研发阶段可无偿使用")
        ip_form.locator("textarea[name=revenue_sharing]").fill("按权属份额分配")
        with page.expect_navigation():
            ip_form.locator("button[type=submit]").click()
        gaps = page.inner_text("[data-testid=ip-agreement] ul.errorlist")
        assert "权属份额合计为90%，须恰好为100%。" in gaps and "未约定联盟解散时的知识产权处理。" in gaps

        act(page, "提交建议书")
        assert page.inner_text("[data-testid=project-status]") == "已提交"
        call(oe, services.project_review_open, project=the_project(oe), experts=experts(oe), deadline=later())
        answer_and_close(oe, the_project(oe).review_consultation_id)

        # 第十六条(二): no council vote while the IP agreement has gaps.
        page.reload()
        assert page.inner_text("[data-testid=project-status]") == "专家评审"
        act(page, "提请理事会表决")
        message = page.inner_text("ul.messages")
        assert "知识产权约定不明确的项目不予立项（第十六条(二)）。" in message and "权属份额合计为90%" in message
        project = the_project(oe)
        assert project.status == Project.Status.EXPERT_REVIEW and project.approval_motion_id is None

        # Sent back to draft; the agreement form shows the shares already agreed, the secretariat corrects one.
        call(oe, services.project_return, project=project, reason="请完善知识产权约定")
        page.reload()
        assert page.inner_text("[data-testid=project-status]") == "草稿"
        ip_form = page.locator("[data-testid=ip-agreement] form")
        assert ip_form.locator(f"input[name=share_{lead_row.pk}]").input_value() in ("70", "70.00")
        assert ip_form.locator("textarea[name=licensing]").input_value() == "联盟成员在项目研发阶段可无偿使用"
        ip_form.locator(f"input[name=share_{partner_row.pk}]").fill("30")
        ip_form.locator("textarea[name=on_dissolution]").fill("按份额分割，继续有效")
        ip_form.locator("textarea[name=on_withdrawal]").fill("退出方保留已取得份额")
        with page.expect_navigation():
            ip_form.locator("button[type=submit]").click()
        assert "约定完整" in page.inner_text("[data-testid=ip-agreement]")
        assert page.locator("[data-testid=ip-agreement] ul.errorlist").count() == 0

        act(page, "提交建议书")
        call(oe, services.project_review_open, project=the_project(oe), experts=experts(oe), deadline=later())
        answer_and_close(oe, the_project(oe).review_consultation_id)
        page.reload()
        act(page, "提请理事会表决")
        assert page.inner_text("[data-testid=project-status]") == "理事会表决"
        decide_motion(oe, the_project(oe).approval_motion_id)
        page.reload()
        assert page.inner_text("[data-testid=project-status]") == "已批准"
        assert "立项决议" in page.inner_text("main")
        act(page, "开始实施")
        assert page.inner_text("[data-testid=project-status]") == "实施中"
        assert "开始实施" in page.inner_text("[data-testid=history]")
        console.assert_clean()

    project = the_project(oe)
    with scope(alliance=oe.alliance):
        assert project.status == Project.Status.IN_PROGRESS and project.version == 1
        assert sorted(project.participants.values_list("unit_id", flat=True)) == sorted([lead.pk, partner.pk])
        assert not Participant.objects.filter(unit=barred).exists()
        shares = {s.participant.unit_id: s.share for s in IPShare.objects.filter(agreement__project=project)}
        assert shares == {lead.pk: Decimal("70"), partner.pk: Decimal("30")}


def test_representative_reports_a_milestone_in_english_and_the_secretariat_accepts_and_closes(oe, live_server, chromium_path):
    base = f"{live_server.url}/a/{oe.alliance.slug}/projects"
    rep_unit = oe.units[5]
    project = running(oe, make_draft(oe))  # participants units[0], units[1], units[5]
    elsewhere = call(oe, services.project_create, title="港口机械智能化", lead_unit=oe.units[6])
    with scope(alliance=oe.alliance):
        first = project.milestones.order_by("due").first()

    with browser_page(chromium_path) as page:
        console = watch(page, 404)
        log_in(page, live_server.url, oe.user("rep-1").username)
        page.goto(f"{base}/")
        listed = rows(page, "project-table")
        assert len(listed) == 1 and project.title in listed[0] and "实施中" in listed[0]
        assert page.locator("[data-testid=new-project]").count() == 0
        assert page.goto(f"{base}/{elsewhere.pk}/").status == 404
        page.goto(f"{base}/{project.pk}/")
        with page.expect_navigation():
            page.select_option("[data-testid=language-switch]", "en")
        assert page.inner_text("[data-testid=project-status]") == "In progress"
        main = page.inner_text("main")
        assert "Participants and tasks" in main and "IP agreement" in main
        assert page.locator("button:has-text('Submit'), form:has(input[value=request_acceptance])").count() == 0
        row = page.locator("[data-testid=milestones] tbody tr", has_text=first.description)
        row.locator("input[name=report]").fill("样机设计评审已完成，专家组同意进入详细设计。")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        assert "样机设计评审已完成" in page.inner_text("[data-testid=milestones]")
        console.assert_clean()
    with scope(alliance=oe.alliance):
        first = Milestone.objects.get(pk=first.pk)
        assert first.reported_by == oe.user("rep-1") and first.report.startswith("样机设计评审已完成")
        rest = list(project.milestones.filter(reported_at__isnull=True))
    for milestone in rest:
        call(oe, services.milestone_report, milestone=milestone, report="海试完成")

    with browser_page(chromium_path) as page:
        console = watch(page, 400)
        log_in(page, live_server.url, oe.user("sec").username)
        page.goto(f"{base}/{project.pk}/")
        page.fill("textarea[name=deliverables]", "样机一套、试验报告、发明专利申请一件")
        act(page, "申请验收")
        assert page.inner_text("[data-testid=project-status]") == "已申请验收"
        call(oe, services.acceptance_review_open, project=refresh(oe, project), experts=experts(oe), deadline=later())
        answer_and_close(oe, refresh(oe, project).acceptance_consultation_id)
        with page.expect_navigation():
            page.click("a:has-text('验收表')")
        form = page.locator("[data-testid=acceptance-form]")
        form.locator("#id_accepted").select_option("yes")
        form.locator("#id_opinion").fill("完成合同约定的全部任务，同意通过验收。")
        form.locator("#id_results").fill("invention_patent 一种深海传感器阵列标定方法")  # no separator: refused
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "第1行格式有误。" in page.inner_text("#id_results_error")
        assert refresh(oe, project).status == Project.Status.ACCEPTANCE_REQUESTED
        page.fill("#id_results", "invention_patent|一种深海传感器阵列标定方法|CN202610123456.7")
        with page.expect_navigation():
            page.click("[data-testid=acceptance-form] button[type=submit]")
        assert "验收结果已记录。" in page.inner_text("ul.messages")
        assert page.inner_text("[data-testid=project-status]") == "验收通过"
        assert "一种深海传感器阵列标定方法" in page.inner_text("[data-testid=results]")
        act(page, "结题")
        assert page.inner_text("[data-testid=project-status]") == "已结题"
        console.assert_clean()

    with scope(alliance=oe.alliance):
        assert Project.objects.get(pk=project.pk).status == Project.Status.CLOSED
        asset = IPAsset.objects.get(title="一种深海传感器阵列标定方法")
        assert asset.origin == "foreground" and asset.project_id == project.pk
        owners = {s.member_unit_id: s.share for s in OwnershipShare.objects.filter(version__asset=asset)}
        assert owners == {oe.units[0].pk: Decimal("60"), oe.units[1].pk: Decimal("30"), rep_unit.pk: Decimal("10")}
