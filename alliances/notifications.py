"""Notices people can tune (issue 19 point 4): for each kind, e-mail now, a daily digest or in-app only
(`NotificationPreference`); every e-mail in the reader's language and with an unsubscribe link for its
kind. The core knows no kind: each app registers its own (`register_kind`, in `AppConfig.ready()`)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from alliances import outbox, unsubscribe
from alliances.errors import ValidationFailed
from alliances.models import NotificationPreference, OutboxMessage, User

Delivery = NotificationPreference.Delivery


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # lazy: the preferences page shows it in the reader's language
    default: str  # a Delivery


kinds: dict[str, Kind] = {}


def register_kind(code: str, label, default: str = Delivery.IMMEDIATE) -> None:
    """A kind of notice people may tune; by default e-mailed now or in-app only (a digest is chosen)."""
    assert default in (Delivery.IMMEDIATE, Delivery.IN_APP), default
    kinds[str(code)] = Kind(str(code), label, default)


class Text:
    """A message translated when it is rendered (`str()`, under the reader's `translation.override`),
    not when it is written: `Text(gettext_noop("议案开始表决：%(t)s"), t=title)`. Parameters may be
    Texts or lazy labels, rendered in the same language."""

    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params

    def __str__(self) -> str:
        text = gettext(self.msgid)
        return text % {name: str(value) for name, value in self.params.items()} if self.params else text


def language_of(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def rendered(language: str, *texts) -> list[str]:
    with translation.override(language):
        return [str(text) for text in texts]


def deliveries(user_ids, kind: str) -> dict[int, str]:
    """How each of `user_ids` receives `kind` (one query, whatever their number)."""
    default = kinds[str(kind)].default if str(kind) in kinds else Delivery.IMMEDIATE
    chosen = dict(NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=str(kind))
                  .values_list("user_id", "delivery"))
    return {pk: chosen.get(pk, default) for pk in user_ids}


def preferences_of(user) -> list[tuple[Kind, str]]:
    """Every registered kind with the person's delivery for it, in registration order."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [(kind, chosen.get(kind.code, kind.default)) for kind in kinds.values()]


def preferences_save(*, actor, choices: dict[str, str], language: str | None = None) -> None:
    """The person's own settings (no alliance: they hold in every alliance): a delivery for each kind
    in `choices` and (unless None) the language of their notices. All or nothing; field errors name
    the kind."""
    errors = {}
    for code, delivery in choices.items():
        if code not in kinds:
            errors[code] = [gettext("没有这种通知类别。")]
        elif delivery not in Delivery.values:
            errors[code] = [gettext("请选择接收方式。")]
    if language is not None and language not in dict(settings.LANGUAGES):
        errors["language"] = [gettext("请选择语言。")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        for code, delivery in choices.items():
            NotificationPreference.objects.update_or_create(user=actor, kind=code, defaults={"delivery": delivery})
        if language is not None:
            language_set(actor=actor, language=language)


def preference_set(*, actor, kind: str, delivery: str) -> None:
    preferences_save(actor=actor, choices={kind: delivery})


def language_set(*, actor, language: str) -> None:
    """Remember the language the person chose (the preferences page, the language switch)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(fields={"language": [gettext("请选择语言。")]})
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])


# ---------------------------------------------------------------- e-mail


def email_one(alliance, user, kind: str, subject, body, url: str, *, attachments=()) -> bool:
    """Queue one notice to `user` if they take `kind` by e-mail now: rendered in their language, with
    the unsubscribe link of its kind. Returns whether it was queued (False: digest, in-app, no address)."""
    if not user.email or deliveries([user.pk], kind)[user.pk] != Delivery.IMMEDIATE:
        return False
    language = language_of(user)
    subject, body = rendered(language, subject, body)
    outbox.queue(alliance, OutboxMessage.Kind.NOTIFICATION, [(user.email, f"[{alliance.name}] {subject}", _with_link(body, url))],
                 notice_kind=str(kind), language=language, attachments=attachments)
    return True


def email_many(alliance, kind: str, user_ids, subject, body, url: str) -> set[int]:
    """`email_one` for many users in a constant number of statements: one read of their deliveries
    and languages, then one INSERT ... SELECT per language. Returns the users e-mailed now."""
    immediate = [pk for pk, how in deliveries(user_ids, kind).items() if how == Delivery.IMMEDIATE]
    by_language: dict[str, list[int]] = {}
    for pk, language in User.objects.filter(pk__in=immediate).exclude(email="").values_list("pk", "language"):
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(pk)
    for language, ids in by_language.items():
        subject_text, body_text = rendered(language, subject, body)
        outbox.queue_to_users(alliance, OutboxMessage.Kind.NOTIFICATION, ids, f"[{alliance.name}] {subject_text}",
                              _with_link(body_text, url), notice_kind=str(kind), language=language)
    return {pk for ids in by_language.values() for pk in ids}


def _with_link(body: str, url: str) -> str:
    return f"{body}\n\n{settings.SITE_URL.rstrip('/')}{url}" if url else body


def read_unsubscribe_token(token: str) -> tuple[User, Kind] | None:
    """The person and kind a link names, or None (forged, garbled, unknown address or kind)."""
    found = unsubscribe.read(token)
    if found is None or found[1] not in kinds:
        return None
    user = User.objects.filter(email__iexact=found[0], is_active=True).first()
    return (user, kinds[found[1]]) if user else None
