"""Membership's long jobs (alliances/jobs.py): the directory as XLSX and the CSV import, when large."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances import access
from alliances.exports import CsvTable, Spreadsheet
from membership import selectors, services
from membership.filters import MemberFilter
from membership.models import MemberUnit

DIRECTORY_XLSX = "membership.directory_xlsx"
IMPORT_CSV = "membership.import_csv"

EXPORT_COLUMNS = ["name", "uscc", "kind", "status", "alliance_role", "legal_representative", "address",
                  "contact_person", "phone", "email", "standing", "applied_on", "joined_on", "left_on"]


def directory_filter(alliance, user, params: dict) -> MemberFilter:
    """The member list's own FilterSet over what `user` may read: the page, its export and the job agree."""
    return MemberFilter(params, queryset=selectors.visible_units(user, alliance).order_by("name", "id"))


def build_directory(job, progress) -> tuple[str, bytes]:
    """The directory (with the page's filters) and the counts by kind, as one workbook."""
    units = directory_filter(job.alliance, job.requested_by, job.params).qs
    total = max(1, units.count())
    book = Spreadsheet(_("成员单位"))
    book.row([MemberUnit._meta.get_field(name).verbose_name for name in EXPORT_COLUMNS])
    for number, unit in enumerate(units.iterator(chunk_size=500), start=1):
        book.row([str(getattr(unit, f"get_{name}_display")()) if hasattr(unit, f"get_{name}_display")
                  else getattr(unit, name) for name in EXPORT_COLUMNS])
        if number % 500 == 0:
            progress(90 * number // total, _("已写入%(n)d家单位") % {"n": number})
    book.add_sheet(_("按类型统计"))
    for row in selectors.kind_rows(selectors.member_counts_by_kind(job.alliance)):
        book.row([row["label"], row["count"]])
    return f"members-{job.alliance.slug}-{timezone.localdate().isoformat()}.xlsx", book.to_bytes()


def build_import(job, progress) -> tuple[str, bytes]:
    """The secretariat's CSV import, checked row by row by the service: one bad row and nothing is
    imported (the job fails with the report). The file lists the imported units."""
    progress(10, _("正在逐行检查"))
    units = services.member_import(actor=job.requested_by, alliance=job.alliance, rows=job.params["rows"])
    table = CsvTable()
    table.row([MemberUnit._meta.get_field(name).verbose_name for name in ("name", "uscc", "status")])
    for unit in units:
        table.row([unit.name, unit.uscc, unit.get_status_display()])
    return f"import-{job.alliance.slug}-{timezone.localdate().isoformat()}.csv", table.text().encode("utf-8-sig")


def register() -> None:
    from alliances import jobs

    jobs.register(DIRECTORY_XLSX, gettext_lazy("成员单位名录（XLSX）"), build_directory, selectors.DIRECTORY_READERS)
    jobs.register(IMPORT_CSV, gettext_lazy("成员单位导入（CSV）"), build_import, access.SECRETARIAT, bureau_reads=False)
