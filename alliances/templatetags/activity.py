"""`{% activity_link obj %}`: on an object's page, a link to its slice of the alliance's activity log,
for the people who may read the log (nothing for the others)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from alliances import access

register = template.Library()


@register.simple_tag(takes_context=True)
def activity_link(context, obj):
    request = context["request"]
    alliance = request.alliance
    if not access.has_role(request.user, alliance, *access.ACTIVITY_READERS):
        return ""
    url = reverse("alliances:activity", kwargs={"slug": alliance.slug})
    query = urlencode({"kind": obj._meta.label_lower, "object": obj.pk})
    return format_html('<a href="{}?{}" data-testid="activity-link">{}</a>', url, query, _("变更记录"))
