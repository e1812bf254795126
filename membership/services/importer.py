"""Importing existing member units from a spreadsheet."""

import datetime
import re

from django.utils.translation import gettext as _

from alliances import access, dates
from alliances.errors import ValidationFailed
from alliances.tenancy import tenant_service
from membership.models import MemberUnit
from membership.services._common import (
    Event, PROFILE_FIELDS, Status, _clean_profile, _past_in_alliance, _record, _today,
)


IMPORT_COLUMNS = ["name", "uscc", "kind", "legal_representative", "address", "contact_person", "phone", "email",
                  "standing", "alliance_role", "status", "joined_on"]
IMPORT_STATUSES = (Status.APPLIED, Status.ACTIVE)


@tenant_service
def member_import(*, actor, alliance, rows: list[dict]) -> list[MemberUnit]:
    """Import units from rows (e.g. a CSV). Every row is checked first; if any row fails, nothing
    is imported and the error lists each row's problems: {"row 3": {"uscc": [...]}}.

    A row's status is `applied` (default) or `active` (a founding member who signed the alliance
    agreement, 第八条(二)), the latter with its `joined_on` date.
    """
    access.require_secretariat(actor, alliance)
    if not rows:
        raise ValidationFailed(_("文件中没有数据行。"), fields={"file": [_("文件中没有数据行。")]})
    report: dict[str, list[str]] = {}
    prepared = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        row = {k: (v or "").strip() if isinstance(v, str) or v is None else v for k, v in row.items()}
        extra = {k: row.pop(k) for k in ("status", "joined_on") if k in row}
        problems: list[str] = []
        try:
            cleaned = _clean_profile(alliance, {k: v for k, v in row.items() if k in PROFILE_FIELDS})
        except ValidationFailed as error:
            cleaned = None
            problems += [f"{_field_label(name)}：{m}" for name, messages in error.fields.items() for m in messages]
        code = (cleaned or {}).get("uscc") or re.sub(r"\s", "", str(row.get("uscc", ""))).upper()
        if code and code in seen:
            problems.append(_("统一社会信用代码与第%(n)d行重复。") % {"n": seen[code]})
        elif code:
            seen[code] = number
        status = extra.get("status") or Status.APPLIED
        joined_on = None
        if status not in IMPORT_STATUSES:
            problems.append(_("状态只能为 applied（申请）或 active（创始成员）。"))
        elif status == Status.ACTIVE:
            try:
                joined_on = datetime.date.fromisoformat(extra.get("joined_on") or "")
            except ValueError:
                problems.append(_("正式成员须填写加入日期（YYYY-MM-DD）。"))
            else:
                problems += dates.date_errors(joined_on, _past_in_alliance(alliance), field="joined_on").get("joined_on", [])
        if problems:
            report[_("第%(n)d行") % {"n": number}] = problems
        else:
            prepared.append((cleaned, status, joined_on))
    if report:
        raise ValidationFailed(_("导入失败：有%(n)d行存在错误，未导入任何数据。") % {"n": len(report)}, fields=report)
    units = []
    for cleaned, status, joined_on in prepared:
        unit = MemberUnit.objects.create(
            alliance=alliance, status=status, applied_on=joined_on or _today(), joined_on=joined_on,
            source=MemberUnit.Source.IMPORT, **cleaned,
        )
        _record(unit, event=Event.IMPORTED, from_status="", actor=actor, date=joined_on or _today(),
                reason=_("创始成员（签署联盟协议）。") if status == Status.ACTIVE else _("批量导入的申请。"))
        units.append(unit)
    return units


def _field_label(name: str) -> str:
    try:
        return str(MemberUnit._meta.get_field(name).verbose_name)
    except Exception:
        return name
