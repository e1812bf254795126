"""Bureau console pages of the staged review (/bureau/reviews/, /bureau/lists/). The middleware disables
tenant scopes under /bureau/; every view checks `is_bureau_officer` and writes only through the services,
which check the office of the officer."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from alliances import signing
from alliances.errors import ServiceError
from bureau.review import documents, services
from bureau.review.models import PublishedList, ReviewExpert, Stage, StageOpinion
from bureau.views import BureauOfficerRequired


def _date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


class ReviewListView(BureauOfficerRequired, TemplateView):
    template_name = "bureau/reviews.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = services.reviews_for(self.request.user).order_by("-id")
        context.update(reviews=reviews, confirmed=[r for r in reviews if r.stage == Stage.CONFIRMED],
                       lists=PublishedList.objects.order_by("-published_on", "-id"), error=kwargs.get("error"))
        return context

    def post(self, request):
        """Publish a list of the chosen confirmed alliances (第十三条)."""
        chosen = services.reviews_for(request.user).filter(pk__in=[p for p in request.POST.getlist("reviews") if p.isdigit()])
        try:
            services.list_publish(actor=request.user, title=request.POST.get("title", ""),
                                  number=request.POST.get("number", ""), published_on=_date(request.POST.get("published_on")),
                                  notice=request.POST.get("notice", ""), reviews=list(chosen))
        except ServiceError as exc:
            return self.render_to_response(self.get_context_data(error=exc), status=400)
        messages.success(request, _("名单已公布。"))
        return redirect("bureau:reviews")


class ReviewDetailView(BureauOfficerRequired, TemplateView):
    template_name = "bureau/review_stages.html"

    def get_review(self):
        review = services.reviews_for(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if review is None:
            raise Http404
        return review

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.get_review()
        context.update(review=review, opinions=review.opinions.select_related("office", "decided_by"),
                       invitations=review.invitations.select_related("expert"), outcomes=StageOpinion.Outcome.choices,
                       experts=ReviewExpert.objects.select_related("user"), error=kwargs.get("error"),
                       deciding=review.stage in services.STAGE_OFFICES and review.submission.status == "submitted")
        return context

    def post(self, request, pk):
        review, post = self.get_review(), request.POST
        action = post.get("action")
        try:
            if action == "decide":
                services.stage_decide(actor=request.user, review=review, outcome=post.get("outcome", ""),
                                      opinion=post.get("opinion", ""))
            elif action == "invite":
                expert = get_user_model().objects.filter(username=post.get("expert", "")).first()
                services.expert_invite(actor=request.user, review=review, expert=expert)
            elif action == "confirm":
                services.recognition_confirm(actor=request.user, review=review, opinion=post.get("opinion", ""))
            elif action == "filing":
                services.filing_record(actor=request.user, review=review, filed_on=_date(post.get("filed_on")),
                                       reference=post.get("reference", ""))
            else:
                raise Http404
        except ServiceError as exc:
            return self.render_to_response(self.get_context_data(error=exc), status=exc.status)
        messages.success(request, _("已记录。"))
        return redirect("bureau:review_stages", pk=pk)


class ListNoticeView(BureauOfficerRequired, View):
    def get(self, request, pk):
        published = PublishedList.objects.filter(pk=pk).first()
        if published is None:
            raise Http404
        return signing.pdf_response(documents.notice_pdf(published), documents.notice_filename(published))
