"""How an amount reads everywhere a person sees it: pages, PDFs, e-mails (XLSX keeps numbers typed
with `MONEY_FORMAT`, the API gives `api.fields.AmountField` strings).

Thousands separators, exactly two decimals, a minus sign before a negative amount
(`-1,234.50`, the one convention of the product): `4969543.210000000` reads `4,969,543.21`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MONEY_FORMAT = "#,##0.00"  # the same look in spreadsheets


def to_cents(value) -> Decimal | None:
    """The amount of `value` (a Decimal, number, numeric text or a djmoney `Money`) to the cent."""
    if value is None or value == "":
        return None
    value = getattr(value, "amount", value)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return None


def format_money(value, currency: bool = False) -> str:
    """`1234567.5` -> `1,234,567.50`; `-1234.5` -> `-1,234.50`; None -> ``; a `Money` with
    `currency=True` -> `1,234.50 CNY`. Text that is not a number is returned as it is."""
    amount = to_cents(value)
    if amount is None:
        return "" if value is None else str(value)
    if amount == 0:
        amount = abs(amount)  # never "-0.00"
    text = f"{amount:,.2f}"
    code = getattr(getattr(value, "currency", None), "code", None)
    return f"{text} {code}" if currency and code else text
