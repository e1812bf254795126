from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alliances.api.fields import ExpertField, ScopedRelatedField
from alliances.api.inputs import Input
from alliances.models import Seat, User
from governance.models import (
    AgendaItem, Attendance, CharterVersion, Choice, Consultation, ExpertInvitation, Meeting, Motion, MotionKind,
    Notification, Opinion, Resolution, SealedResult,
)
from membership.models import MemberUnit


# ---------------------------------------------------------------- motions

class MotionInput(Input):
    kind = serializers.ChoiceField(choices=MotionKind.choices)
    title = serializers.CharField(max_length=300)
    body = serializers.CharField(allow_blank=True, required=False, default="", max_length=100_000)
    closes_at = serializers.DateTimeField()
    secret = serializers.BooleanField(required=False, default=False)
    subject_unit = ScopedRelatedField(model=MemberUnit, required=False, allow_null=True, default=None)


class VoteInput(Input):
    choice = serializers.ChoiceField(choices=Choice.choices)


class VoteOutput(serializers.Serializer):
    motion = serializers.IntegerField(source="motion_id")
    choice = serializers.CharField()
    changes = serializers.IntegerField()


class MotionOutput(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft | open | closed")
    charter_version = serializers.IntegerField(source="charter.version")
    threshold = serializers.SerializerMethodField()
    subject_type = serializers.CharField(source="subject_type.model", default=None, allow_null=True)
    tally = serializers.SerializerMethodField()
    resolution = serializers.SerializerMethodField()

    class Meta:
        model = Motion
        fields = ["id", "kind", "title", "body", "secret", "status", "result", "charter_version", "threshold",
                  "subject_type", "subject_id", "subject_unit", "closes_at", "opened_at", "closed_at", "tally",
                  "resolution", "created_at"]

    def get_threshold(self, motion) -> str:
        return motion.rule

    def get_tally(self, motion) -> dict | None:
        """The sealed tally (closed motions only: no running count while the vote is open)."""
        sealed = getattr(motion, "sealed_result", None)
        return dict(sealed.tally) if sealed else None

    def get_resolution(self, motion) -> str | None:
        resolution = getattr(motion, "resolution_record", None)
        return resolution.number if resolution else None


class MotionDetailOutput(MotionOutput):
    my_choice = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    eligible_seats = serializers.SerializerMethodField()
    voted = serializers.SerializerMethodField()
    consultation_summaries = serializers.SerializerMethodField()

    class Meta(MotionOutput.Meta):
        fields = MotionOutput.Meta.fields + ["my_choice", "eligible_seats", "voted", "consultation_summaries", "attachments"]

    def get_attachments(self, motion) -> list[dict]:
        return [{"id": a.pk, "name": a.name, "url": a.get_absolute_url()} for a in motion.attachments.select_related("alliance")]

    def get_my_choice(self, motion) -> str | None:
        from governance.services import my_choice

        request = self.context.get("request")
        return my_choice(motion, request.user) if request and motion.status == Motion.Status.OPEN else None

    def get_eligible_seats(self, motion) -> list[dict]:
        return [
            {"seat": e.seat_id, "unit": e.unit.name if e.unit else "", "recused": e.recused}
            for e in motion.eligible_seats.select_related("unit")
        ]

    def get_voted(self, motion) -> int:
        return motion.eligible_seats.filter(voted_at__isnull=False).count()

    def get_consultation_summaries(self, motion) -> list[dict]:
        return [{"id": c.pk, "title": c.title, "summary": c.summary} for c in motion.consultations.filter(status="closed")]


class ResolutionOutput(serializers.ModelSerializer):
    motion_kind = serializers.CharField(source="motion.kind")
    tally = serializers.JSONField(source="motion.sealed_result.tally")
    sealed_hash = serializers.CharField(source="motion.sealed_result.hash")

    class Meta:
        model = Resolution
        fields = ["id", "number", "title", "text", "issued_at", "motion", "motion_kind", "tally", "sealed_hash"]


class SealedResultOutput(serializers.ModelSerializer):
    class Meta:
        model = SealedResult
        fields = ["id", "sequence", "motion", "sealed_at", "kind", "title", "secret", "threshold", "charter_version",
                  "tally", "voters", "recused", "result", "resolution_number", "previous_hash", "hash"]


class CharterOutput(serializers.ModelSerializer):
    class Meta:
        model = CharterVersion
        fields = ["id", "version", "thresholds", "motion_quorums", "meeting_quorum_numerator",
                  "meeting_quorum_denominator", "note", "resolution_number", "created_at"]


# ---------------------------------------------------------------- meetings

class AgendaItemOutput(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "motion"]


class AttendanceOutput(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["seat", "person", "present"]


class MeetingOutput(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="scheduled | held | cancelled")
    sequence = serializers.IntegerField(read_only=True, help_text="the calendar event's revision (iCalendar SEQUENCE)")
    class Meta:
        model = Meeting
        fields = ["id", "title", "starts_at", "ends_at", "location", "status", "sequence", "minutes_status",
                  "minutes_approved_at", "minutes_locked_at", "created_at"]


class MeetingDetailOutput(MeetingOutput):
    agenda = AgendaItemOutput(many=True)
    attendance = AttendanceOutput(many=True)
    quorum = serializers.SerializerMethodField()

    class Meta(MeetingOutput.Meta):
        fields = MeetingOutput.Meta.fields + ["minutes", "agenda", "attendance", "quorum"]

    def get_quorum(self, meeting) -> dict:
        from governance.services import meeting_quorum

        return meeting_quorum(meeting)


class MeetingInput(Input):
    title = serializers.CharField(max_length=300)
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    def validate_starts_at(self, value):
        # Before 1901 Asia/Shanghai has a local-mean-time offset (+08:05:43) no client can parse back.
        if not 1901 <= value.year <= 9998:
            raise serializers.ValidationError(_("会议时间不在合理范围内。"))
        return value


class MeetingUpdateInput(MeetingInput):
    """A change of a scheduled meeting (PATCH: any of the fields); the attendees get the new event."""

    ends_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_ends_at(self, value):
        return None if value is None else self.validate_starts_at(value)


class AgendaItemInput(Input):
    title = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    motion = ScopedRelatedField(model=Motion, required=False, allow_null=True, default=None)


class AttendanceInput(Input):
    present = serializers.ListField(child=ScopedRelatedField(model=Seat, filter={"organ__kind": "council"}), max_length=200)
    absent = serializers.ListField(
        child=ScopedRelatedField(model=Seat, filter={"organ__kind": "council"}), required=False, default=list, max_length=200
    )


class MinutesInput(Input):
    text = serializers.CharField(max_length=200_000)


# ---------------------------------------------------------------- consultations

class ConsultationInput(Input):
    title = serializers.CharField(max_length=300)
    question = serializers.CharField(max_length=100_000)
    deadline = serializers.DateTimeField()
    experts = serializers.ListField(child=ExpertField(), min_length=1, max_length=50)
    concerned_units = serializers.ListField(child=ScopedRelatedField(model=MemberUnit), required=False, default=list, max_length=50)
    motion = ScopedRelatedField(model=Motion, required=False, allow_null=True, default=None)


class InvitationOutput(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.__str__")

    class Meta:
        model = ExpertInvitation
        fields = ["expert", "expert_name", "excluded", "exclusion_reason"]


class OpinionOutput(serializers.ModelSerializer):
    class Meta:
        model = Opinion
        fields = ["id", "expert", "stance", "score", "text", "submitted_at"]


class ConsultationOutput(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="open | closed")
    class Meta:
        model = Consultation
        fields = ["id", "title", "question", "deadline", "status", "motion", "summary", "created_at", "closed_at"]


class ConsultationDetailOutput(ConsultationOutput):
    invitations = InvitationOutput(many=True)
    opinions = serializers.SerializerMethodField()
    concerned_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(ConsultationOutput.Meta):
        fields = ConsultationOutput.Meta.fields + ["invitations", "opinions", "concerned_units"]

    def get_opinions(self, consultation) -> list[dict]:
        """Experts see their own opinion only until the consultation closes; the secretariat sees all."""
        request = self.context.get("request")
        opinions = consultation.opinions.all()
        if request and not self.context.get("sees_all_opinions"):
            opinions = opinions.filter(expert=request.user)
        return OpinionOutput(opinions, many=True).data


class OpinionInput(Input):
    stance = serializers.ChoiceField(choices=Opinion.Stance.choices)
    text = serializers.CharField(max_length=100_000)
    score = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)


class ConsultationCloseInput(Input):
    summary = serializers.CharField(max_length=100_000, required=False, default="", allow_blank=True)


class NotificationOutput(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class UserRef(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "display_name"]


class UploadInput(Input):
    name = serializers.CharField(max_length=200)
    file = serializers.FileField()


class UploadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        """The access-checked download page."""
        return obj.get_absolute_url()
