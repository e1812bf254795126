"""One FilterSet per list, in its app's filters.py, used by the API viewset and the page alike: the
page's filter form has the API's query parameters, and both select the same rows."""

import re

import pytest
from django.urls import resolve

from bureau.api.views import BureauSubmissionViewSet, SubmissionViewSet
from finance.api.views import EntryViewSet
from governance.api.views import ConsultationViewSet, MeetingViewSet, MotionViewSet, NotificationViewSet
from ip_registry.api.views import IPAssetViewSet
from membership.api.views import MemberViewSet
from projects.api.views import ProjectViewSet
from tests.conftest import api_as
from tests.lists.conftest import client_for

pytestmark = pytest.mark.django_db

# (page path under /a/<slug>/ or absolute, the API viewset of the same rows, the filter form's context key)
PAIRS = [
    ("members/", MemberViewSet), ("projects/", ProjectViewSet), ("ip/", IPAssetViewSet),
    ("finance/entries/", EntryViewSet), ("motions/", MotionViewSet), ("meetings/", MeetingViewSet),
    ("consultations/", ConsultationViewSet), ("inbox/", NotificationViewSet), ("submissions/", SubmissionViewSet),
]


def test_every_list_page_renders_the_filterset_of_its_api(oe):
    client = client_for(oe.user("sec"))
    for path, viewset in PAIRS:
        response = client.get(f"/a/{oe.alliance.slug}/{path}")
        assert response.status_code == 200, path
        filterset = response.context["listing"].filterset
        assert type(filterset) is viewset.filterset_class, path
        assert type(filterset).__module__.endswith(".filters"), path
        html = response.content.decode()
        for name in filterset.filters:
            assert f'name="{name}"' in html, (path, name)
        assert 'data-testid="list-total"' in html, path


def test_the_bureau_inbox_and_its_api_share_one_filterset(bureau_user, oe):
    client = client_for(bureau_user)
    response = client.get("/bureau/submissions/")
    assert type(response.context["listing"].filterset) is BureauSubmissionViewSet.filterset_class


def _member_names(html):
    return set(re.findall(r'/members/\d+/">([^<]+)</a>', html))


def test_members_page_and_api_select_the_same_units_and_page_with_a_total(oe):
    page, api = client_for(oe.user("sec")), api_as(oe.user("sec"))
    url, api_url = f"/a/{oe.alliance.slug}/members/", f"/api/v1/alliances/{oe.alliance.slug}/members/"
    for params in ({"kind": "university"}, {"status": "active", "kind": "enterprise"}, {"q": "青岛"}, {"role": "council"}):
        html = page.get(url, {**params, "page_size": 200}).content.decode()
        names = {row["name"] for row in api.get(api_url, {**params, "page_size": 200}).json()["results"]}
        assert _member_names(html) == names, params
    total = api.get(api_url).json()["count"]
    assert total >= 3
    first = page.get(url, {"page_size": 2}).content.decode()
    assert f"共 {total} 条" in first and len(_member_names(first)) == 2
    pages = -(-total // 2)
    seen = set()
    for number in range(1, pages + 1):
        seen |= _member_names(page.get(url, {"page_size": 2, "page": number}).content.decode())
    assert len(seen) == total  # no unit cut, none twice
    assert resolve(url).func.view_class.__name__ == "MemberListView"
