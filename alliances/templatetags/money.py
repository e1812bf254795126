"""`{{ amount|money }}`: every amount on a page, PDF or e-mail, formatted by `alliances.money`."""

from django import template

from alliances.money import format_money

register = template.Library()


@register.filter(name="money")
def money(value, currency=""):
    """`{{ row.debit|money }}` -> `4,969,543.21`; `{{ line.amount|money:"currency" }}` adds a Money's code."""
    return format_money(value, currency=bool(currency))
