"""Governance pages: thin views over services and selectors."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from alliances import access, listing, signing, uploads
from alliances.errors import ServiceError
from alliances.models import Role
from alliances.pages import AlliancePageMixin, add_service_errors
from governance import documents, exports, figures, filters, forms, selectors, services
from governance.models import (
    Consultation, ConsultationDocument, EligibleSeat, ExpertInvitation, Meeting, Motion, MotionAttachment, Notification,
    Opinion, Resolution, SealedResult,
)

COUNCIL_PAPERS = access.SECRETARIAT | {Role.COUNCILLOR, "chair", Role.AUDITOR}


class PostActionView(AlliancePageMixin, View):
    """A button: call one service, report the outcome, go back."""

    def act(self, request, obj):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, slug, pk):
        obj = get_object_or_404(self.model, pk=pk)
        try:
            message = self.act(request, obj)
            messages.success(request, message)
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect(self.redirect_name, slug=slug, pk=pk)


# ---------------------------------------------------------------- motions


class MotionListView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    """Councillors: open motions to vote on; secretariat: drafts; council papers readers: every
    motion, filtered and paged; everyone else: the resolutions, filtered and paged."""

    template_name = "governance/motions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        papers = bool(self.roles & COUNCIL_PAPERS)
        context["sees_papers"] = papers
        if papers:
            motions = visible_motions(self)
            # The two to-do lists stay whole (they are short by nature); the full list is paged.
            context["open_motions"] = list(motions.filter(status=Motion.Status.OPEN))
            context["drafts"] = list(motions.filter(status=Motion.Status.DRAFT)) if self.is_secretariat else []
            context.update(listing.context(listing.listing(self.request, filters.MotionFilter, motions), "motions"))
            voted = set(
                EligibleSeat.objects.filter(holder=self.request.user, voted_at__isnull=False).values_list("motion_id", flat=True)
            )
            context["voted_ids"] = voted
            context["outcomes_chart"] = figures.motion_outcomes_chart()
        else:
            context.update(listing.context(listing.listing(self.request, filters.ResolutionFilter, visible_resolutions()),
                                           "resolutions"))
        return context


def visible_motions(view):
    motions = Motion.objects.select_related("sealed_result", "resolution_record").order_by("-created_at", "-id")
    return motions if view.is_secretariat else motions.exclude(status=Motion.Status.DRAFT)


def visible_resolutions():
    return Resolution.objects.order_by("-issued_at", "-id")


class MotionExportView(AlliancePageMixin, View):
    """What the motions page lists (same filters, every page) as XLSX: motions with their
    resolutions for council papers readers, the resolutions for everyone else."""

    def get(self, request, slug):
        if self.roles & COUNCIL_PAPERS:
            filterset, rows = listing.filtered(request, filters.MotionFilter, visible_motions(self))
            book = exports.motions_book(rows)
        else:
            filterset, rows = listing.filtered(request, filters.ResolutionFilter, visible_resolutions())
            book = exports.resolutions_book(rows)
        if filterset.errors:
            return listing.bad_filters(filterset)
        return book.response(f"motions-{self.alliance.slug}.xlsx")


class MotionCreateView(AlliancePageMixin, TemplateView):
    template_name = "governance/motion_form.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False  # the secretariat's form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or forms.MotionForm()
        return context

    def post(self, request, slug):
        form = forms.MotionForm(request.POST)
        if form.is_valid():
            try:
                motion = services.motion_create(actor=request.user, alliance=self.alliance, **form.cleaned_data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("议案草稿已创建。"))
                return redirect("governance:motion", slug=slug, pk=motion.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MotionPapersMixin(AlliancePageMixin):
    """Who may read a motion and its papers: council papers' readers; a draft only the secretariat."""

    page_roles = COUNCIL_PAPERS

    def get_motion(self) -> Motion:
        motion = get_object_or_404(Motion.objects.select_related("charter", "subject_unit"), pk=self.kwargs["pk"])
        if motion.status == Motion.Status.DRAFT and not self.is_secretariat:
            raise Http404
        return motion


class MotionDetailView(MotionPapersMixin, TemplateView):
    """The voting page: papers, expert summaries, the vote form; after close the sealed result."""

    template_name = "governance/motion.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        motion = self.get_motion()
        entry = EligibleSeat.objects.filter(motion=motion, holder=self.request.user).first()
        my_choice = services.my_choice(motion, self.request.user) if motion.status == Motion.Status.OPEN else None
        context.update(
            motion=motion,
            threshold=motion.rule,
            entry=entry,
            can_vote=motion.status == Motion.Status.OPEN and entry is not None and not entry.recused,
            my_choice=my_choice,
            # a councillor who comes back to change their vote finds their current choice selected
            vote_form=kwargs.get("vote_form") or forms.VoteForm(initial={"choice": my_choice}),
            consultations=motion.consultations.filter(status=Consultation.Status.CLOSED),
            seats=EligibleSeat.objects.filter(motion=motion).select_related("seat", "unit", "holder"),
            sealed=getattr(motion, "sealed_result", None),
            resolution=motion.resolution,
            can_close_early=motion.status == Motion.Status.OPEN and services.can_close_early(motion),
            attachments=motion.attachments.select_related("alliance"),
        )
        return context


class MotionAttachmentView(MotionPapersMixin, View):
    """Download one of a motion's papers (whoever may read the motion)."""

    accepts_api_token = True

    def get(self, request, slug, pk, attachment_id):
        attachment = get_object_or_404(MotionAttachment, pk=attachment_id, motion=self.get_motion())
        return uploads.download(attachment.file, attachment.name)


class MotionVoteView(AlliancePageMixin, View):
    page_roles = {Role.COUNCILLOR}

    def post(self, request, slug, pk):
        motion = get_object_or_404(Motion, pk=pk)
        form = forms.VoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择表决意见。"))
        else:
            try:
                services.vote_cast(actor=request.user, alliance=self.alliance, motion=motion, choice=form.cleaned_data["choice"])
                messages.success(request, _("您的表决意见已记录，截止前可以修改。"))
            except ServiceError as error:
                messages.error(request, error.message)
        return redirect("governance:motion", slug=slug, pk=pk)


class MotionAttachView(AlliancePageMixin, View):
    page_roles = access.SECRETARIAT

    def post(self, request, slug, pk):
        motion = get_object_or_404(Motion, pk=pk)
        try:
            services.motion_attach(actor=request.user, alliance=self.alliance, motion=motion,
                                   name=request.POST.get("name", ""), file=request.FILES.get("file"))
            messages.success(request, _("附件已添加。"))
        except ServiceError as error:
            messages.error(request, " ".join([str(error.message)] + [str(m) for v in error.fields.values() for m in v]))
        return redirect("governance:motion", slug=slug, pk=pk)


class MotionOpenView(PostActionView):
    page_roles = access.SECRETARIAT
    model = Motion
    redirect_name = "governance:motion"

    def act(self, request, motion):
        services.motion_open(actor=request.user, alliance=self.alliance, motion=motion)
        return _("表决已开始，已通知理事。")


class MotionCloseView(PostActionView):
    page_roles = access.SECRETARIAT
    model = Motion
    redirect_name = "governance:motion"

    def act(self, request, motion):
        motion = services.motion_close(actor=request.user, alliance=self.alliance, motion=motion)
        return _("表决已结束：%(r)s") % {"r": motion.get_result_display()}


class ResultsView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    """The sealed results in chain order, with their hashes."""

    template_name = "governance/results.html"
    page_roles = COUNCIL_PAPERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(self.request, filters.SealedResultFilter,
                                                       SealedResult.objects.order_by("-sequence")), "sealed_results"))
        return context


class ResolutionView(AlliancePageMixin, TemplateView):
    """The printable resolution document (print stylesheet); every role and the bureau read it."""

    template_name = "governance/resolution.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resolution = get_object_or_404(Resolution.objects.select_related("motion__sealed_result"), pk=self.kwargs["pk"])
        context.update(resolution=resolution, sealed=resolution.motion.sealed_result, motion=resolution.motion)
        return context


class ResolutionPdfView(AlliancePageMixin, View):
    """The resolution as a signed PDF: the same readers as the resolution page."""

    accepts_api_token = True

    def get(self, request, slug, pk):
        resolution = get_object_or_404(Resolution.objects.select_related("motion__sealed_result"), pk=pk)
        return signing.pdf_response(documents.resolution_pdf(resolution), documents.resolution_filename(resolution))


# ---------------------------------------------------------------- meetings


class MeetingListView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    template_name = "governance/meetings.html"
    page_roles = COUNCIL_PAPERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(self.request, filters.MeetingFilter, meetings()), "meetings"))
        context["form"] = kwargs.get("form") or forms.MeetingForm()
        return context

    def post(self, request, slug):
        if not self.is_secretariat:
            raise Http404
        form = forms.MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_create(actor=request.user, alliance=self.alliance, **form.cleaned_data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                return redirect("governance:meeting", slug=slug, pk=meeting.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def meetings():
    return Meeting.objects.order_by("-starts_at", "-id")


class MeetingExportView(AlliancePageMixin, View):
    """The meetings the list shows (same filters, every page) with their minutes, as XLSX."""

    page_roles = COUNCIL_PAPERS

    def get(self, request, slug):
        filterset, rows = listing.filtered(request, filters.MeetingFilter, meetings())
        if filterset.errors:
            return listing.bad_filters(filterset)
        return exports.meetings_book(rows).response(f"meetings-{self.alliance.slug}.xlsx")


class MinutesPdfView(AlliancePageMixin, View):
    """Approved minutes as a signed PDF: the same readers as the meeting page."""

    page_roles = COUNCIL_PAPERS
    accepts_api_token = True

    def get(self, request, slug, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        return signing.pdf_response(documents.minutes_pdf(meeting), documents.minutes_filename(meeting))


class MeetingDetailView(AlliancePageMixin, TemplateView):
    template_name = "governance/meeting.html"
    page_roles = COUNCIL_PAPERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        attendance = {a.seat_id: a for a in meeting.attendance.all()}
        seats = [(seat, holder, attendance.get(seat.pk)) for seat, holder in services.council_seats_with_holders()]
        context.update(
            meeting=meeting, agenda=meeting.agenda.select_related("motion"), seats=seats,
            quorum=services.meeting_quorum(meeting),
            agenda_form=forms.AgendaForm(), minutes_form=forms.MinutesForm(initial={"text": meeting.minutes}),
            can_approve=bool(self.roles & {Role.SECRETARY_GENERAL, "chair"}),
        )
        return context

    def post(self, request, slug, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        step = request.POST.get("step")
        try:
            if step == "approve":
                services.minutes_approve(actor=request.user, alliance=self.alliance, meeting=meeting)
            elif not self.is_secretariat:
                raise Http404
            elif step == "agenda":
                form = forms.AgendaForm(request.POST)
                if form.is_valid():
                    services.agenda_item_add(actor=request.user, alliance=self.alliance, meeting=meeting, **form.cleaned_data)
            elif step == "attendance":
                present_ids = {int(x) for x in request.POST.getlist("present") if x.isdigit()}
                seats = [seat for seat, _holder in services.council_seats_with_holders()]
                services.attendance_record(
                    actor=request.user, alliance=self.alliance, meeting=meeting,
                    present_seats=[s for s in seats if s.pk in present_ids],
                    absent_seats=[s for s in seats if s.pk not in present_ids],
                )
            elif step == "minutes":
                services.minutes_draft(actor=request.user, alliance=self.alliance, meeting=meeting, text=request.POST.get("text", ""))
            elif step == "lock":
                services.minutes_lock(actor=request.user, alliance=self.alliance, meeting=meeting)
            messages.success(request, _("已保存。"))
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect("governance:meeting", slug=slug, pk=pk)


# ---------------------------------------------------------------- consultations


class ConsultationListView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    template_name = "governance/consultations.html"
    page_roles = access.SECRETARIAT | {Role.EXPERT, Role.COUNCILLOR, "chair"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(
            self.request, filters.ConsultationFilter, selectors.consultations_visible_to(self.request.user, self.roles)),
            "consultations"))
        context["answered"] = set(Opinion.objects.filter(expert=self.request.user).values_list("consultation_id", flat=True))
        if self.is_secretariat:
            context["form"] = kwargs.get("form") or forms.ConsultationForm()
        return context

    def post(self, request, slug):
        if not self.is_secretariat:
            raise Http404
        form = forms.ConsultationForm(request.POST)
        if form.is_valid():
            values = dict(form.cleaned_data)
            values["experts"] = [grant.user for grant in values["experts"]]
            try:
                consultation = services.consultation_create(actor=request.user, alliance=self.alliance, **values)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                return redirect("governance:consultation", slug=slug, pk=consultation.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ConsultationMixin(AlliancePageMixin):
    page_roles = ConsultationListView.page_roles

    def get_visible_consultation(self) -> Consultation:
        return get_object_or_404(selectors.consultations_visible_to(self.request.user, self.roles), pk=self.kwargs["pk"])


class ConsultationDocumentView(ConsultationMixin, View):
    """Download one of a consultation's documents (whoever may read the consultation)."""

    accepts_api_token = True

    def get(self, request, slug, pk, document_id):
        document = get_object_or_404(ConsultationDocument, pk=document_id, consultation=self.get_visible_consultation())
        return uploads.download(document.file, document.name)


class ConsultationDetailView(ConsultationMixin, TemplateView):
    """The expert's opinion form; the secretariat's view of all opinions and the close form."""

    template_name = "governance/consultation.html"

    def get_consultation(self):
        consultation = self.get_visible_consultation()
        invited = ExpertInvitation.objects.filter(consultation=consultation, expert=self.request.user, excluded=False).exists()
        return consultation, invited

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consultation, invited = self.get_consultation()
        mine = Opinion.objects.filter(consultation=consultation, expert=self.request.user).first()
        initial = {"stance": mine.stance, "score": mine.score, "text": mine.text} if mine else None
        context.update(
            consultation=consultation, invited=invited, mine=mine,
            opinion_form=kwargs.get("opinion_form") or forms.OpinionForm(initial=initial),
            close_form=forms.ConsultationCloseForm(),
            opinions=consultation.opinions.select_related("expert") if self.is_secretariat else [],
            invitations=consultation.invitations.select_related("expert"),
        )
        return context

    def post(self, request, slug, pk):
        consultation, invited = self.get_consultation()
        if request.POST.get("step") == "close":
            if not self.is_secretariat:
                raise Http404
            try:
                services.consultation_close(actor=request.user, alliance=self.alliance, consultation=consultation,
                                            summary=request.POST.get("summary", ""))
                messages.success(request, _("专家咨询已结束，意见已汇总。"))
            except ServiceError as error:
                messages.error(request, error.message)
            return redirect("governance:consultation", slug=slug, pk=pk)
        form = forms.OpinionForm(request.POST)
        if form.is_valid():
            try:
                services.opinion_submit(actor=request.user, alliance=self.alliance, consultation=consultation, **form.cleaned_data)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("您的意见已提交。"))
                return redirect("governance:consultation", slug=slug, pk=pk)
        return self.render_to_response(self.get_context_data(opinion_form=form), status=400)


# ---------------------------------------------------------------- inbox


class InboxView(AlliancePageMixin, listing.ListPageMixin, TemplateView):
    template_name = "governance/inbox.html"

    def get_context_data(self, **kwargs):
        """One page of the reader's notifications (Django's Paginator: a bad or past-the-end `page` is
        the first or the last page, never an error)."""
        context = super().get_context_data(**kwargs)
        context.update(listing.context(listing.listing(
            self.request, filters.NotificationFilter, Notification.objects.filter(user=self.request.user)), "notifications"))
        return context

    def post(self, request, slug):
        notification = get_object_or_404(Notification, pk=request.POST.get("notification"), user=request.user)
        services.notification_read(actor=request.user, alliance=self.alliance, notification=notification)
        return redirect(notification.url or "governance:inbox", **({} if notification.url else {"slug": slug}))
