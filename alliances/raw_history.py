"""The columns of a simple-history table, for the services that insert history rows by hand (raw
SQL, for speed: finance's bulk postings, governance's notifications to every seat).

Those inserts take their column list from `insert_fields`, derived from the history model itself,
so a new field of the tracked model or of the history table is written too, and a history field
the inserts cannot fill (a django-simple-history upgrade adding one) fails loudly instead of
being left empty. tests/alliances/test_raw_history.py compares the result with the history
model's concrete fields.
"""

from django.core.exceptions import ImproperlyConfigured
from simple_history.utils import get_history_manager_for_model

# What simple-history writes next to the copied fields (history_id is the table's own key).
BOOKKEEPING = ("history_date", "history_change_reason", "history_type", "history_user_id")


def history_model(model):
    return get_history_manager_for_model(model).model


def insert_fields(model) -> list:
    """The concrete fields of `model`'s history table that a raw INSERT writes, in the table's
    order: every one but the history_id key. Each is a copy of a field of `model` (same attname and
    column, read from the tracked row) or one of BOOKKEEPING (the insert supplies it)."""
    tracked = {f.attname: f.column for f in model._meta.concrete_fields}
    fields = [f for f in history_model(model)._meta.concrete_fields if f.attname != "history_id"]
    unknown = [f.attname for f in fields if f.attname not in BOOKKEEPING and tracked.get(f.attname) != f.column]
    missing = set(BOOKKEEPING) - {f.attname for f in fields}
    if unknown or missing:
        raise ImproperlyConfigured(
            f"{history_model(model).__name__}: raw history inserts cannot fill {sorted(unknown)} "
            f"or miss {sorted(missing)}; update alliances.raw_history.BOOKKEEPING and its callers")
    return fields
