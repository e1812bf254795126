"""The activity log (issue #20 point 7): who changed what and when, with before and after, per alliance."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from alliances.activity import Filters, activity_page, tracked_models
from alliances.raw_history import history_model
from tests.conftest import api_as
from membership import services as membership
from membership.models import MemberUnit

pytestmark = pytest.mark.django_db


def page(user, slug, **params):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client.get(f"/a/{slug}/activity/", params)


def a_unit(ctx):
    with scope(alliance=ctx.alliance):
        return MemberUnit.objects.filter(alliance=ctx.alliance).order_by("pk").first()


@pytest.fixture
def changed(oe):
    """The secretariat corrects a unit's kind and name through the service."""
    unit = a_unit(oe)
    old_name = unit.name
    membership.member_update(actor=oe.user("sec"), alliance=oe.alliance, unit=unit, kind="other", name="海洋装备改名单位")
    return unit, old_name


def test_a_change_shows_actor_time_and_labelled_before_after(oe, changed):
    unit, old_name = changed
    rows, total = activity_page(oe.alliance, Filters(kind="membership.memberunit", object=unit.pk))
    newest = rows[0]
    assert total == len(rows) >= 2
    assert newest.user == str(oe.user("sec")) and newest.action_label == "修改"
    assert timezone.now() - newest.date < datetime.timedelta(minutes=5)
    assert newest.kind_label == "成员单位" and newest.object == "海洋装备改名单位"
    changes = {c.field: (c.before, c.after) for c in newest.changes}
    assert changes["单位类型"] == (MemberUnit.Kind(unit.history.order_by("history_date")[0].kind).label, "其他组织")
    assert changes["单位名称"] == (old_name, "海洋装备改名单位")

    html = page(oe.user("sec"), oe.alliance.slug, kind="membership.memberunit", object=unit.pk).content.decode()
    assert "单位类型: " in html and "→ 其他组织" in html and "other" not in html.split("<table")[1]


def test_filters_narrow(oe, changed):
    unit, _ = changed
    everything = activity_page(oe.alliance, Filters())[1]
    by_sec = activity_page(oe.alliance, Filters(person=oe.user("sec").pk))
    assert 0 < by_sec[1] < everything and {r.user_id for r in by_sec[0]} == {oe.user("sec").pk}
    units = activity_page(oe.alliance, Filters(kind="membership.memberunit"), size=500)
    assert 0 < units[1] < everything and {r.kind for r in units[0]} == {"membership.memberunit"}
    today = timezone.localdate()
    assert activity_page(oe.alliance, Filters(date_to=today - datetime.timedelta(days=400)))[1] == 0
    assert activity_page(oe.alliance, Filters(date_from=today, date_to=today))[1] == everything
    assert activity_page(oe.alliance, Filters(date_from=today + datetime.timedelta(days=1)))[1] == 0


def test_pages_follow_each_other_newest_first(oe, changed):
    unit, _ = changed
    for n in range(20):
        membership.member_update(actor=oe.user("sg"), alliance=oe.alliance, unit=unit, phone=f"0532-{n:04d}")
    total = activity_page(oe.alliance, Filters())[1]
    first, _ = activity_page(oe.alliance, Filters(), page=1, size=7)
    second, _ = activity_page(oe.alliance, Filters(), page=2, size=7)
    both, _ = activity_page(oe.alliance, Filters(), page=1, size=14)
    assert total > 14 and [r.key for r in first + second] == [r.key for r in both]
    dates = [r.date for r in both]
    assert dates == sorted(dates, reverse=True)

    response = page(oe.user("sec"), oe.alliance.slug, page=2)
    html = response.content.decode()
    assert response.status_code == 200 and f"共 {total} 条" in html and f"第 2 / {-(-total // 50)} 页" in html
    assert html.count("<tr>") - 1 == min(50, total - 50)


def test_xlsx_export(oe, changed):
    unit, old_name = changed
    response = page(oe.user("auditor"), oe.alliance.slug, kind="membership.memberunit", object=unit.pk, format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["时间", "操作人", "对象类型"]
    assert ["单位名称", old_name, "海洋装备改名单位"] in [r[5:8] for r in rows]


@pytest.mark.parametrize("who, status", [("sec", 200), ("sg", 200), ("auditor", 200), ("council-1", 403),
                                         ("chair", 403), ("expert-1", 403), ("rep-1", 403)])
def test_who_reads(oe, who, status):
    assert page(oe.user(who), oe.alliance.slug).status_code == status


def test_bureau_and_other_alliance(oe, bm, bureau_user):
    assert page(bureau_user, oe.alliance.slug).status_code == 403
    assert page(bm.user("sg"), oe.alliance.slug).status_code == 404


def test_never_another_alliances_rows(oe, bm, changed):
    unit, _ = changed
    rows, total = activity_page(bm.alliance, Filters(), size=100000)
    assert total == len(rows) > 0
    models = tracked_models()
    with scopes_disabled():
        for row in rows:
            label, history_id = row.key.split(":")
            assert history_model(models[label]).objects.get(history_id=history_id).alliance_id == bm.alliance.pk
    assert "海洋装备改名单位" not in {r.object for r in rows}
    # Asking the other alliance for this alliance's object finds nothing.
    assert activity_page(bm.alliance, Filters(kind="membership.memberunit", object=unit.pk))[1] == 0
    html = page(bm.user("sg"), bm.alliance.slug, kind="membership.memberunit", object=unit.pk).content.decode()
    assert "共 0 条" in html


def test_bad_filters_are_refused(oe):
    assert page(oe.user("sec"), oe.alliance.slug, object=3).status_code == 400
    assert page(oe.user("sec"), oe.alliance.slug, kind="nope.nothing").status_code == 400
    assert page(oe.user("sec"), oe.alliance.slug, date_from="2026-02-01", date_to="2026-01-01").status_code == 400


def test_api_has_the_same_filters_and_pages(oe, bm, changed, bureau_user):
    unit, old_name = changed
    url = f"/api/v1/alliances/{oe.alliance.slug}/activity/"
    body = api_as(oe.user("auditor")).get(url, {"kind": "membership.memberunit", "object": unit.pk}).json()
    newest = body["results"][0]
    assert body["count"] >= 2 and newest["user"] == str(oe.user("sec")) and newest["kind_label"] == "成员单位"
    assert {"field": "单位名称", "before": old_name, "after": "海洋装备改名单位"} in newest["changes"]
    first = api_as(oe.user("sec")).get(url, {"page_size": 5}).json()
    second = api_as(oe.user("sec")).get(first["next"]).json()
    assert len(first["results"]) == 5 and first["previous"] is None and second["previous"]
    assert not {r["key"] for r in first["results"]} & {r["key"] for r in second["results"]}
    assert api_as(oe.user("sec")).get(url, {"object": 1}).status_code == 400
    assert api_as(oe.user("sec")).get(url, {"page": "0"}).status_code == 400
    assert api_as(oe.user("council-1")).get(url).status_code == 403
    assert api_as(bureau_user).get(url).status_code == 403
    assert api_as(bm.user("sg")).get(url).status_code == 404



def test_english_labels(oe, changed):
    from django.utils import translation

    unit, _ = changed
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(oe.user("sec"))
    client.cookies["django_language"] = "en"
    html = client.get(f"/a/{oe.alliance.slug}/activity/", {"kind": "membership.memberunit", "object": unit.pk}).content.decode()
    with translation.override("en"):
        kind = str(MemberUnit._meta.verbose_name)
        field = str(MemberUnit._meta.get_field("kind").verbose_name)
        other = str(MemberUnit.Kind.OTHER.label)
    assert other != "其他组织" and kind != "成员单位"
    assert "Activity log" in html and "Changed" in html and kind in html and f"{field}: " in html and f"→ {other}" in html


def test_amounts_and_flags_read_as_people_read_them():
    from djmoney.money import Money

    from alliances.activity import _display
    from projects.models import BudgetLine, Project

    assert _display(BudgetLine, "amount", Money("3100000", "CNY"), {}) == "3,100,000.00"
    assert _display(Project, "government_programme", True, {}) == "是"
    assert _display(Project, "status", Project.Status.IN_PROGRESS, {}) == Project.Status.IN_PROGRESS.label
    assert _display(Project, "lead_unit", 999999, {}) == "#999999"


def test_a_large_xlsx_export_is_a_job_with_the_same_filters(oe, changed, settings, deliver):
    """Issue #19 point 6: from JOBS_SYNC_LIMIT rows the worker builds the workbook; the page shows its progress."""
    settings.JOBS_SYNC_LIMIT = 1
    unit, old_name = changed
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(oe.user("auditor"))
    with deliver():
        response = client.get(f"/a/{oe.alliance.slug}/activity/",
                              {"kind": "membership.memberunit", "object": unit.pk, "format": "xlsx"})
        assert response.status_code == 302 and "/jobs/" in response["Location"]
    status = client.get(response["Location"] + "status/").json()
    assert status["status"] == "done" and status["kind"] == "活动日志（XLSX）"
    sheet = load_workbook(io.BytesIO(b"".join(client.get(status["file"]).streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["单位名称", old_name, "海洋装备改名单位"] in [r[5:8] for r in rows]
    assert {r[2] for r in rows[1:]} == {"成员单位"}  # the filter held in the worker
