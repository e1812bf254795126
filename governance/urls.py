from django.urls import path

from governance import views

app_name = "governance"

# Pages, mounted under /a/<slug>/.
urlpatterns = [
    path("motions/", views.MotionListView.as_view(), name="motions"),
    path("motions/<int:pk>/", views.MotionDetailView.as_view(), name="motion"),
]
