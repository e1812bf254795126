"""What Citus needs to distribute the tenant tables by `alliance_id` (docs/scaling.md, "Past one
database"): every tenant table has the column, and every unique constraint and every unique field of
a tenant table includes it, so each is enforceable inside one shard. The exceptions are listed here
with their reason; a new table or constraint that breaks the rule fails until it is fixed or listed.
"""

from django.apps import apps
from django.db import models

from config.urls import DOMAIN_APPS

TENANT_APPS = {"alliances", *DOMAIN_APPS}

# Tables that are not per alliance: they stay reference or local tables on the coordinator.
NOT_TENANT = {
    "alliances.User": "people hold roles in several alliances; a Citus reference table",
    "alliances.HistoricalUser": "the history of the reference table above",
    "alliances.Alliance": "the tenant itself: the distribution key's own table, a reference table",
    "alliances.HistoricalAlliance": "the history of the reference table above",
    "alliances.ScheduledJob": "the scheduler's own bookkeeping across all alliances (a local table)",
    "alliances.NotificationPreference": "a person's own notice settings, the same in every alliance (reference table)",
    "alliances.HistoricalNotificationPreference": "the history of the table above",
    "alliances.CalendarFeed": "one calendar feed per person, over every alliance they serve (reference table)",
    "bureau.Office": "the bureau's own offices, across alliances (reference table)",
    "bureau.HistoricalOffice": "the history of the table above",
    "bureau.OfficeMembership": "the bureau's officers in its offices (reference table)",
    "bureau.HistoricalOfficeMembership": "the history of the table above",
    "bureau.ReviewExpert": "the bureau's pool of re-review experts, across alliances (reference table)",
    "bureau.HistoricalReviewExpert": "the history of the table above",
    "bureau.PublishedList": "a published list of recognised alliances names several alliances (reference table)",
    "bureau.HistoricalPublishedList": "the history of the table above",
}

# One-to-one links: Django gives them a single-column unique index. Both rows always belong to the
# same alliance (a tenant service writes them), so uniqueness per shard equals global uniqueness;
# on Citus the index is recreated as (alliance_id, <column>) by the distribution migration.
ONE_TO_ONE = {
    "membership.AccessionAgreement.unit", "membership.AccessionSeal.agreement",
    "governance.CharterProposal.motion", "governance.SealedResult.motion", "governance.Resolution.motion",
    "governance.ResolutionSeal.sealed_result", "governance.MinutesSeal.meeting",
    "finance.RestrictionRelease.entry", "projects.IPAgreement.project", "governance.AgreementVersion.motion",
    "bureau.Review.submission",
}


def tenant_models():
    for model in apps.get_models():
        if model._meta.app_label in TENANT_APPS and model._meta.label not in NOT_TENANT:
            yield model


def unique_sets(model):
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            yield constraint.name, tuple(constraint.fields)
        elif isinstance(constraint, models.UniqueConstraint):  # over expressions: the fields they name
            yield constraint.name, tuple(name for e in constraint.expressions for name in referenced(e))
    for fields in model._meta.unique_together:
        yield "unique_together", tuple(fields)
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield field.name, (field.name,)


def referenced(expression):
    if isinstance(expression, models.F):
        yield expression.name
    for source in getattr(expression, "get_source_expressions", lambda: [])():
        yield from referenced(source)


def test_every_tenant_table_has_the_distribution_column():
    missing = [m._meta.label for m in tenant_models() if "alliance" not in {f.name for f in m._meta.concrete_fields}]
    assert missing == []


def test_every_unique_constraint_of_a_tenant_table_includes_alliance():
    offending = []
    for model in tenant_models():
        for name, fields in unique_sets(model):
            label = f"{model._meta.label}.{fields[0]}"
            if "alliance" not in fields and not (len(fields) == 1 and label in ONE_TO_ONE):
                offending.append(f"{model._meta.label} {name} {fields}")
    assert offending == []


def test_the_exception_lists_name_only_what_exists():
    labels = {m._meta.label for m in apps.get_models()}
    assert set(NOT_TENANT) <= labels
    one_to_one = {f"{m._meta.label}.{f.name}" for m in tenant_models() for f in m._meta.concrete_fields
                  if isinstance(f, models.OneToOneField)}
    assert ONE_TO_ONE <= one_to_one
