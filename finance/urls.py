from django.urls import path

from finance import report_views, views

app_name = "finance"

# Pages, mounted under /a/<slug>/.
urlpatterns = [
    path("finance/", views.HomeView.as_view(), name="home"),
    path("finance/entries/", views.EntryListView.as_view(), name="entries"),
    path("finance/entries/export.xlsx", views.EntryExportView.as_view(), name="entries_export"),
    path("finance/entries/new/", views.EntryNewView.as_view(), name="entry_new"),
    path("finance/entries/<id:pk>/", views.EntryDetailView.as_view(), name="entry"),
    path("finance/entries/<id:pk>/attachments/<id:attachment_id>/", views.AttachmentView.as_view(), name="attachment"),
    path("finance/approvals/", views.ApprovalQueueView.as_view(), name="approvals"),
    path("finance/accounts/export.xlsx", views.TrialBalanceExportView.as_view(), name="trial_balance_export"),
    path("finance/accounts/", views.AccountsView.as_view(), name="accounts"),
    path("finance/general-ledger/", views.GeneralLedgerView.as_view(), name="general_ledger"),
    path("finance/periods/", views.PeriodsView.as_view(), name="periods"),
    path("finance/contributions/", views.ContributionsView.as_view(), name="contributions"),
    path("finance/statements/<id:unit_id>/", views.StatementView.as_view(), name="statement"),
    path("finance/projects/<id:project_id>/budget/", views.ProjectBudgetView.as_view(), name="project_budget"),
    path("finance/auditor-export/", views.AuditorExportView.as_view(), name="auditor_export"),
    *[path(f"finance/reports/{kind}/", report_views.ReportView.as_view(kind=kind), name=f"report_{kind.replace('-', '_')}")
      for kind in report_views.BUILDERS],
]
