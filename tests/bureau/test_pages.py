from django.test import Client
from django_scopes import scopes_disabled

from alliances.models import Alliance
from bureau.models import Decision, Submission
from tests.bureau.conftest import NARRATIVE, draft, fresh, package, submitted


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def page(ctx, suffix=""):
    return f"/a/{ctx.alliance.slug}/submissions/{suffix}"


def test_submissions_page_lists_and_creates_drafts(oe):
    client = client_for(oe.user("sec"))
    response = client.get(page(oe))
    assert response.status_code == 200 and "向市科技局报送" in response.content.decode()
    created = client.post(page(oe), {"kind": "necessity_statement", "title": "组建必要性说明"})
    assert created.status_code == 302
    with scopes_disabled():
        submission = Submission.objects.get(alliance=oe.alliance)
    assert submission.kind == "necessity_statement" and submission.created_by == oe.user("sec")
    detail = client.get(page(oe, f"{submission.pk}/"))
    assert detail.status_code == 200 and 'data-testid="narrative-form"' in detail.content.decode()
    # Staff see no submit button: only the secretary-general submits.
    assert 'data-testid="submit"' not in detail.content.decode()


def test_narrative_form_refuses_long_innovation_goals(oe):
    submission = draft(oe)
    client = client_for(oe.user("sec"))
    response = client.post(page(oe, f"{submission.pk}/"), {"title": "认定申请书", "innovation_goals": "目" * 501})
    assert response.status_code == 400
    assert fresh(oe, submission).innovation_goals == NARRATIVE["innovation_goals"]


def test_secretary_general_submits_from_the_page_and_staff_cannot(oe):
    package(oe)  # 第八条、第九条 met before applying
    submission = draft(oe)
    assert client_for(oe.user("sec")).post(page(oe, f"{submission.pk}/submit/")).status_code == 403
    assert fresh(oe, submission).status == Submission.Status.DRAFT
    response = client_for(oe.user("sg")).post(page(oe, f"{submission.pk}/submit/"))
    assert response.status_code == 302
    assert fresh(oe, submission).status == Submission.Status.SUBMITTED
    pdf = client_for(oe.user("sg")).get(page(oe, f"{submission.pk}/document/"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_other_alliances_get_404_on_submission_pages(oe, bm):
    submission = draft(oe)
    client = client_for(bm.user("sec"))
    assert client.get(page(oe)).status_code == 404
    assert client.get(page(oe, f"{submission.pk}/")).status_code == 404
    # Even via their own alliance's URL, another alliance's submission does not exist.
    assert client.get(page(bm, f"{submission.pk}/")).status_code == 404
    assert client_for(oe.user("rep-1")).get(page(oe)).status_code == 403


def test_bureau_console_shows_every_alliance_and_is_closed_to_others(oe, bm, bureau_user):
    submitted(bm)
    response = client_for(bureau_user).get("/bureau/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="row-ocean-equipment"' in html and 'data-testid="row-biomed"' in html
    assert oe.alliance.name in html and bm.alliance.name in html
    assert 'data-testid="funds-ocean-equipment"' in html
    for user in (oe.user("sg"), bm.user("chair")):
        assert client_for(user).get("/bureau/").status_code == 403
        assert client_for(user).get("/bureau/submissions/").status_code == 403
    assert Client().get("/bureau/").status_code == 302  # to the login page


def test_bureau_inbox_filters_and_review_page_decides(oe, bm, bureau_user):
    mine, theirs = submitted(oe), submitted(bm)
    client = client_for(bureau_user)
    html = client.get("/bureau/submissions/", {"alliance": "biomed"}).content.decode()
    assert f"/bureau/submissions/{theirs.pk}/" in html and f"/bureau/submissions/{mine.pk}/" not in html
    review = client.get(f"/bureau/submissions/{mine.pk}/")
    assert review.status_code == 200 and 'data-testid="decide-form"' in review.content.decode()
    response = client.post(f"/bureau/submissions/{mine.pk}/", {
        "decision": "approved", "necessity_opinion": "同意", "organisation_opinion": "同意",
        "necessity_date": "2026-03-01", "organisation_date": "2026-03-02",
    })
    assert response.status_code == 302
    assert fresh(oe, mine).status == Submission.Status.APPROVED
    assert Alliance.objects.get(pk=oe.alliance.pk).status == Alliance.Status.RECOGNISED
    assert client.get(f"/bureau/submissions/{mine.pk}/document/").content.startswith(b"%PDF")


def test_non_officers_cannot_post_decisions_on_bureau_pages(oe, bm):
    submission = submitted(oe)
    for user in (oe.user("sg"), bm.user("sg")):
        response = client_for(user).post(f"/bureau/submissions/{submission.pk}/", {"decision": "approved", "necessity_opinion": "x"})
        assert response.status_code == 403
    assert fresh(oe, submission).status == Submission.Status.SUBMITTED
    with scopes_disabled():
        assert not Decision.objects.exists()


def test_dashboard_tile_counts_pending_submissions(oe):
    submitted(oe)
    html = client_for(oe.user("sec")).get(f"/a/{oe.alliance.slug}/").content.decode()
    assert "报送市科技局待审" in html


def test_pages_render_in_english(oe, bureau_user):
    submitted(oe)
    client = client_for(bureau_user)
    client.cookies["django_language"] = "en"
    html = client.get("/bureau/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bureau console" in html


def test_admin_is_read_only_for_submissions(oe, platform_admin):
    submission = submitted(oe)
    client = client_for(platform_admin)
    with scopes_disabled():
        version = submission.versions.get()
    assert client.get(f"/admin/bureau/submission/{submission.pk}/change/").status_code == 200
    assert client.get(f"/admin/bureau/submissionversion/{version.pk}/change/").status_code == 200
    assert client.get("/admin/bureau/submission/add/").status_code == 403
    response = client.post(f"/admin/bureau/submissionversion/{version.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    with scopes_disabled():
        assert submission.versions.filter(pk=version.pk).exists()
