"""How the regulation's forms print dates: 2026年3月10日, and the cover's 二〇二六年."""

import datetime

from django import template

register = template.Library()

CN_DIGITS = "〇一二三四五六七八九"


def _date(value):
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        return value.date()
    return value if isinstance(value, datetime.date) else None


@register.filter
def cn_date(value, blank="　　年　　月　　日"):
    """An ISO date (or date) as 2026年3月10日; the form's empty 年 月 日 when there is none."""
    day = _date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else blank


@register.filter
def cn_year(value):
    """The year of a date (or a year) in Chinese digits: 2026 -> 二〇二六."""
    day = _date(value)
    year = day.year if day else value
    return "".join(CN_DIGITS[int(d)] for d in str(year)) if str(year).isdigit() else ""
