"""A person's own notice settings (issue 19 point 4): the delivery of each kind and the language of
their e-mails; the unsubscribe link of an e-mail (no login); the language switch remembers the choice."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView
from django.views.i18n import set_language

from alliances import notifications
from alliances.errors import ServiceError
from alliances.models import NotificationPreference


class PreferencesView(LoginRequiredMixin, TemplateView):
    template_name = "alliances/notification_preferences.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = notifications.preferences_of(self.request.user)
        context["deliveries"] = NotificationPreference.Delivery.choices
        context["my_language"] = self.request.user.language or settings.LANGUAGE_CODE
        return context

    def post(self, request):
        choices = {kind.code: request.POST.get(f"kind:{kind.code}", "") for kind in notifications.kinds.values()}
        try:
            notifications.preferences_save(actor=request.user, choices=choices, language=request.POST.get("language", ""))
        except ServiceError as error:
            context = self.get_context_data(errors=error.fields)
            messages.error(request, _("请为每类通知选择接收方式，并选择语言。"))
            return self.render_to_response(context, status=400)
        messages.success(request, _("通知设置已保存。"))
        return redirect("notification_preferences")


@csrf_exempt  # the signed token is the proof; mail clients' one-click POST (RFC 8058) has no session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks to confirm (mail scanners follow links); POST sets the kind to in-app only. A forged
    or stale link is the site's plain 404."""
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user, kind = found
    done = request.method == "POST"
    if done:
        notifications.preference_set(actor=user, kind=kind.code, delivery=NotificationPreference.Delivery.IN_APP)
    return render(request, "alliances/unsubscribe.html", {"kind": kind, "done": done})


def remember_language(request):
    """Django's language switch, which also keeps a signed-in person's choice for their e-mails."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        notifications.language_set(actor=request.user, language=language)
    return response
