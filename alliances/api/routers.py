"""The API's one router: lookups and `url_path`s use Django path converters (`<id:pk>`), so an id
outside 1 .. 2**63-1 is a 404 from URL resolution, as on the pages (alliances/converters.py)."""

from rest_framework.routers import SimpleRouter


class Router(SimpleRouter):
    def __init__(self, trailing_slash=True):
        super().__init__(trailing_slash=trailing_slash, use_regex_path=False)
        self._default_value_pattern = "id"
