from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from alliances import notification_views
from alliances import views as alliance_views
from alliances.api import views as alliance_api_views
from alliances.api.errors import api_not_found
from governance import calendar_views

DOMAIN_APPS = ["alliances", "membership", "governance", "finance", "projects", "ip_registry", "bureau"]

alliance_pages = [path("", include(f"{app}.urls")) for app in DOMAIN_APPS]
alliance_api = [path("", include(f"{app}.api.urls")) for app in DOMAIN_APPS]

urlpatterns = [
    path("", alliance_views.home, name="home"),
    path("accounts/login/", alliance_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/set-password/<uidb64>/<token>/", alliance_views.SetPasswordView.as_view(), name="set_password"),
    path("accounts/password-reset/", alliance_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/done/", alliance_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/notifications/", notification_views.PreferencesView.as_view(), name="notification_preferences"),
    path("accounts/calendar/", calendar_views.CalendarPageView.as_view(), name="calendar_page"),
    path("calendar/<feedtoken:token>.ics", calendar_views.feed, name="calendar_feed"),
    path("unsubscribe/<signedtoken:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("i18n/setlang/", notification_views.remember_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("platform/alliances/new/", alliance_views.PlatformAllianceCreateView.as_view(), name="platform_alliance_create"),
    path("platform/alliances/<slug:slug>/secretary-general/", alliance_views.PlatformSecretaryGeneralRecoverView.as_view(),
         name="platform_secretary_general_recover"),
    path("a/<slug:slug>/", include(alliance_pages)),
    path("bureau/", include("bureau.console_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/auth/token/", alliance_api_views.TokenView.as_view(), name="api-token"),
    path("api/v1/alliances/", alliance_api_views.MyAlliancesView.as_view(), name="api-alliances"),
    path("api/v1/me/calendar/", calendar_views.MyCalendarView.as_view(), name="api-my-calendar"),
    path("api/v1/alliances/<slug:slug>/", include(alliance_api)),
    path("api/v1/bureau/", include("bureau.api.bureau_urls")),
    re_path(r"^api/", api_not_found, name="api-not-found"),  # last: anything else under /api/ is the API's 404
]

handler404 = "alliances.api.errors.not_found"
