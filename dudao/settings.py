"""Dudao settings: one file, driven by environment variables with working defaults.

Runs with no configuration on SQLite under var/. Set DATABASE_URL=postgres://... for PostgreSQL.
"""

import ipaddress
import os
import secrets
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONCE as CSP_NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DUDAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _dev_secret_key() -> str:
    """A per-installation development key, generated once and kept under var/."""
    path = VAR_DIR / "dev_secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def database_from_url(url: str) -> dict:
    """Parse sqlite:///path or postgres://user:pass@host:port/name into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path[1:] or ":memory:"}
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme}")


DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Our own reverse proxies (addresses or CIDRs, comma-separated; default none). Only a request whose peer is
# one of them has its forwarded-for header read; see dudao.core.middleware.client_ip and the README.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ValueError(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",  # its Swagger UI from its own static files (the CDN page has an inline script the CSP refuses)
    "dudao.core",
    "dudao.regions",
    "dudao.schools",
    "dudao.documents",
    "dudao.people",
    "dudao.rectification",
    "dudao.zones",
    "dudao.monitoring",
    "dudao.surveys",
    "dudao.frameworks",
    "dudao.inspections",
    "dudao.quality",
    "dudao.planning",
    "dudao.reviews",
    "dudao.checks",
    "dudao.workforce",
    "dudao.research",
    "dudao.audits",
    "dudao.dashboard",
    "dudao.demo",
    "dudao.worker",  # before django_tasks_db: its db_worker adds a heartbeat and recovers killed workers' tasks
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "dudao.core.middleware.RequestContextMiddleware",
    # Before any view or process_view (the CSRF check reads the body): NUL characters are a 400.
    "dudao.core.input_guard.RejectNulMiddleware",
]

ROOT_URLCONF = "dudao.urls"
WSGI_APPLICATION = "dudao.wsgi.application"

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
                "dudao.core.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
        },
    },
]

def cache_from_url(url: str) -> dict:
    """locmem:// (default: one cache per process) or redis://host:port/db (shared by every worker: needed for the
    public survey's per-address limits when more than one process serves the site)."""
    scheme = urlparse(url).scheme if url else "locmem"
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(f"Unsupported CACHE_URL scheme: {scheme}")


# "default" holds what every worker must share (the public survey's per-address counters); "local" holds
# per-process copies of rarely changing lookups (a public link's round and school) to keep the hot path fast.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "")),
          "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dudao-local"}}

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dudao.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the dev server, a command and the tests share the file. IMMEDIATE takes the
    # write lock when a transaction begins, so concurrent writers wait for each other (up to the timeout)
    # instead of failing at once with "database is locked" when a read-then-write transaction upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Mail: SMTP when EMAIL_HOST is set; otherwise printed to the console (the demo) or dropped (production).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.dummy.EmailBackend")
# Background tasks (django-tasks with its database backend: no extra service). `python manage.py db_worker`
# runs them; it must run in production next to the web server (README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker writes a heartbeat every TASKS_HEARTBEAT_SECONDS; a RUNNING task whose worker has been silent for
# TASKS_WORKER_TIMEOUT_SECONDS is marked failed ("工作进程中断") and, if the task is safe to repeat, queued
# again up to TASKS_LOST_RETRIES times.
TASKS_HEARTBEAT_SECONDS = envint("TASKS_HEARTBEAT_SECONDS", 10)
TASKS_WORKER_TIMEOUT_SECONDS = envint("TASKS_WORKER_TIMEOUT_SECONDS", 120)
TASKS_LOST_RETRIES = envint("TASKS_LOST_RETRIES", 2)

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dudao@localhost")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")  # links in e-mails: https://dudao.example.gov.cn

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sessions expire after idle time (seconds) and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Chinese only (DESIGN.md rule 10): no second locale, no language negotiation. USE_I18N stays on so
# Django's own messages (form validation, dates) come out in Simplified Chinese.
LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["dudao.core.formats"]  # ISO dates first, as <input type="date"> needs
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded evidence lives outside the static root and is never served by a guessable URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# No URL route serves MEDIA_ROOT: evidence is streamed by views that check scope (DESIGN.md rule 9).
MEDIA_URL = "/_media-not-served/"


def storage_from_url(url: str) -> dict:
    """Where uploads, thumbnails and generated documents live (every file goes through Django's storage API).

    No URL (the default): folders under MEDIA_ROOT, written atomically (dudao.documents.storage.FileStorage).
    s3://bucket[/prefix]?endpoint_url=http://127.0.0.1:9000&region=cn-north-1: an S3-compatible object store
    (MinIO, Ceph, a cloud bucket) through django-storages and boto3, so that several application servers share
    nothing but the database, Redis and the bucket. Further query options: addressing_style=path|virtual,
    verify=false (a self-signed certificate). Credentials are never part of the URL: AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY in the environment (or the machine's role), read by boto3 itself. Objects stay
    private (no ACL is set) and are never linked to: downloads stream through the views that check scope.
    """
    if not url:
        return {"BACKEND": "dudao.documents.storage.FileStorage"}
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        raise ValueError(f"Unsupported STORAGE_URL scheme: {parsed.scheme}")
    if parsed.username or parsed.password:
        raise ValueError("STORAGE_URL must not carry credentials: set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
    if not parsed.netloc:
        raise ValueError("STORAGE_URL: s3://<bucket>[/prefix] needs a bucket name")
    if find_spec("storages") is None or find_spec("boto3") is None:
        raise ValueError("STORAGE_URL=s3://... needs django-storages and boto3: pip install 'dudao[s3]'")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    unknown = set(query) - {"endpoint_url", "region", "addressing_style", "verify"}
    if unknown:
        raise ValueError(f"STORAGE_URL: unknown option(s) {', '.join(sorted(unknown))}")
    options = {
        "bucket_name": parsed.netloc,
        "location": unquote(parsed.path).strip("/"),
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region") or None,
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,  # should anything ask for a URL, it is signed and short-lived
        "querystring_expire": 300,
        "file_overwrite": False,  # content-addressed: an existing key is never written again
    }
    if query.get("addressing_style"):
        options["addressing_style"] = query["addressing_style"]
    if query.get("verify", "").lower() in {"0", "false", "no", "off"}:
        options["verify"] = False
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": storage_from_url(os.environ.get("STORAGE_URL", "")),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 30 * 1024 * 1024)
# API lists (@paginate): pages past the last one are empty, never an out-of-range offset in SQL.
NINJA_PAGINATION_CLASS = "dudao.core.listing.ApiPagination"

# Security: strict when DEBUG is off (production), relaxed for local development.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# DUDAO_PLAIN_HTTP=1 is for the test suite only (its live server speaks plain HTTP).
if not DEBUG and not envbool("DUDAO_PLAIN_HTTP", False):
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload is a promise to browsers that every subdomain speaks HTTPS for good: dangerous on an intranet
    # domain, so only when the operator asks for it.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "preload not set": off on purpose, see above
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every response. Scripts only from our own static files (vendored
# htmx, ECharts, Bootstrap and static/js); an inline <script> runs only with the per-request nonce
# ({{ CSP_NONCE }}); no inline event handlers. style-src keeps 'unsafe-inline': the templates use style=""
# attributes for widths and colours, and ECharts' tooltips are HTML strings with inline styles; styles cannot
# run code, so the script rules above carry the protection. img-src allows data:/blob: for ECharts' "save as
# image" and inline QR codes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Upload limit for registry imports (bytes); larger files are refused before reading.
DUDAO_IMPORT_MAX_BYTES = envint("DUDAO_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Zip containers (.xlsx/.ods/.docx/.pptx) are inflated and measured before any reader opens them
# (dudao/core/uploads.py): a province's 20,000-row registry inflates to ~25-45 MB in about a dozen entries at
# ~10:1, so these leave wide room for honest files and none for zip bombs.
# 100 MB: an honest 20,000-row province workbook inflates to 24-42 MB, so more than twice the largest honest file;
# every limit below scans at most this many bytes.
DUDAO_ZIP_MAX_UNCOMPRESSED_BYTES = envint("DUDAO_ZIP_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
DUDAO_ZIP_MAX_ENTRIES = envint("DUDAO_ZIP_MAX_ENTRIES", 10_000)
DUDAO_ZIP_MAX_RATIO = envint("DUDAO_ZIP_MAX_RATIO", 100)
# What calamine builds from a spreadsheet, measured before it reads one (dudao/core/uploads.py check_spreadsheet):
# the cells of every sheet's grid from A1 to its last cell (a 20,000-row x 40-column registry is 800,000), and
# the characters its shared-string cells copy out (one long string referred to by many cells multiplies).
DUDAO_SHEET_MAX_CELLS = envint("DUDAO_SHEET_MAX_CELLS", 5_000_000)
DUDAO_SHEET_MAX_TEXT_CHARS = envint("DUDAO_SHEET_MAX_TEXT_CHARS", 200_000_000)
# Word templates: each part's XML and its number of {{ / {% / {# tags are capped before docxtpl parses it (its
# clean-up costs tags x size); the shipped templates are at most 13 KB with 44 tags.
DUDAO_TEMPLATE_MAX_XML_BYTES = envint("DUDAO_TEMPLATE_MAX_XML_BYTES", 2 * 1024 * 1024)
DUDAO_TEMPLATE_MAX_TAGS = envint("DUDAO_TEMPLATE_MAX_TAGS", 2_000)
# Images above this many pixels are refused before they are decoded (a 12-megapixel phone photo is far below).
DUDAO_IMAGE_MAX_PIXELS = envint("DUDAO_IMAGE_MAX_PIXELS", 50_000_000)
