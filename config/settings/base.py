"""Settings shared by every environment; everything deployable comes from the environment.

``local`` (make run), ``test`` (make test) and ``production`` (gunicorn) build on this.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
# The key of the audit trail's HMAC links (audit/chain.py): never stored in the database and
# apart from SECRET_KEY, so a database writer cannot recompute a link. Required in
# production; development and tests derive one from SECRET_KEY (audit_key_for below).
AUDIT_KEY = env("AUDIT_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "import_export",
    "treebeard",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "responsibilities",
    "worklog",
    "assessments",
    "notifications",
    "scoring",
    "audit",
    "schedules",
    "dashboard",
    "appraisals",
    "oversight",
    "honours",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in (accounts/two_factor.py): django-otp marks a verified session, and a
    # session that still owes its code sees only the code's page; an expired password only
    # the page to change it (accounts/passwords.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "accounts.passwords.PasswordExpiryMiddleware",
    # With a replica: a session that just wrote reads the primary (not installed otherwise).
    "core.replica.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks: it reads the result of authentication.
    "axes.middleware.AxesMiddleware",
    # PostgreSQL refusing a view's transaction for another one: the busy page, not a 500.
    "core.busy.BusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
                "notifications.context_processors.bell",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default runs web, worker and beat against one file: wait for locks
    # instead of failing, and take the write lock at BEGIN so that two writers queue.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A PostgreSQL streaming replica for the heavy reads (core/replica.py): the dashboard, the
# drill-down list, the ranking and scores, the exports and the hearing pack. None by default.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=env.int("CONN_MAX_AGE", default=60),
        CONN_HEALTH_CHECKS=True,
        TEST={"MIRROR": "default"},  # tests that set it read their own test database
    )
    # A replica that does not answer is given up on quickly; reads go to the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Past this many seconds behind the primary, the replica is not read.
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=10.0)
# A session that wrote within this many seconds reads the primary (its own writes); at least
# DATABASE_REPLICA_MAX_LAG, so that what the replica shows afterwards includes them.
DATABASE_REPLICA_OWN_WRITES_SECONDS = env.float("DATABASE_REPLICA_OWN_WRITES_SECONDS", default=DATABASE_REPLICA_MAX_LAG)
# Background work (exports) waits at most this long for the replica to replay what was
# written before it began, then reads the primary.
DATABASE_REPLICA_CATCH_UP_SECONDS = env.float("DATABASE_REPLICA_CATCH_UP_SECONDS", default=2.0)
# Each process asks the replica how far behind it is at most this often.
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=1.0)

# Behind PgBouncer (or another pooler) in transaction mode a connection's session does not
# outlive a transaction: no server-side cursors then (QuerySet.iterator() fetches client-side).
DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
if DATABASE_TRANSACTION_POOLING:
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
# How long a web request waits for a lock another transaction holds before PostgreSQL
# refuses it and the person reads the busy page (core/busy.py); 0: no limit. Web processes
# only (config/wsgi.py, config/asgi.py): workers, commands and migrations wait as long as
# it takes.
DATABASE_LOCK_TIMEOUT = env.float("DATABASE_LOCK_TIMEOUT", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the person's roles with them (one query fewer on every page).
    "accounts.backends.RolesBackend",
    # Only for sessions signed in before RolesBackend came (their session names this one).
    "django.contrib.auth.backends.ModelBackend",
]
# Directory sign-in (accounts/directory.py): off unless LDAP_SERVER_URI is set; then the
# directory is asked first and local accounts (the administrator's) still sign in after it.
# django-auth-ldap and python-ldap come from requirements-directory.txt.
if env("LDAP_SERVER_URI", default=""):
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    AUTH_LDAP_SERVER_URI = env("LDAP_SERVER_URI")
    AUTH_LDAP_BIND_DN = env("LDAP_BIND_DN", default="")
    AUTH_LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", default="")
    AUTH_LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
    # A disabled entry is left out of the search, so it cannot sign in. Active Directory:
    # (userAccountControl:1.2.840.113556.1.4.803:=2).
    MINGZE_LDAP_DISABLED_FILTER = env("LDAP_DISABLED_FILTER", default="(employeeType=disabled)")
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        env("LDAP_USER_BASE"),
        ldap.SCOPE_SUBTREE,
        f"(&{env('LDAP_USER_FILTER', default='(uid=%(user)s)')}(!{MINGZE_LDAP_DISABLED_FILTER}))",
    )
    AUTH_LDAP_USER_ATTR_MAP = {
        "full_name": env("LDAP_ATTR_NAME", default="cn"),
        "email": env("LDAP_ATTR_EMAIL", default="mail"),
        "department": env("LDAP_ATTR_DEPARTMENT", default="ou"),
    }
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        env("LDAP_GROUP_BASE", default=env("LDAP_USER_BASE")), ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
    )
    AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    AUTH_LDAP_ALWAYS_UPDATE_USER = True
    AUTH_LDAP_CONNECTION_OPTIONS = {
        ldap.OPT_NETWORK_TIMEOUT: env.float("LDAP_TIMEOUT", default=5.0),
        ldap.OPT_TIMEOUT: env.float("LDAP_TIMEOUT", default=5.0),
    }
    # Role → group: "admin=cn=mingze-admins,ou=groups,dc=example,dc=org;leader=cn=…".
    MINGZE_LDAP_ROLE_GROUPS = dict(
        item.split("=", 1) for item in env("LDAP_ROLE_GROUPS", default="").split(";") if "=" in item
    )
    # sync_directory (responsibilities/directory_sync.py): who is in the directory, and which
    # post each person holds — the unit named by one attribute, the post titled by another.
    MINGZE_LDAP_SYNC_FILTER = env("LDAP_SYNC_FILTER", default="(objectClass=inetOrgPerson)")
    MINGZE_LDAP_USERNAME_ATTR = env("LDAP_USERNAME_ATTR", default="uid")
    MINGZE_DIRECTORY_UNIT_ATTR = env("LDAP_SYNC_UNIT_ATTR", default="ou")
    MINGZE_DIRECTORY_UNIT_FIELD = env("LDAP_SYNC_UNIT_FIELD", default="name")  # or "code"
    MINGZE_DIRECTORY_POST_ATTR = env("LDAP_SYNC_POST_ATTR", default="title")
    # The directory's title → Mingze's post title, where they differ: "书记=支部书记;…".
    MINGZE_DIRECTORY_TITLES = dict(
        item.split("=", 1) for item in env("LDAP_SYNC_TITLES", default="").split(";") if "=" in item
    )
    AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "accounts.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
# How passwords are stored: Argon2id at OWASP's recommended cost (accounts/passwords.py says
# why); those stored by an older setting are still checked, and hashed anew at sign-in.
PASSWORD_HASHERS = [
    "accounts.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Password policy (等保 2.0 身份鉴别; docs/security.md): length, character classes, history
# and expiry, each from the environment.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"classes": env.int("PASSWORD_CHARACTER_CLASSES", default=3)},
    },
    {"NAME": "accounts.passwords.HistoryValidator", "OPTIONS": {"keep": env.int("PASSWORD_HISTORY", default=5)}},
]
# Days after which a password must be changed (0: never).
MINGZE_PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
# The three administrators must sign in with a second factor (TOTP); others may.
MINGZE_TWO_FACTOR_FOR_ADMINS = env.bool("TWO_FACTOR_FOR_ADMINS", default=True)
OTP_TOTP_ISSUER = env("MINGZE_ORG_NAME", default="") or "Mingze"
# The security log is kept this many days (at least 180: 等保 2.0 asks for six months).
MINGZE_SECURITY_LOG_DAYS = env.int("SECURITY_LOG_DAYS", default=180)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: five failures in a row lock that username from that address for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy: scripts only from our own static files — no inline scripts and
# no CDN. Inline styles stay allowed (progress bars, heatmap cells set widths and colours).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from npm at set-up time and are served from node_modules.
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded evidence and exports go through Django's storage API only, so the store is a
# setting: the local MEDIA_ROOT by default, a bucket of an S3-compatible object store
# (django-storages) shared by every web process and worker when AWS_STORAGE_BUCKET_NAME is
# set. Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, or the machine's role).
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),  # e.g. MinIO, Ceph, an OSS
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "location": env("AWS_LOCATION", default=""),  # a folder in the bucket
            "file_overwrite": False,  # a second file of the same name gets a name of its own
            "querystring_auth": True,  # never a public URL: files are served by Mingze's views
        },
    }
# Uploaded evidence is private: it lives outside every static path and is only served
# through views that check permission. There is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"

# Sessions live in the database, the cache in Redis or the database: any web process may
# serve any request, and none keeps anything a second one would need.
if env("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}  # e.g. redis://127.0.0.1:6379/1
elif env("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
else:
    # A table made by `migrate` (core.apps): shared by every process, nothing to install.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "mingze_cache"}}
CACHES["default"].setdefault("KEY_PREFIX", "mingze")
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same, without a new Redis client per call (core/rediscache.py).
    CACHES["default"]["BACKEND"] = "core.rediscache.RedisCache"


def session_engine_for(cache_backend: str) -> str:
    """With the cache in Redis, a session is read from Redis and written to both (Django's
    ``cached_db``): every page read costs no query, the row stays the truth when Redis loses
    the key, and any web process still serves any session. With the database cache of
    `make run` (or a cache in one process's memory) the session is read from its row:
    ``cached_db`` there would be two queries, or a copy that another process never sees."""
    if "redis" in cache_backend.lower():
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"


SESSION_ENGINE = session_engine_for(CACHES["default"]["BACKEND"])

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="mingze@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production and CI, kombu's filesystem broker by default.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
# The filesystem broker's folders (queue, processed, control): var/celery unless told, so
# that a second installation on the machine (the embedded default's test) has its own.
CELERY_BROKER_FOLDER = Path(env("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "celery")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "store_processed": False,
        # Where fanout exchanges (broadcast control) are kept; kombu's default is a folder
        # named "control" in the working directory.
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
    }
    # The filesystem transport does not create its folders; every process makes sure.
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
else:
    # A task whose worker died (SIGKILL, power) is not acknowledged (acks_late) and goes
    # back to the queue after this many seconds; the jobs are safe to run again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# One queue per kind of work, so that a long export never holds up a reminder: run one
# worker per queue, on as many machines as the work needs (README, "Workers and queues").
# Routed by the tasks' registered names, whichever module holds them.
CELERY_TASK_DEFAULT_QUEUE = "default"  # the schedule's jobs and anything not named below
CELERY_TASK_ROUTES = {
    "dashboard.*export*": {"queue": "exports"},  # Excel workbooks and PDFs from the dashboard
    "dashboard.*hearing_pack*": {"queue": "exports"},  # the hearing pack at the close of a period
    "notifications.*": {"queue": "mail"},  # e-mail of notifications, and the pending ones
    "schedules.*": {"queue": "default"},
}
# A worker started without -Q consumes all three, as `make run`'s single worker does.
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "mail", "exports")]
CELERY_TASK_ALWAYS_EAGER = False
# The web must not hang on a dead broker: a publish gives up after about a second and the
# notification's e-mail waits for notifications.send_pending_emails (see notifications).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# Mingze's own settings.
# The organization's name in the header band; empty shows the product's name.
MINGZE_ORG_NAME = env("MINGZE_ORG_NAME", default="")
MINGZE_CHECKLIST_PATH = BASE_DIR / "responsibilities" / "data" / "checklist-2020.yaml"

# The audit trail's anchors (audit/anchors.py): each day and at each close the head of every
# chain is appended to anchors.jsonl here — outside the database, on storage the database's
# writers cannot reach (README, "Audit trail") — and e-mailed to the supervisors.
MINGZE_AUDIT_ANCHOR_DIR = Path(env("MINGZE_AUDIT_ANCHOR_DIR", default=str(BASE_DIR / "var" / "audit")))


def audit_key_for(secret_key: str) -> str:
    """The stand-in AUDIT_KEY of development and tests: derived from SECRET_KEY, so stable
    across restarts. Never in production, where AUDIT_KEY must be set on its own."""
    import hashlib

    return hashlib.sha256(f"mingze-audit-key|{secret_key}".encode()).hexdigest()


# Health check: how long the broker may take to answer before /healthz/ calls it down.
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=2.0)

# Periods: default dates of each half, as (month, day); the due date of H2 falls in the next
# year. An admin may change any period's dates after it is created.
MINGZE_PERIOD_DEFAULTS = {
    1: {"opens": (6, 15), "due": (7, 10), "review_due": (7, 31), "next_year_from": None},
    2: {"opens": (12, 15), "due": (1, 10), "review_due": (1, 31), "next_year_from": "due"},
}
# Reports are created this many per transaction when a period opens (progress, resumable).
MINGZE_OPEN_BATCH_SIZE = env.int("MINGZE_OPEN_BATCH_SIZE", default=5000)
# People told per transaction by the reminder and escalation jobs (schedules/reminders.py).
MINGZE_REMINDER_BATCH_SIZE = env.int("MINGZE_REMINDER_BATCH_SIZE", default=500)
MINGZE_GRACE_DAYS = env.int("MINGZE_GRACE_DAYS", default=5)
# An address that gives this many wrong API tokens within the window is refused (429) for
# the rest of it, valid tokens included, as django-axes does for passwords.
MINGZE_API_TOKEN_FAILURES = env.int("MINGZE_API_TOKEN_FAILURES", default=10)
MINGZE_API_TOKEN_FAILURE_SECONDS = env.int("MINGZE_API_TOKEN_FAILURE_SECONDS", default=900)
# A returned (or reopened) report may be resubmitted this many days after its return,
# whatever the lock date; it is locked only after that.
MINGZE_RESUBMIT_DAYS = env.int("MINGZE_RESUBMIT_DAYS", default=5)
# A report turns yellow this many days before its due date, red once overdue.
MINGZE_YELLOW_DAYS = env.int("MINGZE_YELLOW_DAYS", default=7)
# The dashboard's counts from the per-period tally the database keeps (assessments
# ReportTally, migration 0022's triggers; PostgreSQL only), else counted from the reports.
MINGZE_REPORT_TALLY = env.bool("MINGZE_REPORT_TALLY", default=True)
# A period with a quarterly duty opens at least this many days before the first quarter's
# sub-deadline (10 April with the default dates), so that report is not due the day it is made.
MINGZE_REPORT_WINDOW_DAYS = env.int("MINGZE_REPORT_WINDOW_DAYS", default=30)
# A running export that has not stamped its heartbeat for this long lost its worker: it is
# marked failed and built again (dashboard.services.recover_stalled). A live build stamps
# it every quarter of this time from a thread of its own, whatever step it is in.
MINGZE_EXPORT_STALL_SECONDS = env.int("MINGZE_EXPORT_STALL_SECONDS", default=600)

# Evidence uploads: allowed types are checked by content, not only by name.
MINGZE_EVIDENCE_MAX_BYTES = env.int("MINGZE_EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
MINGZE_EVIDENCE_TYPES = env.list("MINGZE_EVIDENCE_TYPES", default=["pdf", "doc", "docx", "xls", "xlsx", "jpg", "png"])
# An Office file (a zip package) may unpack to at most this much; more is a zip bomb.
MINGZE_EVIDENCE_MAX_UNPACKED_BYTES = env.int("MINGZE_EVIDENCE_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The API (api/, README "The API"): personal tokens or the session, JSON only, cursor pages,
# errors as problem details (RFC 9457), the OpenAPI 3 schema by drf-spectacular with its
# Swagger UI served from our own static files (drf-spectacular-sidecar), never a CDN.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mingze API",
    "DESCRIPTION": "The responsibility system for Party building (党建工作责任制): organization, checklist, "
    "reports, scores, oversight and the dashboard's figures, each limited to what the token's owner may see.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to an online validator: the docs page makes no request off the server.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReportStateEnum": "assessments.models.Report.State",
        "GradeEnum": "assessments.models.Grade",
        "RectificationStateEnum": "oversight.models.Rectification.State",
        "NoticeStateEnum": "oversight.models.SupervisionNotice.State",
        "UnitKindEnum": "responsibilities.models.UnitKind",
        "PostKindEnum": "responsibilities.models.PostKind",
    },
}
