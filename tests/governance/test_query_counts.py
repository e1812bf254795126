"""List endpoints run the same number of queries for 1 and for many rows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .helpers import close_after_window, councillors, open_motion, vote

pytestmark = pytest.mark.django_db


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["motions/", "resolutions/", "sealed-results/"])
def test_list_queries_do_not_grow_with_rows(oe, api, path):
    def one_more():
        motion = open_motion(oe)
        vote(oe, motion, councillors(oe), "for")
        close_after_window(oe, motion)

    one_more()
    client = api(oe.user("sec"))
    url = f"/api/v1/alliances/{oe.alliance.slug}/{path}"
    few = _count(client, url)
    for _ in range(3):
        one_more()
    assert _count(client, url) == few
