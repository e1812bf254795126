"""Labels, never codes (issue #20 point 2): every page (GET) of every role of the demo, in both
languages, shows no stored enum value (a TextChoices code of any model field) as a word."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.urls import resolve
from django.utils import translation

from tests.security import matrix
from tests.security.objects import concrete
from tests.security.test_matrix import OE, _page_path, actor_user

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")
# Pages that document a typed input format whose values are the codes themselves (the member CSV
# import's `kind`/`status` columns, the acceptance form's `类型|名称|申请号` lines).
INPUT_FORMATS = ("members/import/", "/acceptance/")
ROLES = [a for a in matrix.ACTORS if a != "anon"]


def enum_values(language: str) -> set[str]:
    """Every code stored by a field with choices, less those that are ordinary words of a label in
    `language` (the English label of `passed` is "Passed": that word may appear in English text)."""
    values, labels = set(), []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value:
                    values.add(value)
                    with translation.override(language):
                        labels.append(str(label).lower())
    words = set(re.findall(r"[a-z_]+", " ".join(labels)))
    # ISO currency codes are how a currency is written; symbols ("-", "~") are no words; in English
    # a code that is one plain word ("none", "filed", "import") is ordinary English text.
    plain = r"[a-z]+" if language == "en" else r"$^"
    return {v for v in values if v not in words and not v.isupper() and re.fullmatch(r"[a-z][\w-]*", v)
            and not re.fullmatch(plain, v)}


class _Text(HTMLParser):
    """The visible text of a page: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style") and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def crawl(world, language):
    """Yield (role, url, visible text) for every GET page of every role that answers 200 with HTML."""
    for route in sorted(matrix.PAGES):
        url = concrete(world[OE], "/" + _page_path(route))
        view_class = getattr(resolve(url).func, "view_class", None)
        if view_class is not None and not hasattr(view_class, "get"):
            continue
        for role in ROLES:
            if matrix.PAGES[route][role] != "ok":
                continue
            client = Client()
            client.force_login(actor_user(world, role))
            client.cookies["django_language"] = language
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                yield role, url, visible_text(response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_of_any_role_shows_an_enum_code(world, language):
    codes = enum_values(language)
    assert {"simple_majority_cast", "member_contribution", "under_review"} <= codes
    pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True)) + r")(?![\w-])")
    seen, raw = 0, {}
    for role, url, text in crawl(world, language):
        seen += 1
        if url.endswith(INPUT_FORMATS):
            continue
        for match in pattern.finditer(text):
            around = " ".join(text[max(0, match.start() - 30):match.end() + 30].split())
            raw.setdefault(url, {}).setdefault(match.group(1), around)
    assert seen >= 200
    assert not raw, "\n".join(f"{url}: {code!r} in «{around}»"
                               for url, codes in sorted(raw.items()) for code, around in codes.items())
