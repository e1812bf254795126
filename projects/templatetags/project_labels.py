"""A project event's reference as people read it: `motion:12` is a link to the motion named by
its kind and title, not a code."""

from django import template
from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

# reference prefix -> (what it is, its model, the page that shows it)
KINDS = {
    "motion": (_("议案"), "governance.Motion", "governance:motion"),
    "consultation": (_("专家咨询"), "governance.Consultation", "governance:consultation"),
    "submission": (_("报送"), "bureau.Submission", "bureau_alliance:submission"),
}


@register.simple_tag
def event_reference(reference: str, slug: str):
    kind, sep, pk = (reference or "").partition(":")
    if not sep or kind not in KINDS or not pk.isdigit():
        return reference  # a resolution number or free text
    label, model, route = KINDS[kind]
    title = apps.get_model(model).objects.filter(pk=int(pk)).values_list("title", flat=True).first()
    text = _("%(kind)s：%(title)s") % {"kind": label, "title": title} if title else str(label)
    try:
        return format_html('<a href="{}">{}</a>', reverse(route, kwargs={"slug": slug, "pk": int(pk)}), text)
    except NoReverseMatch:
        return text
