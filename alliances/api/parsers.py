"""The API's one JSON parser: a body nested deeper than any resource needs is refused with 400
before it reaches a serializer (Python's json recurses per level and fails with RecursionError,
which DRF's parser lets through as a 500)."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32  # the deepest resource (an entry's lines with their money) needs 4


def depth_exceeds(data, limit: int) -> bool:
    """Whether `data` nests more than `limit` lists/objects deep (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
        else:
            if not depth_exceeds(data, MAX_DEPTH):
                return data
        raise ParseError(_("JSON 嵌套层数过多（最多 %(limit)d 层）。") % {"limit": MAX_DEPTH})
