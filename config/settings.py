"""Settings for Lianmeng.

Everything that differs between a laptop and production comes from the environment:
DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS. The defaults are safe for development only.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "simple_history",
    "djmoney",
    "alliances",
    "membership",
    "governance",
    "finance",
    "projects",
    "ip_registry",
    "bureau",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "alliances.middleware.AllianceScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alliances.context_processors.navigation",
            ],
            "builtins": ["alliances.templatetags.lang"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves concurrent requests: a writer waits for the lock (IMMEDIATE takes it
    # at BEGIN, so no deadlocked upgrade) up to `timeout` seconds, and WAL lets readers run meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
if os.environ.get("DATABASE_REPLICA_URL"):
    # A streaming replica of the same database (docs/scaling.md); its tests mirror the primary.
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["alliances.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "alliances.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked account is refused before its password is checked
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@lianmeng.local")
# The mail server of the SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# Background work (docs/operations.md): Django's task framework through the django-tasks backport. The
# default backend keeps tasks in our own database (SQLite or PostgreSQL), run by `manage.py db_worker`;
# a larger deployment points TASKS at django-tasks-rq (Redis) without touching the code.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The e-mail outbox (alliances/outbox.py): messages per delivery task, attempts before a message is
# marked failed, and the first retry delay in seconds (doubled at each further attempt).
OUTBOX_BATCH_SIZE = int(os.environ.get("OUTBOX_BATCH_SIZE", "200"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5"))
OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
# Long jobs (alliances/jobs.py): an export of at least this many rows is built by the worker with a
# progress page (the API answers 202); a smaller one is built in the request.
JOBS_SYNC_LIMIT = int(os.environ.get("JOBS_SYNC_LIMIT", "2000"))
# A job still queued or running this long after it was asked for was lost (a worker stopped): the
# sweep marks it failed, and asking again starts a new one.
JOBS_TIMEOUT_SECONDS = int(os.environ.get("JOBS_TIMEOUT_SECONDS", "3600"))
# Scheduled jobs (`manage.py run_scheduler`, alliances/scheduler.py): name, task path, interval in seconds.
# Each job is idempotent; the scheduler records its last run so two schedulers or a restart do not double it.
SCHEDULED_JOBS = [
    ("close_motions", "governance.tasks.close_due_motions", 5 * 60),
    ("send_motion_reminders", "governance.tasks.send_motion_reminders", 60 * 60),
    ("notification_digest", "governance.tasks.send_notification_digest", 24 * 60 * 60),
    ("ip_expire_licences", "ip_registry.tasks.expire_licences", 24 * 60 * 60),
    ("flag_overdue_reports", "bureau.tasks.flag_overdue_annual_reports", 24 * 60 * 60),
    ("outbox_sweep", "alliances.outbox.sweep", 5 * 60),
    ("checkpoint_all", "alliances.checkpoints.checkpoint_all", 24 * 60 * 60),
    ("jobs_sweep", "alliances.jobs.sweep", 15 * 60),
]

# Money: CNY by default, a few others allowed (every journal entry balances per currency).
CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY")
DEFAULT_CURRENCY = "CNY"
CURRENCY_DECIMAL_PLACES = 2

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then answers 401 with `WWW-Authenticate: Token`, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API takes JSON (typed, depth-bounded); only upload actions declare multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["alliances.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "alliances.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "alliances.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "alliances.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Failed logins per address (alliances/login.py); successful ones are never counted. Password-reset
    # mails sent per target address and per client address (past either, the page answers alike, unsent).
    "DEFAULT_THROTTLE_RATES": {
        "login_failures": os.environ.get("LOGIN_FAILURE_RATE", "30/min"),
        "password_reset_email": os.environ.get("PASSWORD_RESET_EMAIL_RATE", "5/hour"),
        "password_reset_address": os.environ.get("PASSWORD_RESET_ADDRESS_RATE", "20/hour"),
    },
    # Proxies in front of the application: the client address is read from X-Forwarded-For only
    # past them (0: REMOTE_ADDR, so a client cannot choose its own address).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
}
# Many apps have a `kind` or a `status`: each choice set gets its own name in the OpenAPI schema.
ENUM_NAME_OVERRIDES = {
    "AllianceStatusEnum": "alliances.models.Alliance.Status",
    "AllianceOrganKindEnum": "alliances.models.Organ.Kind",
    "AllianceRoleEnum": "alliances.models.Role",
    "MembershipMemberUnitKindEnum": "membership.models.MemberUnit.Kind",
    "MembershipMemberUnitStatusEnum": "membership.models.MemberUnit.Status",
    "MembershipMemberUnitAllianceRoleEnum": "membership.models.MemberUnit.AllianceRole",
    "MembershipMemberUnitSourceEnum": "membership.models.MemberUnit.Source",
    "MembershipMemberTransitionEventEnum": "membership.models.MemberTransition.Event",
    "MembershipExpulsionCaseGroundsEnum": "membership.models.ExpulsionCase.Grounds",
    "MembershipExpulsionCaseOutcomeEnum": "membership.models.ExpulsionCase.Outcome",
    "GovernanceMotionKindEnum": "governance.models.MotionKind",
    "PartyRegionEnum": "ip_registry.models.Region",
    "GovernanceThresholdEnum": "governance.models.Threshold",
    "GovernanceChoiceEnum": "governance.models.Choice",
    "GovernanceMotionStatusEnum": "governance.models.Motion.Status",
    "GovernanceMotionResultEnum": "governance.models.Motion.Result",
    "GovernanceAgreementVersionStatusEnum": "governance.agreement.models.AgreementVersion.Status",
    "GovernanceAgreementSignatureCapacityEnum": "governance.agreement.models.AgreementSignature.Capacity",
    "GovernanceMeetingStatusEnum": "governance.models.Meeting.Status",
    "GovernanceMeetingMinutesStatusEnum": "governance.models.Meeting.MinutesStatus",
    "OpenClosedStatusEnum": "governance.models.Consultation.Status",
    "GovernanceOpinionStanceEnum": "governance.models.Opinion.Stance",
    "GovernanceNotificationKindEnum": "governance.models.Notification.Kind",
    "FinanceSourceEnum": "finance.models.Source",
    "FinanceAccountKindEnum": "finance.models.Account.Kind",
    "FinanceAccountCategoryEnum": "finance.models.Account.Category",
    "FinanceJournalEntryStatusEnum": "finance.models.JournalEntry.Status",
    "ProjectsProjectStatusEnum": "projects.models.Project.Status",
    "ProjectsParticipantRoleEnum": "projects.models.Participant.Role",
    "ProjectsParticipantStatusEnum": "projects.models.Participant.Status",
    "ProjectsBudgetLineCategoryEnum": "projects.models.BudgetLine.Category",
    "ProjectsBudgetLineSourceEnum": "projects.models.BudgetLine.Source",
    "ProjectsAdjustmentKindEnum": "projects.models.Adjustment.Kind",
    "ProjectsAdjustmentStatusEnum": "projects.models.Adjustment.Status",
    "ProjectsDocumentKindEnum": "projects.models.Document.Kind",
    "IpRegistryTerritoryEnum": "ip_registry.models.Territory",
    "IpRegistryIPAssetKindEnum": "ip_registry.models.IPAsset.Kind",
    "IpRegistryIPAssetStatusEnum": "ip_registry.models.IPAsset.Status",
    "IpRegistryIPAssetOriginEnum": "ip_registry.models.IPAsset.Origin",
    "IpRegistryLicenceKindEnum": "ip_registry.models.Licence.Kind",
    "IpRegistryLicenceRoyaltyEnum": "ip_registry.models.Licence.Royalty",
    "IpRegistryLicenceStatusEnum": "ip_registry.models.Licence.Status",
    "IpRegistryTransferStatusEnum": "ip_registry.models.Transfer.Status",
    "BureauKindEnum": "bureau.models.Kind",
    "BureauOutcomeEnum": "bureau.models.Outcome",
    "BureauSubmissionStatusEnum": "bureau.models.Submission.Status",
}

SPECTACULAR_SETTINGS = {
    "ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES,
    "TITLE": "Lianmeng API",
    "DESCRIPTION": "产业技术创新战略联盟自治管理系统 / Self-governance for technology innovation alliances",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "alliances.api.schema.TenantAwareSchemaGenerator",
    "GET_MOCK_REQUEST": "alliances.api.schema.build_mock_request",
    # Swagger UI served from our own static files: works offline and under the CSP below.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Object ids in paths (alliances/converters.py): what the URL resolver accepts, nothing wider.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
}

# Content security policy, everywhere (so browser tests catch violations): scripts only from our
# static files or with the per-request nonce (`<script nonce="{{ request.csp_nonce }}">`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login lockout (django-axes), shared by the login page and the token endpoint: an account is
# locked after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME, counted per account only (never per
# address: one attacker must not lock out a whole office behind one NAT; the per-address ceiling is
# the failed-login throttle above). A success clears the count; `manage.py axes_reset_username` unlocks.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends COOLOFF after the last counted failure
AXES_LOCKOUT_CALLABLE = "alliances.login.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # failures are what the lockout needs; no row (nor session) per success
AXES_ENABLE_ADMIN = False  # the admin stays read-only
AXES_VERBOSE = False
# axes.W006 asks for ip_address among the lockout parameters: deliberately not (see above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Date ranges (alliances/dates.py): how far ahead a date of the alliance's business may lie, the floor
# used while an alliance's founding date is unknown, and the longest term (licences, projects).
LIANMENG_MAX_FUTURE_DAYS = int(os.environ.get("LIANMENG_MAX_FUTURE_DAYS", "366"))
LIANMENG_EARLIEST_ALLIANCE_DATE = os.environ.get("LIANMENG_EARLIEST_ALLIANCE_DATE", "2000-01-01")
LIANMENG_MAX_TERM_YEARS = int(os.environ.get("LIANMENG_MAX_TERM_YEARS", "50"))
# Checkpoint signing key (alliances/keys.py, docs/operations.md): PEM text in the environment, or
# `checkpoint.key` in the key directory, which also keeps the public key of every key ever used.
LIANMENG_KEY_DIR = Path(os.environ.get("LIANMENG_KEY_DIR", BASE_DIR / "var" / "keys"))
LIANMENG_CHECKPOINT_KEY = os.environ.get("LIANMENG_CHECKPOINT_KEY", "")
LIANMENG_REQUIRE_CHECKPOINT_KEY = False  # config.production: True (a system check refuses to start without one)

# Signed PDFs (alliances/signing.py): key files live outside the database, under LIANMENG_KEY_DIR
# (PDF certificates in its pdf/ folder). LIANMENG_SIGNING_CERTS (JSON) names real certificates per
# signer: {"@bureau": {...}, "<alliance slug>" or "*": {"pkcs12": path, "passphrase": ...} or
# {"key": path, "cert": path, "chain": [paths]}}. Without one, a development CA issues them.
LIANMENG_SIGNING_CERTS = json.loads(os.environ.get("LIANMENG_SIGNING_CERTS", "{}"))
LIANMENG_SIGNING_DEV_CA = os.environ.get("LIANMENG_SIGNING_DEV_CA", "true").lower() in ("1", "true", "yes")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Absolute address used in emailed links (invitations).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
