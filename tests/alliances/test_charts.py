"""Server-drawn SVG charts (alliances/charts.py) and the four pages that show them: well-formed SVG,
bars and points that are the data, the data table with the same figures formatted, labels in the
reader's language, constant queries for the selectors behind them."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from alliances import charts
from finance import selectors as finance_selectors
from finance import services as finance
from governance import selectors as governance_selectors
from tests.finance.conftest import cny, make_project, post
from tests.browser import browser_page, log_in, watch
from tests.governance.helpers import pass_resolution

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def values(root, tag, series) -> list[Decimal]:
    return [Decimal(el.get("data-value").replace(",", "")) for el in root.iter(f"{SVG}{tag}") if el.get("data-series") == str(series)]


def svg_in(html: str, chart_id: str) -> ET.Element:
    match = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert match, f"no chart {chart_id}"
    return ET.fromstring(match.group(0))


def table_in(html: str, chart_id: str) -> str:
    match = re.search(rf'<table data-testid="chart-table-{chart_id}">.*?</table>', html, re.S)
    assert match, f"no table for {chart_id}"
    return match.group(0)


# --- the drawing ---

def test_bar_chart_is_well_formed_accessible_svg_whose_bars_are_the_data():
    chart = charts.bar_chart(chart_id="c", title="承诺与到账", desc="说明", labels=["甲单位", "乙单位"],
                             series=[("承诺", [Decimal("4969543.21"), Decimal("200000")]),
                                     ("已到账", [Decimal("1000000"), Decimal("0")])], label_header="成员单位")
    root = parse(chart)
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f"{SVG}title").get("id"), root.find(f"{SVG}desc").get("id")] == labelled
    assert root.find(f"{SVG}title").text == "承诺与到账"
    assert values(root, "rect", 0) == [Decimal("4969543.21"), Decimal("200000")]
    assert values(root, "rect", 1) == [Decimal("1000000"), Decimal("0")]
    # bars are as long as their values: 4,969,543.21 is about five times 1,000,000
    widths = {el.get("data-value"): float(el.get("width")) for el in root.iter(f"{SVG}rect") if el.get("data-value")}
    assert widths["4,969,543.21"] == pytest.approx(widths["1,000,000"] * 4.969543, rel=0.01)
    assert chart.columns == ["成员单位", "承诺", "已到账"]
    assert chart.rows == [["甲单位", "4,969,543.21", "1,000,000.00"], ["乙单位", "200,000.00", "0.00"]]
    # large amounts read in 万元 on the axis
    assert "万元" in {el.text for el in root.iter(f"{SVG}text")}


def test_line_chart_points_are_the_data_and_negative_values_stay_below_zero():
    chart = charts.line_chart(chart_id="l", title="t", desc="d", labels=["2026-01", "2026-02", "2026-03"],
                              series=[("基金", [Decimal("100.50"), Decimal("-20"), Decimal("0")])])
    root = parse(chart)
    circles = [el for el in root.iter(f"{SVG}circle")]
    assert [Decimal(c.get("data-value").replace(",", "")) for c in circles] == [Decimal("100.50"), Decimal("-20"), Decimal("0")]
    first, negative, zero = (float(c.get("cy")) for c in circles)
    assert first < zero < negative  # SVG y grows downwards
    assert chart.rows == [["2026-01", "100.50"], ["2026-02", "-20.00"], ["2026-03", "0.00"]]


def test_charts_carry_no_script_nor_style_attribute_and_escape_labels():
    chart = charts.bar_chart(chart_id="x", title="<b>&", desc="d", labels=['<script>"a"</script>'],
                             series=[("n", [3])], money=False)
    root = parse(chart)  # escaped text keeps it well-formed
    text = str(chart.svg)
    assert "<script" not in text and "style=" not in text and "onload" not in text
    assert root.find(f"{SVG}title").text == "<b>&"
    assert chart.rows == [['<script>"a"</script>', "3"]]


def test_an_empty_chart_says_so():
    assert charts.bar_chart(chart_id="e", title="t", desc="d", labels=[], series=[("a", [])]).empty
    assert charts.line_chart(chart_id="e", title="t", desc="d", labels=["2026-01"], series=[]).empty


def test_all_zero_values_and_small_counts_get_a_whole_number_axis():
    chart = charts.bar_chart(chart_id="z", title="t", desc="d", labels=["2025", "2026"],
                             series=[("通过", [0, 2]), ("未通过", [0, 0])], money=False)
    ticks = [el.text for el in parse(chart).iter(f"{SVG}text") if el.get("text-anchor") == "middle"]
    assert ticks == ["0", "1", "2"]
    assert values(parse(charts.bar_chart(chart_id="z", title="t", desc="d", labels=["a"], series=[("s", [0])])),
                  "rect", 0) == [Decimal(0)]


# --- the pages ---

def _receipt(ctx, unit, committed="300000", paid="120000.50", year=2026):
    commitment = finance.commitment_set(actor=ctx.user("sec"), alliance=ctx.alliance, member_unit=unit, year=year,
                                        amount=cny(committed), committed_on=datetime.date(year, 1, 5))
    post(ctx, finance.contribution_receive(actor=ctx.user("sec"), alliance=ctx.alliance, commitment=commitment,
                                           amount=cny(paid), date=datetime.date(year, 2, 10)))
    return commitment


def test_fund_balances_over_time_are_month_end_balances(oe, client):
    project = make_project(oe)
    for day, amount in ((datetime.date(2026, 1, 20), "100000"), (datetime.date(2026, 3, 2), "50000.25")):
        post(oe, finance.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny(amount),
                                       date=day, description="拨付"))
    with scope(alliance=oe.alliance):
        history = finance_selectors.fund_balance_history(oe.alliance, datetime.date(2026, 3, 15), months=4)
        fund = finance.fund_for(alliance=oe.alliance, source="government", project=project)
    assert history["points"] == [datetime.date(2025, 12, 31), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28),
                                 datetime.date(2026, 3, 15)]
    series = dict(history["funds"])
    assert series[fund] == [Decimal("0"), Decimal("100000"), Decimal("100000"), Decimal("150000.25")]

    client.force_login(oe.user("auditor"))
    html = client.get(reverse("finance:home", kwargs={"slug": oe.alliance.slug}), {"as_of": "2026-03-15"}).content.decode()
    root = svg_in(html, "fund-balances")
    with scope(alliance=oe.alliance):
        names = [str(f) for f, _v in finance_selectors.fund_balance_history(oe.alliance, datetime.date(2026, 3, 15))["funds"]]
    index = names.index(str(fund))
    assert values(root, "circle", index)[-3:] == [Decimal("100000"), Decimal("100000"), Decimal("150000.25")]
    table = table_in(html, "fund-balances")
    assert "150,000.25" in table and "2026-03-15" in table


def test_contributions_chart_has_committed_against_received_per_unit_in_english(oe, client):
    unit = oe.units[0]
    _receipt(oe, unit)
    client.force_login(oe.user("sec"))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("finance:contributions", kwargs={"slug": oe.alliance.slug}), {"as_of": "2026-06-30"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with scope(alliance=oe.alliance):
        rows = finance_selectors.contributions_by_unit(oe.alliance, datetime.date(2026, 6, 30))
    root = svg_in(html, "contributions")
    index = [r["unit"].pk for r in rows].index(unit.pk)
    assert values(root, "rect", 0)[index] == rows[index]["committed"] >= Decimal("300000")
    assert values(root, "rect", 1)[index] == rows[index]["paid"] >= Decimal("120000.50")
    assert root.find(f"{SVG}title").text == "Member contributions: committed and received (CNY)"
    table = table_in(html, "contributions")
    assert "Committed" in table and "Received" in table and "Member unit" in table
    assert f"{rows[index]['paid']:,.2f}" in table
    assert not re.search(r"[\u4e00-\u9fff]", root.find(f"{SVG}desc").text)


def test_motions_by_outcome_per_year(oe, client):
    pass_resolution(oe, title="甲")
    pass_resolution(oe, title="乙")
    with scope(alliance=oe.alliance):
        data = governance_selectors.motion_outcomes_by_year()
    year = datetime.date.today().year
    assert year in data["years"] and data["counts"]["passed"][data["years"].index(year)] >= 2
    client.force_login(oe.user("council-1"))
    html = client.get(reverse("governance:motions", kwargs={"slug": oe.alliance.slug})).content.decode()
    root = svg_in(html, "motion-outcomes")
    assert values(root, "rect", 0) == [Decimal(n) for n in data["counts"]["passed"]]
    assert values(root, "rect", 1) == [Decimal(n) for n in data["counts"]["failed"]]
    assert "通过" in table_in(html, "motion-outcomes")


def test_project_page_charts_budget_against_actual(oe, client):
    from projects import selectors as project_selectors
    from tests.projects.conftest import make_draft

    project = make_draft(oe)
    with scope(alliance=oe.alliance):
        budget = project_selectors.budget_vs_actual(project)
    assert [r["budget"] for r in budget["rows"]] == [Decimal("300000"), Decimal("100000"), Decimal("50000")]
    client.force_login(oe.user("sec"))
    html = client.get(reverse("projects:detail", kwargs={"slug": oe.alliance.slug, "pk": project.pk})).content.decode()
    root = svg_in(html, "budget-vs-actual")
    assert values(root, "rect", 0) == [r["budget"] for r in budget["rows"]]
    assert values(root, "rect", 1) == [r["actual"] for r in budget["rows"]]
    assert f"{budget['rows'][0]['budget']:,.2f}" in table_in(html, "budget-vs-actual")


def test_chart_selectors_run_constant_queries(oe):
    def count(read):
        with scope(alliance=oe.alliance), CaptureQueriesContext(connection) as captured:
            read()
        return len(captured.captured_queries)

    def grant(month):
        post(oe, finance.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny("10"),
                                       date=datetime.date(2026, month, 3), description="拨付"))

    as_of = datetime.date(2026, 12, 31)
    reads = [lambda: finance_selectors.fund_balance_history(oe.alliance, as_of),
             lambda: finance_selectors.contributions_by_unit(oe.alliance, as_of),
             lambda: governance_selectors.motion_outcomes_by_year()]
    project = make_project(oe)
    grant(4)
    _receipt(oe, oe.units[0], year=2025)
    pass_resolution(oe)
    one = [count(read) for read in reads]
    for month in (5, 12):
        grant(month)
    for unit in oe.units[1:4]:
        _receipt(oe, unit, year=2026)
    pass_resolution(oe)
    assert [count(read) for read in reads] == one


def test_chart_texts_are_translated():
    with translation.override("en"):
        chart = charts.bar_chart(chart_id="u", title="t", desc="d", labels=["a"], series=[("s", [Decimal("200000")])])
    assert "10k yuan" in {el.text for el in parse(chart).iter(f"{SVG}text")}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_charts_render_in_the_browser_with_no_csp_violation(oe, live_server, chromium_path):
    project = make_project(oe)
    post(oe, finance.grant_receive(actor=oe.user("sec"), alliance=oe.alliance, project=project, amount=cny("100000"),
                                   date=datetime.date.today(), description="拨付"))
    _receipt(oe, oe.units[0], year=datetime.date.today().year, paid="1000")
    pass_resolution(oe)
    base = f"{live_server.url}/a/{oe.alliance.slug}"
    with browser_page(chromium_path) as page:
        console = watch(page)
        log_in(page, live_server.url, "ocean-equipment-sec")
        for path, chart_id in (("/finance/", "fund-balances"), ("/finance/contributions/", "contributions"),
                               ("/motions/", "motion-outcomes")):
            page.goto(base + path)
            chart = page.locator(f"svg#{chart_id}")
            assert chart.is_visible() and chart.bounding_box()["height"] > 100, path
            assert chart.get_attribute("role") == "img"
        console.assert_clean()
