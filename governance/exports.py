"""Governance's spreadsheets: exactly what the motions and meetings lists show (their filters, every
page), with labels, never codes."""

from django.utils.translation import gettext as _

from alliances.exports import Spreadsheet
from alliances.listing import local_text
from governance.models import threshold_words


def motions_book(motions) -> Spreadsheet:
    book = Spreadsheet(_("议案与决议"))
    book.row([_("标题"), _("议案类型"), _("状态"), _("表决门槛"), _("表决截止时间"), _("结果"), _("决议编号"), _("发布时间")],
             bold=True)
    for m in motions:
        resolution = getattr(m, "resolution_record", None)
        book.row([m.title, m.get_kind_display(), m.get_status_display(), threshold_words(m.threshold) if m.threshold else "",
                  local_text(m.closes_at), m.get_result_display() if m.result else "",
                  resolution.number if resolution else "", local_text(resolution.issued_at if resolution else None)])
    book.widths([40, 16, 10, 28, 18, 10, 16, 18])
    return book


def resolutions_book(resolutions) -> Spreadsheet:
    book = Spreadsheet(_("理事会决议"))
    book.row([_("决议编号"), _("标题"), _("发布时间")], bold=True)
    for r in resolutions:
        book.row([r.number, r.title, local_text(r.issued_at)])
    book.widths([16, 40, 18])
    return book


def meetings_book(meetings) -> Spreadsheet:
    book = Spreadsheet(_("会议与纪要"))
    book.row([_("会议名称"), _("开始时间"), _("地点"), _("状态"), _("纪要状态"), _("会议纪要")], bold=True)
    for m in meetings:
        book.row([m.title, local_text(m.starts_at), m.location, m.get_status_display(), m.get_minutes_status_display(),
                  m.minutes])
    book.widths([40, 18, 24, 10, 12, 80])
    return book
