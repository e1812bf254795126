"""Ballots, sealed results, resolutions and the resolutions chain's links."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliances.tenancy import SealedTenantModel, TenantModel
from governance.models.motions import Motion


class Choice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Ballot(TenantModel):
    """One vote per seat and motion. Named: `seat` and `voter` are set. Secret: both are empty and
    `token` (sha256 of the motion's salt and the seat) lets the same seat replace its choice.

    No history table: a history row would name the actor and link a secret choice to a person.
    The random UUID key keeps insertion order from hinting at who voted when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="ballots")
    seat = models.ForeignKey("alliances.Seat", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    token = models.CharField(max_length=64, blank=True)
    choice = models.CharField(_("表决意见"), max_length=10, choices=Choice.choices)
    cast_at = models.DateTimeField(null=True, blank=True)
    changes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "motion", "seat"], condition=Q(seat__isnull=False), name="ballot_one_per_seat"),
            models.UniqueConstraint(fields=["alliance", "motion", "token"], condition=~Q(token=""), name="ballot_one_per_token"),
            models.CheckConstraint(condition=Q(seat__isnull=False) | ~Q(token=""), name="ballot_seat_or_token"),
        ]


class SealedResult(SealedTenantModel):
    """The tally, voter list and result of a closed motion, chained by SHA-256 per alliance."""

    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="sealed_result")
    sequence = models.PositiveIntegerField(_("序号"))
    sealed_at = models.DateTimeField(_("封存时间"))
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    secret = models.BooleanField(default=False)
    threshold = models.CharField(max_length=30)
    charter_version = models.PositiveIntegerField(_("章程版本"))
    tally = models.JSONField(_("计票"))
    voters = models.JSONField(_("投票人名单"))
    recused = models.JSONField(_("回避"))
    result = models.CharField(_("结果"), max_length=10)
    resolution_number = models.CharField(max_length=40, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("封存结果")
        verbose_name_plural = _("封存结果")
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["alliance", "sequence"], name="sealedresult_sequence_unique")]

    def __str__(self):
        return f"#{self.sequence} {self.title}"


class Resolution(SealedTenantModel):
    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="resolution_record")
    number = models.CharField(_("决议编号"), max_length=40)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("发布时间"))
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("决议内容"))

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "number"], name="resolution_number_unique"),
            models.UniqueConstraint(fields=["alliance", "year", "sequence"], name="resolution_sequence_unique"),
        ]

    def __str__(self):
        return self.number


class ResolutionSeal(SealedTenantModel):
    """A link of the alliance's resolutions chain (`governance.chains.resolutions`), one per sealed
    result: its hash covers the sealed result's hash and the resolution as issued (number, title,
    text, date), so an edit of either, or a deleted newest record, is found by `verify_resolutions`."""

    sealed_result = models.OneToOneField(SealedResult, on_delete=models.PROTECT, related_name="resolution_seal")
    sequence = models.PositiveIntegerField(_("序号"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("决议封存")
        verbose_name_plural = _("决议封存")
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["alliance", "sequence"], name="resolutionseal_sequence_unique")]
