"""Django settings for OpenAR.

Everything a deployment changes comes from the environment:
DATABASE_URL (default: SQLite under ./var/), OPENAR_SECRET_KEY, OPENAR_DEBUG, OPENAR_DEMO_MODE,
OPENAR_REPORTING_CURRENCY, OPENAR_AGING_BUCKETS, OPENAR_CREDIT_HOLD_COLLECTOR_LIMIT,
OPENAR_ALLOWED_HOSTS, OPENAR_VAR_DIR,
OPENAR_STATEMENT_ZIP_MAX_BYTES / _MAX_RATIO / _MAX_MEMBERS (zipped bank statements),
OPENAR_STATEMENT_MAX_BYTES, OPENAR_XLSX_MAX_BYTES / _MAX_RATIO (uploaded workbooks),
OPENAR_EMAIL_* (sending: see the communications section below and README.md), OPENAR_IMAP_URL
(email in: the mailbox replies are read from).
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from openar.core.email_url import email_url_config


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENAR_VAR_DIR", BASE_DIR / "var"))

DEBUG = _env_bool("OPENAR_DEBUG", False)
OPENAR_DEMO_MODE = _env_bool("OPENAR_DEMO_MODE", False)
SECRET_KEY = os.environ.get("OPENAR_SECRET_KEY") or (
    # A fixed key is acceptable only for a local demo or a test run; production must set one.
    "openar-insecure-local-key-set-OPENAR_SECRET_KEY-in-production"
)
ALLOWED_HOSTS = os.environ.get("OPENAR_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "django_tasks_db",
    "ninja",  # serves the API docs page from local static files, not a CDN
    "openar.core",
    "openar.ledger",
    "openar.ingest",
    "openar.api_auth",
    "openar.risk",
    "openar.activity",
    "openar.disputes",
    "openar.credit",
    "openar.cashapp",
    "openar.strategy",
    "openar.worklist",
    "openar.comms",
    "openar.reports",
    "openar.jobs",
    "openar.demo",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "openar.urls"
WSGI_APPLICATION = "openar.wsgi.application"

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
                "openar.core.context_processors.openar",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'openar.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the worker read while an import writes.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            " PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# Sign-in throttling (openar/core/login.py): wrong passwords per username and per address within
# the lock-out window, after which sign-in is refused until the window has passed.
OPENAR_LOGIN_MAX_FAILURES = int(os.environ.get("OPENAR_LOGIN_MAX_FAILURES", "5"))
OPENAR_LOGIN_MAX_FAILURES_ADDRESS = int(os.environ.get("OPENAR_LOGIN_MAX_FAILURES_ADDRESS", "20"))
OPENAR_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("OPENAR_LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_REDIRECT_URL = "home"  # each role's own landing page (core.views.home_view)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "openar" / "locale"]
TIME_ZONE = os.environ.get("OPENAR_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# OpenAR business settings.
OPENAR_REPORTING_CURRENCY = os.environ.get("OPENAR_REPORTING_CURRENCY", "USD").upper()
# Upper bounds (days past due) of the past-due buckets; beyond the last is "N+".
OPENAR_AGING_BUCKETS = [
    int(x) for x in os.environ.get("OPENAR_AGING_BUCKETS", "30,60,90,120").split(",") if x.strip()
]
# Credit: a collector may put an account on hold directly while its balance (reporting currency)
# is under this; at or above it the hold waits for a credit analyst's or a manager's approval.
# Reporting: days of history the first daily snapshot rebuilds (from the oldest document at most).
OPENAR_SNAPSHOT_BACKFILL_DAYS = int(os.environ.get("OPENAR_SNAPSHOT_BACKFILL_DAYS", "365"))
OPENAR_CREDIT_HOLD_COLLECTOR_LIMIT = Decimal(
    os.environ.get("OPENAR_CREDIT_HOLD_COLLECTOR_LIMIT", "5000")
)
OPENAR_UPLOAD_DIR = VAR_DIR / "uploads"
# Zipped bank statements: at most this many bytes once unzipped (all members together), and no
# member larger than 1 MiB may unzip to more than RATIO times its compressed size (zip bombs).
OPENAR_STATEMENT_ZIP_MAX_BYTES = int(
    os.environ.get("OPENAR_STATEMENT_ZIP_MAX_BYTES", str(200 * 1024 * 1024))
)
OPENAR_STATEMENT_ZIP_MAX_RATIO = int(os.environ.get("OPENAR_STATEMENT_ZIP_MAX_RATIO", "100"))
OPENAR_STATEMENT_ZIP_MAX_MEMBERS = int(os.environ.get("OPENAR_STATEMENT_ZIP_MAX_MEMBERS", "1000"))
# One statement file (or zip member) is refused unread above this size.
OPENAR_STATEMENT_MAX_BYTES = int(
    os.environ.get("OPENAR_STATEMENT_MAX_BYTES", str(200 * 1024 * 1024))
)
# XLSX workbooks (imports, bank exports) are zips too: the same two limits, checked before
# reading (docs/security.md).
OPENAR_XLSX_MAX_BYTES = int(os.environ.get("OPENAR_XLSX_MAX_BYTES", str(500 * 1024 * 1024)))
OPENAR_XLSX_MAX_RATIO = int(os.environ.get("OPENAR_XLSX_MAX_RATIO", "200"))

# Communications. Where email goes: smtp://user:pass@host:587?tls=1, smtps://..., console://,
# file:///folder (one .eml per message). Default: a folder under var/, so nothing leaves the
# machine until a server is configured.
OPENAR_EMAIL_URL = os.environ.get("OPENAR_EMAIL_URL") or f"file://{VAR_DIR / 'mail'}"
MAILERS = {"default": email_url_config(OPENAR_EMAIL_URL)}
# The shared From address; with OPENAR_EMAIL_FROM_COLLECTOR=1 a collector with an email address
# sends their own customers' messages.
OPENAR_EMAIL_FROM = os.environ.get("OPENAR_EMAIL_FROM", "Accounts Receivable <ar@openar.invalid>")
OPENAR_EMAIL_FROM_COLLECTOR = _env_bool("OPENAR_EMAIL_FROM_COLLECTOR", False)
# Reply-To routes replies back to the account: {token} is replaced by the account's reply token.
OPENAR_EMAIL_REPLY_TO = os.environ.get("OPENAR_EMAIL_REPLY_TO", "ar+{token}@openar.invalid")
# Test mode: every email goes to this one address instead of the customer's.
OPENAR_EMAIL_TEST_TO = os.environ.get("OPENAR_EMAIL_TEST_TO", "")
# At most this many emails per customer in any 7 days; quiet days and the send window apply in
# the customer's time zone (attributes.time_zone, else its country's, else TIME_ZONE).
OPENAR_EMAIL_MAX_PER_WEEK = int(os.environ.get("OPENAR_EMAIL_MAX_PER_WEEK", "2"))
OPENAR_EMAIL_QUIET_DAYS = os.environ.get("OPENAR_EMAIL_QUIET_DAYS", "sat,sun")
OPENAR_EMAIL_WINDOW = os.environ.get("OPENAR_EMAIL_WINDOW", "08:00-18:00")
# Attachments larger than this (all of a message's together) are refused, the message kept.
OPENAR_EMAIL_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("OPENAR_EMAIL_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024))
)
# Attach the statement of the past-due items as PDF to each reminder email.
OPENAR_EMAIL_ATTACH_PDF = _env_bool("OPENAR_EMAIL_ATTACH_PDF", False)

# Disputes: keep disputed amounts in dunning and the collectors' priority (off: left out), the
# most each role may write off on one case ("research=250,manager=5000"; administrators have no
# limit), and the largest attachment a case keeps.
OPENAR_DISPUTES_IN_COLLECTIONS = _env_bool("OPENAR_DISPUTES_IN_COLLECTIONS", False)
OPENAR_DISPUTE_WRITE_OFF_LIMITS = {
    role.strip(): limit.strip()
    for role, _, limit in (
        part.partition("=")
        for part in os.environ.get(
            "OPENAR_DISPUTE_WRITE_OFF_LIMITS", "research=250,manager=5000"
        ).split(",")
        if "=" in part
    )
}
OPENAR_DISPUTE_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("OPENAR_DISPUTE_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024))
)
# Letters are written as PDF into this folder (one subfolder per day) for printing and posting.
OPENAR_LETTER_DIR = Path(os.environ.get("OPENAR_LETTER_DIR", VAR_DIR / "letters"))
# How often the task worker sends what is due (seconds).
OPENAR_SEND_INTERVAL = int(os.environ.get("OPENAR_SEND_INTERVAL", "300"))
# Email in: the mailbox replies and bounces arrive in (imap://user:pass@host:143/INBOX or
# imaps://user:pass@host:993/INBOX; empty: no mailbox is read), how often the task worker reads
# it (seconds), and the largest attachment kept (bytes; larger ones are noted and left out).
# The demo reads its customers' mail from a folder of .eml files under var/ (openar demo-mail).
OPENAR_IMAP_URL = os.environ.get(
    "OPENAR_IMAP_URL", f"file://{VAR_DIR / 'inbox'}" if OPENAR_DEMO_MODE else ""
)
OPENAR_FETCH_INTERVAL = int(os.environ.get("OPENAR_FETCH_INTERVAL", "300"))
OPENAR_INBOUND_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("OPENAR_INBOUND_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024))
)
# Processes that lay out statement PDFs in a statement run (0: up to 2, as the machine has cores).
OPENAR_PDF_WORKERS = int(os.environ.get("OPENAR_PDF_WORKERS", "0"))
# Invoice copies: the largest ERP PDF used (bytes) and how long to wait for an ERP URL (seconds).
OPENAR_ERP_PDF_MAX_BYTES = int(os.environ.get("OPENAR_ERP_PDF_MAX_BYTES", str(10 * 1024 * 1024)))
OPENAR_ERP_PDF_TIMEOUT = float(os.environ.get("OPENAR_ERP_PDF_TIMEOUT", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENAR_LOG_LEVEL", "WARNING")},
}
