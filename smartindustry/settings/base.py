"""Settings shared by every environment, read from the environment with django-environ.

With no DATABASE_URL the portal runs on SQLite; with no REDIS_URL Celery runs tasks
eagerly in-process (the "embedded default" of DESIGN.md).
"""

import warnings
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    REDIS_URL=(str, ""),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_htmx",
    "csp",
    "core",
    "accounts",
    "registry",
    "review",
    "funding",
    "evaluation",
    "reporting",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A view that cannot reach the database answers 503 (own page, or JSON under /api/), not a 500.
    "core.errors.DatabaseOutageMiddleware",
    # RateLimit-* headers from the API throttle's count (accounts/api/throttling.py).
    "accounts.api.throttling.RateLimitHeadersMiddleware",
    # Axes last: it must see the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartindustry.urls"
# The access policy the shared core asks (core/policy.py): one module with can, require and visible_to.
ACCESS_POLICY = "accounts.policy"
WSGI_APPLICATION = "smartindustry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A PostgreSQL that is down or hung must fail a request (and /healthz) within seconds, not after the kernel's TCP
# timeout: psycopg gives up connecting after this many seconds (it treats values below 2 as 2).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A second connection to the same database for job progress and heartbeats, committed at once while the job's
    # own work is still inside its transaction (jobs/services.py). Tests mirror it onto the default connection.
    DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# The admin's "revert to this version" would write around the services and the workflow (accounts/policy.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Login throttling (django-axes). Two counters, each locking after AXES_FAILURE_LIMIT failures within the cool-off:
# - a username *from one address*: guessing one user's password is stopped, but an attacker elsewhere cannot lock the
#   real user out (a lock on username alone would let anyone lock out a named user from everywhere);
# - an address alone: spraying a few guesses over many usernames from one address is stopped too.
# Axes has one limit for both, so it is higher than the classic 5: a user who mistypes is not locked out, while
# spraying ends after 20 guesses an hour per address. Behind a proxy, axes must see the client's address, not the
# proxy's (AXES_IPWARE_PROXY_COUNT: the number of proxies in front, which append to X-Forwarded-For).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` writes (the image collects at build time; CI collects into a temporary folder).
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Without `collectstatic` (development, tests) WhiteNoise warns that STATIC_ROOT is missing; runserver and the
# finders serve the files then, so the warning says nothing useful.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Redis: broker and shared cache -----------------------------------------
REDIS_URL = env("REDIS_URL")
# Seconds to connect to Redis and to wait for an answer (cache and /healthz); without it a hung Redis hangs requests.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
# Throttle counters live in the cache: with Redis every gunicorn worker shares one budget per token. When Redis does
# not answer, the throttle counts in each worker's memory instead (accounts/api/throttling.py).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sir",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# No broker configured: run tasks in-process so the portal works with nothing installed.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- background jobs (jobs/, docs/operations.md "Jobs") -------------------------------------------------------
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))  # uploaded import files and export results
MEDIA_URL = "media/"  # never served as such: job files are downloaded through /jobs/<id>/download/ (owner, bureau)
# Seconds a job's work may take: at the soft limit the job fails with a reason; at the hard limit Celery kills the
# process and the sweeper ends the job.
JOBS_SOFT_TIME_LIMIT = env.int("JOBS_SOFT_TIME_LIMIT", default=30 * 60)
JOBS_HARD_TIME_LIMIT = env.int("JOBS_HARD_TIME_LIMIT", default=JOBS_SOFT_TIME_LIMIT + 60)
JOBS_HEARTBEAT_SECONDS = env.int("JOBS_HEARTBEAT_SECONDS", default=20)  # a running job stamps its row this often
JOBS_STALE_MINUTES = env.int("JOBS_STALE_MINUTES", default=5)  # no heartbeat this long: the worker is gone
JOBS_PENDING_RESEND_MINUTES = env.int("JOBS_PENDING_RESEND_MINUTES", default=2)  # pending this long: send again
JOBS_PENDING_GIVE_UP_MINUTES = env.int("JOBS_PENDING_GIVE_UP_MINUTES", default=60)  # pending this long: failed
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=20_000_000)  # an upload larger than this is refused
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=100_000_000)  # an XLSX's parts, unpacked
# Where job progress is written: the "jobs" connection above when there is one (PostgreSQL), else the default.
JOBS_PROGRESS_DATABASE = env("JOBS_PROGRESS_DATABASE", default="jobs" if "jobs" in DATABASES else "default")
JOBS_SWEEP_SECONDS = env.int("JOBS_SWEEP_SECONDS", default=60)
# The worker runs the sweeper itself (celery worker --beat, or a separate `celery beat`): no extra service needed.
CELERY_BEAT_SCHEDULE = {"sweep-jobs": {"task": "jobs.sweep", "schedule": JOBS_SWEEP_SECONDS}}
# acks_late: a task is acknowledged when it ends, so a worker killed mid-job leaves it in Redis for redelivery. Redis
# redelivers an unacknowledged task after the visibility timeout; it must exceed the longest job or a slow job would
# be delivered twice (job_start refuses a job a live worker holds, but the work would queue behind it).
# JOBS_REDELIVERY_SECONDS is that timeout; every JOBS_REDELIVERY_CHECK_SECONDS a worker looks for such tasks.
JOBS_REDELIVERY_SECONDS = env.int("JOBS_REDELIVERY_SECONDS", default=JOBS_HARD_TIME_LIMIT + 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": JOBS_REDELIVERY_SECONDS,
    "unacked_restore_interval": env.int("JOBS_REDELIVERY_CHECK_SECONDS", default=10),
    "unacked_restore_throttle": 1,  # kombu scans on every check (its default: every tenth)
    # Sending a task while Redis is down must not hold the request: give up within seconds; the job stays pending
    # and the sweeper sends it again (JOBS_PENDING_RESEND_MINUTES).
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 1, "interval_max": 1}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# --- Request size -------------------------------------------------------------
# A form post or API body larger than this is refused (Django: 400; the API's JSON parser: 413). Files (imports)
# are not counted here: the importer bounds them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # Every list and table answers ?format=json|csv|xlsx (and the Accept header); errors are always JSON.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "core.api.renderers.CSVRenderer",
        "core.api.renderers.XLSXRenderer",
    ],
    # JSON bodies bounded in size and depth (a 400/413, never a RecursionError); forms as DRF's defaults.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.FormatContentNegotiation",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": None,
}
# Requests per token (browser sessions: per user; anonymous: per address). "N/second|minute|hour|day".
API_TOKEN_THROTTLE_RATE = env("API_TOKEN_THROTTLE_RATE", default="5000/hour")

SPECTACULAR_SETTINGS = {
    "TITLE": "Smart Industry Registry API",
    "DESCRIPTION": (
        "Records and evaluation tables of the Dutch Smart Industry network.\n\n"
        "Authenticate with `Authorization: Token <key>` (a key from `manage.py create_api_token USERNAME`) or a "
        "browser session. Every list and table answers `?format=json|csv|xlsx` (or the `Accept` header); CSV and "
        "XLSX of a list hold every matching row unless `page`/`page_size` is given. Lists take `fields=` (or "
        "`brief=1`) to return fewer columns, `ordering=` and the filters listed per endpoint. Money is a string "
        "with two decimals in JSON and CSV, a number in XLSX. Every error has the same JSON body: `status`, "
        "`code`, `detail`, `errors` (messages per bad field). Writes go through the portal's services: the bureau "
        "may change everything, a hub coordinator may create, edit and submit drafts for their own hub, analysts "
        "and read-only tokens never write. Send a GET's `ETag` as `If-Match` to refuse a write (412) if the record "
        "changed in between. Funding records are also published in the 360Giving data standard at "
        "`/api/v1/funding-records/360giving/`.\n\n"
        "**Filters: one dialect on every list and table.** A multi-valued filter takes repeated parameters and "
        "comma-separated values alike, both meaning OR (`source=eu&source=national` equals `source=eu,national`); "
        "a single-valued filter is given once (twice is a 400). Ranges are `<name>_min` and `<name>_max` "
        "(inclusive). Relations are named by slug or code. Text and relation filters also take `<name>__n` (none of "
        "these), `<name>__ic` (contains, any case) and `<name>__empty` (`true`/`false`). An unknown parameter, or an "
        "unknown slug, code or choice, is a 400 whose `errors` names it. Besides its filters every endpoint takes "
        "`format`, `page`, `page_size`, `fields`, `brief`, `ordering`, `q` and `lang`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FieldlabStatusEnum": "registry.choices.FieldlabStatus",
        "RecordStatusEnum": "funding.choices.RecordStatus",
        "PeriodStatusEnum": "funding.choices.PeriodStatus",
        "PartnerKindEnum": "registry.choices.PartnerKind",
        "FunderKindEnum": "funding.choices.FunderKind",
        "FundingKindEnum": "funding.choices.FundingKind",
        "RecipientKindEnum": "funding.choices.RecipientKind",
        "ProvenanceEnum": "core.models.Provenance",
        "SourceEnum": "funding.choices.Source",
        "CheckStatusEnum": "evaluation.choices.CheckStatus",
        "ActionStatusEnum": "evaluation.choices.ActionStatus",
        # A job's status, an evaluation run's too (a run is a job); the name clients have known it by.
        "RunStatusEnum": "jobs.choices.JobStatus",
    },
    # Generated clients: no `enum: [null]` component (NullEnum) and no `oneOf` of an enum and a blank string.
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
}

# --- Content-Security-Policy (django-csp 4) ------------------------------------------------------------------
# Every script is a file of our own (static/js/, static/vendor/): no inline <script>, no on…= handlers, no eval.
# Styles too: static/css/portal.css only, no style="" attributes and no <style> blocks in the portal's templates.
# Scripts may still set element.style (Chart.js sizes its canvas that way): CSP does not govern the CSSOM.
# Exceptions, each on its own responses only: the 500/503 pages carry their small <style> block and allow exactly
# that block by its hash (core/errors.py); the Swagger UI of the API docs (smartindustry/api/urls.py)
# needs inline styles. data: images: Chart.js's export and the admin's icons. json_script blocks are data
# (type="application/json"), which CSP does not execute or block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
AXES_VERBOSE = False

# Exports (docs/operations.md, "Exports"): up to this many rows a list's CSV/XLSX export streams in the request;
# above it the export runs as a background job (202 + Location) that writes a file to download. gunicorn's timeout
# (gunicorn.conf.py) is set so that the slowest export at this size completes.
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=250_000)
# XLSX is built whole before it is sent (a zip's directory comes last) and costs far more per row than CSV: its own,
# lower bound (the lower of the two applies).
EXPORT_XLSX_STREAM_MAX_ROWS = env.int("EXPORT_XLSX_STREAM_MAX_ROWS", default=25_000)
