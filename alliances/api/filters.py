"""Filter types shared by every app's API."""

import django_filters


class NumberFilter(django_filters.NumberFilter):
    """A number beyond 64 bits overflows the database driver (a 500): such a value is a 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
