"""The base of every alliance page view: login, 404 for outsiders, roles."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.core.exceptions import PermissionDenied
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from alliances import access
from alliances.errors import ServiceError


class AlliancePageMixin(LoginRequiredMixin):
    """For class-based views under /a/<slug>/.

    `page_roles` (None: every role): who may open the page, by the API's reading rule
    (`access.may_read`), so a page and the endpoint of the same records admit the same people: the
    bureau reads unless `bureau_reads` is False, which the secretariat's forms (new, edit, import)
    declare. A POST needs one of `page_roles` (None: any role) itself: the bureau never writes alliance data."""

    page_roles = None
    bureau_reads = True
    # File downloads are linked from API responses too: they take the API's token as well as a session.
    accepts_api_token = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated and self.accepts_api_token and request.method == "GET":
            request.user = token_user(request) or request.user
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.alliance = request.alliance
        if not access.can_view_alliance(request.user, self.alliance):
            raise Http404
        self.roles = access.roles_of(request.user, self.alliance)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            allowed = access.may_read(request.user, self.alliance, self.page_roles, bureau_reads=self.bureau_reads)
        else:
            allowed = bool(self.roles) if self.page_roles is None else bool(self.roles & set(self.page_roles))
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_secretariat(self) -> bool:
        return bool(self.roles & access.SECRETARIAT)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            alliance=self.alliance, roles=self.roles, is_secretariat=self.is_secretariat,
            roles_display=access.role_labels(self.roles),
        )
        return context


def token_user(request):
    """The active user whose API token the request carries (`Authorization: Token ...`), else None."""
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


def add_service_errors(form, error: ServiceError) -> None:
    """Show a service's refusal on the form: each field's messages on that field (a nested name
    such as `owners[0].share` on its top-level field), the rest above the form."""
    for field, field_messages in error.fields.items():
        name = field.split("[")[0].split(".")[0]
        for message in field_messages:
            form.add_error(name if name in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)
