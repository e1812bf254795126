"""Real objects of a demo alliance for every path parameter, so that an allowed request reaches a
real row and a 403 or 404 means what it says.

The objects are chosen on purpose (see `RESOURCES`): every unit-scoped object (member unit, project, IP
asset, licence, statement) belongs to units other than the representative's (`rep-1` represents
`units[5]`), the consultation is a closed one `expert-1` was not asked in, and the notification is
`council-1`'s. The matrix's `rep`, `expert` and per-person columns are read with that in
mind.
"""

import re
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django_scopes import scope

from alliances import demo as foundation_demo
from alliances import jobs
from alliances.models import Job, OutboxMessage, RoleGrant, Seat
from bureau import services as bureau_services
from bureau.models import Decision, PublishedList, Review, Submission
from djmoney.money import Money

from finance import chart
from finance import services as finance_services
from finance.models import Account, Attachment, Commitment, Fund, JournalEntry, Period
from governance.models import AgreementVersion
from governance.models import (
    CharterVersion, Consultation, ConsultationDocument, Meeting, Motion, MotionAttachment, Notification, Resolution,
    SealedResult,
)
from ip_registry import services as ip_services
from ip_registry.models import IPAsset, Licence, OwnershipShare, Transfer
from membership.models import AccessionAgreement, MemberUnit
from projects import services as project_services
from projects.models import Adjustment, BudgetLine, Document, Expense, Milestone, Participant, Project, Result

REP_UNIT = 5  # `rep-1` represents ctx.units[5]


def complete(ctx) -> None:
    """Add the few kinds of rows the demo does not create (a transfer, an adjustment, a project
    document, a voucher attachment, a motion paper, a consultation document), through the services
    where they allow it, so every path has a real object."""
    sec = ctx.user("sec")
    alliance = ctx.alliance
    with scope(alliance=alliance):
        project = _project(ctx)
        if not Document.objects.filter(project=project).exists():
            project_services.document_add(actor=sec, alliance=alliance, project=project, title="保密测试文件",
                                          file=ContentFile(b"%PDF-1.4 test", name="doc.pdf"))
        if not Adjustment.objects.exists():
            running = Project.objects.filter(status__in=[Project.Status.IN_PROGRESS, Project.Status.ADJUSTED]).first()
            if running is not None:
                project_services.adjustment_propose(actor=sec, alliance=alliance, project=running,
                                                    kind=Adjustment.Kind.REVOKE, reason="矩阵测试调整")
            else:  # no project is running in the demo: a row as the service would leave it, for the paths
                Adjustment.objects.create(alliance=alliance, project=project, kind=Adjustment.Kind.REVOKE,
                                          reason="矩阵测试调整")
        if not Attachment.objects.exists():
            entry = JournalEntry.objects.filter(status=JournalEntry.Status.RECORDED).order_by("pk").first()
            if entry is None:  # the demo posts all it records: record one more, left unapproved
                general = finance_services.fund_for(alliance=alliance, source="member_contribution")
                entry = finance_services.entry_record(
                    actor=sec, alliance=alliance, date=date.today(), description="矩阵测试待审凭证", lines=[
                        {"account": chart.EXPENSE_OFFICE, "fund": general, "debit": Money("10.00", "CNY")},
                        {"account": chart.BANK, "fund": general, "credit": Money("10.00", "CNY")},
                    ])
            if entry is not None:
                finance_services.attachment_add(actor=sec, alliance=alliance, entry=entry,
                                                upload=SimpleUploadedFile("v.pdf", b"%PDF-1.4 voucher", "application/pdf"))
        # The demo's motions have left the draft and its chosen consultation is closed: the services no
        # longer take papers for them, so the rows are as the services would have left them.
        if not MotionAttachment.objects.exists():
            motion = Motion.objects.exclude(status=Motion.Status.DRAFT).order_by("pk").first()
            MotionAttachment.objects.create(alliance=alliance, motion=motion, name="矩阵测试议案附件", uploaded_by=sec,
                                            file=ContentFile(b"%PDF-1.4 paper", name="paper.pdf"))
        if not ConsultationDocument.objects.exists():
            ConsultationDocument.objects.create(alliance=alliance, consultation=_consultation(ctx), name="矩阵测试咨询材料",
                                                file=ContentFile(b"%PDF-1.4 matter", name="matter.pdf"))
        if not Transfer.objects.exists():
            asset = IPAsset.objects.exclude(pk=_asset(ctx).pk).order_by("pk").last()
            if asset is not None:
                ip_services.transfer_create(actor=sec, alliance=alliance, asset=asset, price=Decimal("1000.00"),
                                            agreed_on=date(2026, 1, 5),
                                            transferees=[(ctx.units[1], "", Decimal("100"))])
        if not Job.objects.exists():  # a finished auditor export, with its file, built as the worker builds it
            job = jobs.job_start(actor=sec, alliance=alliance, kind="finance.auditor_zip", params={"as_of": "2026-06-30"})
            jobs.run.call(job.pk)
        if not Decision.objects.exists():  # biomed's submissions await review: the bureau returns one
            waiting = Submission.objects.filter(status=Submission.Status.SUBMITTED).order_by("pk").first()
            if waiting is not None:
                bureau_services.submission_decide(actor=foundation_demo.bureau_officer(), submission=waiting,
                                                  decision="returned", comments="矩阵测试退回")



def _project(ctx):
    rep_unit = ctx.units[REP_UNIT]
    projects = Project.objects.exclude(participants__unit=rep_unit).exclude(lead_unit=rep_unit)
    # The project with the most kinds of children, so every child path has a row.
    best = max(projects.order_by("pk"), key=lambda p: (
        p.participants.exists() + p.budget_lines.exists() + p.milestones.exists() + p.expenses.exists()
        + Result.objects.filter(project=p).exists() + Document.objects.filter(project=p).exists(), -p.pk))
    return best


def _asset(ctx):
    rep_unit = ctx.units[REP_UNIT]
    owned = OwnershipShare.objects.filter(member_unit=rep_unit).values("version__asset_id")
    licensed = Licence.objects.filter(Q(licensee_unit=rep_unit) | Q(licensors__member_unit=rep_unit)).values("asset_id")
    return IPAsset.objects.exclude(pk__in=owned).exclude(pk__in=licensed).order_by("pk").first()


def _licence(ctx):
    rep_unit = ctx.units[REP_UNIT]
    owned = OwnershipShare.objects.filter(member_unit=rep_unit).values("version__asset_id")
    return (Licence.objects.exclude(licensee_unit=rep_unit).exclude(licensors__member_unit=rep_unit)
            .exclude(asset__in=owned).order_by("pk").first())


def _child(model, ctx):
    """A row of the chosen project, else of any project the representative's unit is not in."""
    rep_unit = ctx.units[REP_UNIT]
    return (model.objects.filter(project=_project(ctx)).order_by("pk").first()
            or model.objects.exclude(project__participants__unit=rep_unit).order_by("pk").first()
            or model.objects.order_by("pk").first())  # the demo's results: all in projects rep-1's unit is in


def _consultation(ctx):
    expert = ctx.user("expert-1")
    return (Consultation.objects.filter(status=Consultation.Status.CLOSED).exclude(invitations__expert=expert)
            .order_by("pk").first())


# resource (the path segment before the parameter) -> the object
RESOURCES = {
    "charter": lambda ctx: CharterVersion.objects.order_by("pk").first(),
    "versions": lambda ctx: AgreementVersion.objects.order_by("pk").first(),  # agreement versions
    "consultations": _consultation,
    "ip-assets": _asset,
    "ip": _asset,
    "ip-transfers": lambda ctx: Transfer.objects.order_by("pk").first(),
    "accounts": lambda ctx: Account.objects.order_by("pk").first(),
    "contributions": lambda ctx: Commitment.objects.order_by("pk").first(),
    "entries": lambda ctx: JournalEntry.objects.filter(attachments__isnull=False).first()
    or JournalEntry.objects.order_by("pk").first(),
    "attachments": lambda ctx: Attachment.objects.order_by("pk").first(),
    "funds": lambda ctx: Fund.objects.order_by("pk").first(),
    "periods": lambda ctx: Period.objects.order_by("pk").first(),
    "statements": lambda ctx: ctx.units[0],
    "budget-vs-actual": _project,
    "licences": _licence,
    "meetings": lambda ctx: Meeting.objects.order_by("pk").first(),
    "members": lambda ctx: ctx.units[0],
    "motions": lambda ctx: Motion.objects.order_by("pk").first(),
    "notifications": lambda ctx: Notification.objects.filter(user=ctx.user("council-1")).order_by("pk").first(),
    "projects": _project,
    "adjustments": lambda ctx: Adjustment.objects.order_by("pk").first(),
    "budget-lines": lambda ctx: _child(BudgetLine, ctx),
    "documents": lambda ctx: _child(Document, ctx),
    "expenses": lambda ctx: _child(Expense, ctx),
    "milestones": lambda ctx: _child(Milestone, ctx),
    "participants": lambda ctx: _child(Participant, ctx),
    "results": lambda ctx: _child(Result, ctx),
    "resolutions": lambda ctx: Resolution.objects.order_by("pk").first(),
    "grants": lambda ctx: RoleGrant.objects.get(user=ctx.user("expert-3"), revoked_at__isnull=True),
    "outbox": lambda ctx: OutboxMessage.objects.order_by("pk").first(),  # a demo invitation
    "jobs": lambda ctx: Job.objects.order_by("pk").first(),  # the auditor export of `complete`
    "roles": lambda ctx: RoleGrant.objects.get(user=ctx.user("expert-3"), revoked_at__isnull=True),
    "sealed-results": lambda ctx: SealedResult.objects.order_by("pk").first(),
    "seats": lambda ctx: Seat.objects.order_by("pk").first(),
    "submissions": lambda ctx: Submission.objects.exclude(version=0).order_by("pk").first(),
    "reviews": lambda ctx: Review.objects.order_by("pk").first(),
    "lists": lambda ctx: PublishedList.objects.order_by("pk").first(),
}

# a parameter named after what it holds, whatever segment precedes it
PARAMETERS = {
    "project_pk": _project,
    "project_id": _project,
    "unit_id": lambda ctx: ctx.units[0],
    "user_id": lambda ctx: ctx.user("expert-3"),
    "attachment_id": RESOURCES["attachments"],
}

PARAM = re.compile(r"\{(\w+)\}|<(?:\w+:)?(\w+)>")


def object_for(ctx, path: str, name: str, start: int):
    """The object behind parameter `name` found at `start` in `path` (OpenAPI or Django route)."""
    if name == "project_pk":
        # the project of the child row named after it, so that the row is found under it
        child = re.search(r"\{project_pk\}/([\w-]+)/\{id\}", path)
        if child:
            return RESOURCES[child.group(1)](ctx).project
    if name == "document_id":  # a consultation's document or a project's
        if "consultations" in path:
            return ConsultationDocument.objects.filter(consultation=_consultation(ctx)).order_by("pk").first()
        return _child(Document, ctx)
    if "motions" in path and "attachment" in path[start:]:  # a motion's paper, or the motion that has it
        paper = MotionAttachment.objects.order_by("pk").first()
        return paper if name == "attachment_id" else paper.motion
    if "/decisions/" in path:  # a decision, under its own submission
        decision = Decision.objects.order_by("pk").first()
        return decision if name == "decision_id" else decision.submission
    if "minutes/pdf" in path:  # only approved minutes are a record
        return Meeting.objects.filter(minutes_status__in=["approved", "locked"]).order_by("pk").first()
    if "accession/pdf" in path:  # a unit with an accession record, not the representative's
        return (AccessionAgreement.objects.exclude(unit=ctx.units[REP_UNIT]).order_by("pk").first()).unit
    if name in PARAMETERS:
        return PARAMETERS[name](ctx)
    segments = [s for s in path[:start].split("/") if s and not PARAM.fullmatch(s)]
    resource = segments[-1]
    if resource == "entries" and "attachments" in path[start:]:
        return RESOURCES["attachments"](ctx).entry
    return RESOURCES[resource](ctx)


def concrete(ctx, path: str, *, act: str = "propose-expulsion") -> str:
    """`path` with every parameter replaced by a real id (slug, pk) from `ctx`'s alliance."""
    with scope(alliance=ctx.alliance):
        def fill(match):
            name = match.group(1) or match.group(2)
            if name == "slug":
                return ctx.alliance.slug
            if name == "act":
                return act
            if name in ("uidb64", "token"):
                return "x"
            if name == "number":  # agreement versions are addressed by their number
                return str(AgreementVersion.objects.order_by("number").first().number)
            obj = object_for(ctx, path, name, match.start())
            assert obj is not None, f"no object for {name} in {path}"
            return str(obj.pk)

        return PARAM.sub(fill, path)


def oe_objects(ctx):
    """Every tenant row of `ctx`'s alliance, as (model, pk) pairs."""
    from django.apps import apps

    from alliances.tenancy import TenantModel

    with scope(alliance=ctx.alliance):
        return {model: set(model.objects.values_list("pk", flat=True))
                for model in apps.get_models() if issubclass(model, TenantModel)}
