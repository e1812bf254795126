"""Every generic reference resolves (docs/architecture.md, "Cross-app references").

A reference to one model is a foreign key, which the database checks. A generic foreign key stays
only where the target really varies (the subject of a motion, of a consultation, of a bureau
submission), and the database cannot check it: this does, for every installed model, so the
core names no domain app. Run by `manage.py check --database default` (and by `migrate`).
"""

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import connections, models
from django.db.models.functions import Cast
from django_scopes import scopes_disabled


def generic_foreign_keys():
    """(model, GenericForeignKey) for every installed model that has one."""
    for model in apps.get_models():
        for field in model._meta.private_fields:
            if isinstance(field, GenericForeignKey):
                yield model, field


def dangling_generic_references(using: str = "default") -> list[tuple]:
    """(model label, row pk, field name, target content type, target id) of each generic reference
    whose target row does not exist: one query per model and target type."""
    dangling = []
    with scopes_disabled():
        for model, gfk in generic_foreign_keys():
            rows = model._base_manager.using(using).exclude(**{f"{gfk.fk_field}__isnull": True})
            type_ids = rows.exclude(**{f"{gfk.ct_field}__isnull": True}).values_list(gfk.ct_field, flat=True).order_by().distinct()
            for type_id in type_ids:
                target = ContentType.objects.db_manager(using).get_for_id(type_id).model_class()
                of_type = rows.filter(**{gfk.ct_field: type_id})
                if target is not None:
                    of_type = of_type.exclude(**{f"{gfk.fk_field}__in": _pks(target, model._meta.get_field(gfk.fk_field), using)})
                for pk, target_id in of_type.values_list("pk", gfk.fk_field):
                    dangling.append((model._meta.label, pk, gfk.name, type_id, target_id))
    return dangling


def _pks(target, fk_field, using):
    """The target's primary keys, as the reference column stores them (guardian keeps them as text)."""
    pks = target._base_manager.using(using)
    if isinstance(fk_field, models.IntegerField):
        return pks.values("pk")
    return pks.annotate(ref=Cast("pk", output_field=models.CharField())).values("ref")


@checks.register(checks.Tags.database)
def check_generic_references(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or ():
        tables = set(connections[alias].introspection.table_names())
        if not {m._meta.db_table for m, _ in generic_foreign_keys()} | {ContentType._meta.db_table} <= tables:
            continue  # not migrated yet (migrate runs the database checks first)
        for label, pk, name, type_id, target_id in dangling_generic_references(alias):
            errors.append(checks.Error(
                f"{label} {pk}: {name} points at a missing row (content type {type_id}, id {target_id})",
                id="alliances.E001",
            ))
    return errors
