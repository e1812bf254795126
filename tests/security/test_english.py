"""English complete (issue #20 point 3): every page (GET) of every role of the demo, in English, shows
no Chinese character except in what users typed (names, titles, addresses: every text value stored for
the alliance) and in the regulation's own names, and no full-width punctuation in its own text."""

import re
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django_scopes import scopes_disabled

from alliances.models import OutboxMessage

from tests.security.test_labels import crawl
from tests.security.test_matrix import OE

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
FULL_WIDTH = re.compile(r"[：（），。；]")
# Names that stay Chinese in English text: the regulation's forms (附件1 to 附件4, what the bureau
# prints), the accounting standard's form numbers of the three statements (会民非01表 to 会民非03表),
# and each language's own name in the language switcher.
OWN_NAMES = ("附件1", "附件2", "附件3", "附件4", "会民非01表", "会民非02表", "会民非03表", "简体中文")
# Text columns the product writes itself (founding organs, standard seat titles, a project's timeline,
# notifications, consultation summaries, ownership changes): shown in the reader's language, so they
# are not taken for user data.
SYSTEM_TEXT = {
    ("alliances", "organ", "name"), ("alliances", "seat", "title"), ("projects", "event", "what"),
    ("projects", "projectversion", "reason"), ("governance", "notification", "title"),
    ("governance", "notification", "body"), ("governance", "consultation", "summary"),
    ("governance", "expertinvitation", "exclusion_reason"), ("ip_registry", "ownershipversion", "reason"),
    ("alliances", "outboxmessage", "subject"), ("alliances", "outboxmessage", "body"),
}


def user_strings() -> list[str]:
    """Every Chinese text value stored (both alliances: the bureau reads both), longest first, with
    each line of a multi-line value on its own (pages show them line by line)."""
    values = set()
    with scopes_disabled():
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields
                      if isinstance(f, (models.CharField, models.TextField, models.JSONField))
                      and (model._meta.app_label, model._meta.model_name, f.name) not in SYSTEM_TEXT]
            if not fields:
                continue
            tenant = any(f.name == "alliance" for f in model._meta.concrete_fields)
            # The bureau's own records (its offices, published lists) are typed by its officers too.
            if not (tenant or model is get_user_model() or model._meta.model_name == "alliance"
                    or model._meta.app_label == "bureau"):
                continue
            for row in model._default_manager.values_list(*fields):
                for value in (text for cell in row for text in _texts(cell)):
                    if value and CHINESE.search(value):
                        values.add(value.strip())
                        values.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(values, key=len, reverse=True)


def _texts(value):
    """The strings of a column's value: itself, or every string inside a JSON value (an agreement's clauses)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _strip(text: str, strings: list[str]) -> str:
    for value in strings:
        if value in text:
            text = text.replace(value, " ")
    for name in OWN_NAMES:
        text = text.replace(name, " ")
    return text


def test_every_english_page_of_every_role_is_english(world):
    strings = user_strings()
    seen, found = 0, {}
    for role, url, text in crawl(world, "en"):
        seen += 1
        rest = _strip(text, strings)
        for match in list(CHINESE.finditer(rest)) + list(FULL_WIDTH.finditer(rest)):
            around = " ".join(rest[max(0, match.start() - 30):match.end() + 30].split())
            found.setdefault(match.group(0), (role, url, around))
    assert seen >= 200
    assert not found, f"{len(found)} Chinese fragments:\n" + "\n".join(
        f"{role} {url}: {fragment!r} in «{around}»" for fragment, (role, url, around) in sorted(found.items()))


def test_an_english_reader_gets_english_e_mail(world):
    """E-mails go out in each reader's language (alliances.notifications): a councillor who chose
    English gets the notice of a new motion, its subject and body, in English, with no Chinese outside
    user data and the regulation's own names."""
    from tests.governance.helpers import open_motion

    ctx = world[OE]
    reader = ctx.user("council-2")
    reader.language = "en"
    reader.save(update_fields=["language"])
    with scopes_disabled():
        before = OutboxMessage.objects.filter(recipient=reader.email).count()
    open_motion(ctx, kind="budget", title="2027 年度预算")
    with scopes_disabled():
        messages = list(OutboxMessage.objects.filter(recipient=reader.email).order_by("pk")[before:])
    assert messages and all(m.language == "en" for m in messages)
    strings = user_strings()
    found = {}
    for message in messages:
        rest = _strip(f"{message.subject}\n{message.body}", strings)
        for match in CHINESE.finditer(rest):
            found.setdefault(match.group(0), " ".join(rest.split())[:120])
    assert not found, "\n".join(f"{fragment!r} in «{around}»" for fragment, around in sorted(found.items()))
