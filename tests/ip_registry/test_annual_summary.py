"""ip_registry.selectors.annual_summary: the assets and licences of the bureau's annual report."""

import datetime

from django.utils import timezone
from django_scopes import scope

from ip_registry import selectors
from ip_registry.models import IPAsset
from tests.ip_registry.conftest import register
from tests.ip_registry.test_services import decide, grant

THIS_YEAR = timezone.localdate().year


def test_the_years_assets_and_granted_licences(oe, bm, asset, gov_asset):
    old = register(oe, title="上年登记的专利")
    with scope(alliance=oe.alliance):
        IPAsset.objects.filter(pk=old.pk).update(registered_at=timezone.make_aware(datetime.datetime(THIS_YEAR - 1, 6, 1)))
    register(bm, title="别的联盟的专利")
    licence = grant(oe, asset)
    refused = grant(oe, gov_asset, kind="exclusive", territory="foreign", licensee_name="Deep Sea Robotics GmbH")
    decide(refused, "rejected")  # void: never granted

    summary = selectors.annual_summary(oe.alliance, THIS_YEAR)
    today = timezone.localdate()
    assert summary["assets"] == [{"title": "一种水下传感器", "kind": "发明专利", "date": today},
                                 {"title": "水下机器人控制方法", "kind": "发明专利", "date": today}]
    assert summary["licences"] == [{"title": str(licence), "date": today}]
    assert selectors.annual_summary(oe.alliance, THIS_YEAR - 1) == {
        "assets": [{"title": "上年登记的专利", "kind": "发明专利", "date": datetime.date(THIS_YEAR - 1, 6, 1)}], "licences": []}
