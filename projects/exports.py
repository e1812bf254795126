"""The project list as XLSX: exactly what the list shows (its filters, every page), labels not codes."""

from django.utils.translation import gettext as _

from alliances.exports import Spreadsheet


def projects_book(projects) -> Spreadsheet:
    book = Spreadsheet(_("联盟项目"))
    book.row([_("项目编号"), _("项目名称"), _("牵头单位"), _("状态"), _("政府科技计划项目"), _("技术领域"), _("开始日期"),
              _("结束日期"), _("立项决议编号"), _("版本")], bold=True)
    for p in projects:
        book.row([p.code, p.title, str(p.lead_unit or ""), p.get_status_display(), _("是") if p.government_programme else _("否"),
                  p.technology_field, p.start_date, p.end_date, p.approval_resolution, p.version])
    book.widths([16, 40, 30, 14, 10, 20, 12, 12, 18, 6])
    return book
