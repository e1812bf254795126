import pytest
from django_scopes import scope

from bureau import services
from bureau.models import Kind
from governance.agreement import demo as agreement_demo

NARRATIVE = {
    "innovation_goals": "突破深海探测传感器关键共性技术，形成发明专利30项。",
    "industry_status": "海洋工程装备产业规模快速增长。",
    "technology_trends": "深水化、智能化是主要趋势，我市核心传感器与国际先进水平存在差距。",
    "policy_fit": "符合海洋强国战略和“双高”规划。",
    "alliance_role": "形成稳定的产学研合作关系。",
}


def draft(ctx, kind=Kind.RECOGNITION_APPLICATION, title="认定申请书", narrative=None, **kwargs):
    if kind in (Kind.RECOGNITION_APPLICATION, Kind.AGREEMENT_TEXT):
        with scope(alliance=ctx.alliance):
            agreement_demo.sign_founding(ctx)  # 附件2 goes with it: complete and signed by every party
    submission = services.approval_request(actor=ctx.user("sec"), alliance=ctx.alliance, kind=kind, title=title, **kwargs)
    if narrative is not False:
        submission = services.submission_edit(actor=ctx.user("sec"), alliance=ctx.alliance, submission=submission,
                                              **(narrative or NARRATIVE))
    return submission


def package(ctx):
    """第八条、第九条: the agreement, the fund rules filed and the necessity statement (as the demo has them)."""
    from bureau import demo

    with scope(alliance=ctx.alliance):
        demo.package(ctx)


def submitted(ctx, **kwargs):
    if kwargs.get("kind", Kind.RECOGNITION_APPLICATION) == Kind.RECOGNITION_APPLICATION:
        package(ctx)
    submission = draft(ctx, **kwargs)
    return services.submission_submit(actor=ctx.user("sg"), alliance=ctx.alliance, submission=submission)


def fresh(ctx, submission):
    """Re-read a submission from the database (inside its alliance's scope)."""
    from bureau.models import Submission

    with scope(alliance=ctx.alliance):
        return Submission.objects.get(pk=submission.pk)


def current_version(ctx, submission):
    from bureau.models import SubmissionVersion

    with scope(alliance=ctx.alliance):
        return SubmissionVersion.objects.filter(submission_id=submission.pk).order_by("-number").first()


OPINION = {"necessity_opinion": "具备组建必要性。", "organisation_opinion": "组织形式符合要求。"}


def through_stages(ctx, submission, until=""):
    """The staged review by the demo's offices and experts, up to the stage `until` (all: confirmed)."""
    from bureau import demo

    users = demo.offices()
    with scope(alliance=ctx.alliance):
        review = fresh(ctx, submission).review
        demo.advance(users, review, until=until)
        review.refresh_from_db()
    return review


def recognise(ctx, officer=None):
    """The real route to a recognised alliance: the application submitted, every stage passed, confirmed."""
    from bureau import demo

    demo.offices()  # before submitting: the application then opens in the staged review
    through_stages(ctx, submitted(ctx))
    ctx.alliance.refresh_from_db()
    assert ctx.alliance.status == "recognised"


@pytest.fixture
def recognition(oe):
    return submitted(oe)


@pytest.fixture(autouse=True)
def signed_agreement(request):
    """The bureau's tests start from an alliance whose agreement (附件2) is complete and signed."""
    for name in ("oe", "bm"):
        if name in request.fixturenames:
            ctx = request.getfixturevalue(name)
            with scope(alliance=ctx.alliance):
                agreement_demo.sign_founding(ctx)
