"""Charts drawn on the server as SVG markup: no script, no chart library, nothing the content
security policy has to allow (only SVG presentation attributes, never a style attribute).

`bar_chart` (horizontal bars, so long unit and budget-line names stay readable) and `line_chart`
(one line per series over ordered points) take labels and series of numbers and return a `Chart`:
the SVG (role="img", <title> and <desc> named by aria-labelledby) and the same figures as table
rows, formatted as every amount is, for the data table shown with it (`alliances/_chart.html`).
Amounts from 100,000 up read in 万元 on the axis; the table always gives the exact amount."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from alliances.money import format_money

# Okabe-Ito colours: told apart with the common colour-vision deficiencies, dark enough on white.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
WIDTH = 720
FONT = 12
WAN = Decimal(10000)


@dataclass
class Chart:
    chart_id: str
    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)  # [label, formatted value per series]

    @property
    def empty(self) -> bool:
        """No series or no label: nothing worth drawing."""
        return len(self.columns) < 2 or not self.rows


def _number(value, money: bool) -> str:
    return format_money(value) if money else f"{int(value):,}"


def _text_width(text: str, size: int = FONT) -> float:
    """Rough advance of `text`: CJK characters a full em, others about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.58 for ch in text)


def _fit(text: str, width: float) -> str:
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 5 x 10^n apart, at least 1) covering low..high (both include 0)."""
    raw = max((high - low) / count, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.5 and len(ticks) <= count + 2:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high or len(ticks) < 2:  # all zeros still get an axis
        ticks.append(ticks[-1] + step)
    return ticks


def _scale(values: list, money: bool):
    """(ticks, tick label, axis unit) for the values; amounts of 100,000 or more in 万元."""
    numbers = [float(v) for v in values] or [0.0]
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    ticks = _ticks(low, high)
    if money and max(abs(low), abs(high)) >= 100000:
        return ticks, lambda t: f"{Decimal(str(t)) / WAN:,.0f}", _("万元")
    if money:
        return ticks, lambda t: f"{t:,.0f}", _("元")
    return ticks, lambda t: f"{int(t):,}", ""


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" font-size="{FONT}" font-family="sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]


def _legend(names: list[str], y: int) -> list[str]:
    out, x = [], 10
    for index, name in enumerate(names):
        colour = COLOURS[index % len(COLOURS)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="{y}" fill="#1f2933">{escape(name)}</text>')
        x += 16 + _text_width(name) + 24
    return out


def _rows(labels, series, money) -> list[list[str]]:
    return [[label, *(_number(values[i], money) for _name, values in series)] for i, label in enumerate(labels)]


def bar_chart(*, chart_id: str, title: str, desc: str, labels: list[str], series: list[tuple[str, list]],
              money: bool = True, label_header: str = "") -> Chart:
    """Grouped horizontal bars: one group per label, one bar per series (each bar carries
    data-series and data-value, and a <title> with the formatted figure for pointer users)."""
    left, right, top = 170, 30, 34
    bar, gap = 14, 12
    group = bar * len(series) + gap
    plot_height = max(group * len(labels), 40)
    height = top + plot_height + 40
    ticks, tick_label, unit = _scale([v for _n, values in series for v in values], money)
    low, high = ticks[0], ticks[-1]
    plot_width = WIDTH - left - right

    def x(value) -> float:
        return round(left + (float(value) - low) / (high - low) * plot_width, 1)

    out = _open(chart_id, title, desc, height)
    out += _legend([name for name, _v in series], 18)
    axis_y = top + plot_height
    for tick in ticks:
        out.append(f'<line x1="{x(tick)}" y1="{top}" x2="{x(tick)}" y2="{axis_y}" stroke="#d9e2ec"/>'
                   f'<text x="{x(tick)}" y="{axis_y + 16}" text-anchor="middle" fill="#616e7c">{tick_label(tick)}</text>')
    if unit:
        out.append(f'<text x="{WIDTH - right}" y="{axis_y + 32}" text-anchor="end" fill="#616e7c">{escape(unit)}</text>')
    for index, label in enumerate(labels):
        y0 = top + index * group + gap / 2
        out.append(f'<text x="{left - 6}" y="{y0 + bar * len(series) / 2 + 4}" text-anchor="end" fill="#1f2933">'
                   f'<title>{escape(label)}</title>{escape(_fit(label, left - 12))}</text>')
        for s, (name, values) in enumerate(series):
            value = values[index]
            start, end = sorted((x(0), x(value)))
            out.append(
                f'<rect x="{start}" y="{y0 + s * bar}" width="{round(end - start, 1)}" height="{bar - 2}" '
                f'fill="{COLOURS[s % len(COLOURS)]}" data-series="{s}" data-value="{_data(value)}">'
                f'<title>{escape(label)} · {escape(name)}: {_number(value, money)}</title></rect>')
    out.append(f'<line x1="{x(0)}" y1="{top}" x2="{x(0)}" y2="{axis_y}" stroke="#616e7c"/></svg>')
    return Chart(chart_id, title, mark_safe("".join(out)), [label_header, *(n for n, _v in series)],
                 _rows(labels, series, money))


def line_chart(*, chart_id: str, title: str, desc: str, labels: list[str], series: list[tuple[str, list]],
               money: bool = True, label_header: str = "") -> Chart:
    """One line per series over the labels (x, in order); each point is a circle with data-series
    and data-value."""
    left, right, top, height = 70, 20, 34, 300
    plot_height = height - top - 46
    ticks, tick_label, unit = _scale([v for _n, values in series for v in values], money)
    low, high = ticks[0], ticks[-1]
    step = (WIDTH - left - right) / max(len(labels) - 1, 1)

    def y(value) -> float:
        return round(top + plot_height - (float(value) - low) / (high - low) * plot_height, 1)

    out = _open(chart_id, title, desc, height)
    out += _legend([name for name, _v in series], 18)
    for tick in ticks:
        out.append(f'<line x1="{left}" y1="{y(tick)}" x2="{WIDTH - right}" y2="{y(tick)}" stroke="#d9e2ec"/>'
                   f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end" fill="#616e7c">{tick_label(tick)}</text>')
    if unit:
        out.append(f'<text x="{left - 6}" y="{top - 6}" text-anchor="end" fill="#616e7c">{escape(unit)}</text>')
    every = max(1, math.ceil(len(labels) / 12))  # at most a dozen x labels
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            out.append(f'<text x="{round(left + index * step, 1)}" y="{top + plot_height + 18}" text-anchor="middle" '
                       f'fill="#616e7c">{escape(label)}</text>')
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = " ".join(f"{round(left + i * step, 1)},{y(v)}" for i, v in enumerate(values))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for index, value in enumerate(values):
            out.append(f'<circle cx="{round(left + index * step, 1)}" cy="{y(value)}" r="3" fill="{colour}" '
                       f'data-series="{s}" data-value="{_data(value)}"><title>{escape(labels[index])} · {escape(name)}: '
                       f'{_number(value, money)}</title></circle>')
    out.append(f'<line x1="{left}" y1="{y(0)}" x2="{WIDTH - right}" y2="{y(0)}" stroke="#616e7c"/></svg>')
    return Chart(chart_id, title, mark_safe("".join(out)), [label_header, *(n for n, _v in series)],
                 _rows(labels, series, money))


def _data(value) -> str:
    """The exact value for scripts and tests, grouped like every number on the page (1,234,567.89)."""
    return format(value, ",f") if isinstance(value, Decimal) else format(value, ",")
