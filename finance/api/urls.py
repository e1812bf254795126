from django.urls import path

from alliances.api.routers import Router
from finance.api import statements, views

app_name = "finance_api"

router = Router()
router.register("ledger/accounts", views.AccountViewSet, basename="account")
router.register("ledger/funds", views.FundViewSet, basename="fund")
router.register("ledger/entries", views.EntryViewSet, basename="entry")
router.register("ledger/periods", views.PeriodViewSet, basename="period")
router.register("ledger/contributions", views.ContributionViewSet, basename="contribution")
router.register("ledger/statements", views.StatementViewSet, basename="statement")

reports = views.ReportViewSet
# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = [
    *router.urls,
    path("ledger/trial-balance/", reports.as_view({"get": "trial_balance"}), name="trial-balance"),
    path("ledger/general-ledger/", reports.as_view({"get": "general_ledger"}), name="general-ledger"),
    path("ledger/budget-vs-actual/<id:project_id>/", reports.as_view({"get": "budget_vs_actual"}), name="budget-vs-actual"),
    path("ledger/verify/", reports.as_view({"get": "verify"}), name="verify"),
    path("ledger/auditor-export/", reports.as_view({"get": "auditor_export"}), name="auditor-export"),
]

# The statutory statements (会民非01–03表): the document, and the same as files.
for name, view in statements.VIEWS.items():
    urlpatterns += [
        path(f"ledger/reports/{name}/", view.as_view({"get": "document"}), name=name),
        path(f"ledger/reports/{name}/xlsx/", view.as_view({"get": "xlsx"}), name=f"{name}-xlsx"),
        path(f"ledger/reports/{name}/pdf/", view.as_view({"get": "pdf"}), name=f"{name}-pdf"),
    ]
