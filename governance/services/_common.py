"""Private helpers shared by the motion, voting and consultation services."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from alliances import uploads
from alliances.errors import Forbidden, ValidationFailed
from governance.models import Motion


def _subject_fields(alliance, subject):
    if subject is None:
        return None, None
    if getattr(subject, "pk", None) is None or getattr(subject, "alliance_id", None) != alliance.pk:
        raise ValidationFailed(fields={"subject": [_("对象不属于本联盟。")]})
    return ContentType.objects.get_for_model(subject), subject.pk


def _check_upload(name: str, file) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写名称。")]
    file_errors = uploads.upload_errors(file)
    if file_errors:
        errors["file"] = file_errors
    return errors


def _locked_motion(alliance, motion) -> Motion:
    if motion.alliance_id != alliance.pk:
        raise Forbidden()
    return Motion.objects.select_for_update().get(pk=motion.pk)
