from alliances.api.routers import Router

from projects.api import views

app_name = "projects_api"

router = Router()
router.register("projects", views.ProjectViewSet, basename="project")
CHILD = "projects/<id:project_pk>/"
router.register(CHILD + "participants", views.ParticipantViewSet, basename="participant")
router.register(CHILD + "budget-lines", views.BudgetLineViewSet, basename="budget-line")
router.register(CHILD + "milestones", views.MilestoneViewSet, basename="milestone")
router.register(CHILD + "expenses", views.ExpenseViewSet, basename="expense")
router.register(CHILD + "documents", views.DocumentViewSet, basename="document")
router.register(CHILD + "adjustments", views.AdjustmentViewSet, basename="adjustment")
router.register(CHILD + "results", views.ResultViewSet, basename="result")

# API, mounted under /api/v1/alliances/<slug>/.
urlpatterns = router.urls
