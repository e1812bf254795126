"""Governance pages: thin views over services and selectors."""

from django.views.generic import DetailView, ListView

from alliances.pages import AlliancePageMixin
from governance.models import Motion


class MotionListView(AlliancePageMixin, ListView):
    template_name = "governance/motions.html"

    def get_queryset(self):
        return Motion.objects.all()


class MotionDetailView(AlliancePageMixin, DetailView):
    template_name = "governance/motion.html"

    def get_queryset(self):
        return Motion.objects.all()
