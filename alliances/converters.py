"""The one path converter for object ids, pages and API alike: a positive decimal that fits a
64-bit signed integer column (1 .. 2**63-1). Anything else (a sign, a fraction, letters, an id past
what PostgreSQL's bigint or SQLite's integer holds) does not resolve, so it is a 404 before any
view or query runs."""

from django.urls import register_converter

ID_MAX = 2**63 - 1


class IdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError("id out of range")  # Django reads a ValueError as "no match"
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class FeedTokenConverter:
    """A calendar feed token (secrets.token_urlsafe: 43 characters); bounded, so an endless or odd
    path is a 404 before any query."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class SignedTokenConverter(FeedTokenConverter):
    """A django.core.signing token (base64url, ":" separators, "." when compressed), bounded."""

    regex = "[A-Za-z0-9_:.-]{1,400}"


def register() -> None:
    register_converter(IdConverter, "id")
    register_converter(FeedTokenConverter, "feedtoken")
    register_converter(SignedTokenConverter, "signedtoken")
