"""Built into every template (settings.TEMPLATES builtins): punctuation and lists in the reader's
language, and text the product stored read back in it (`alliances.stored_text`)."""

from django import template
from django.utils import translation

from alliances import stored_text

register = template.Library()

# Chinese full-width punctuation and its English spelling.
ENGLISH = {"：": ": ", "（": " (", "）": ")", "，": ", ", "。": ". ", "；": "; ", "、": ", "}


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


@register.simple_tag
def p(mark: str) -> str:
    """`{% p "：" %}`: a punctuation mark of the page's own text, as the active language writes it."""
    return ENGLISH.get(mark, mark) if _english() else mark


@register.filter
def listing(values) -> str:
    """`{{ roles|listing }}`: 秘书长、理事 or Secretary-general, Councillor."""
    return (", " if _english() else "、").join(str(v) for v in values)


@register.filter
def stored(text) -> str:
    """`{{ event.what|stored }}`: a text the product wrote, in the reader's language."""
    return stored_text.translated(text)
