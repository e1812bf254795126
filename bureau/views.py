from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.views.generic import TemplateView

from alliances import access
from alliances.models import Alliance


class BureauOfficerRequired(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return access.is_bureau_officer(self.request.user)


class ConsoleView(BureauOfficerRequired, TemplateView):
    """Every alliance side by side (the bureau issue fills in the columns)."""

    template_name = "bureau/console.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["alliances"] = Alliance.objects.all()
        return context
