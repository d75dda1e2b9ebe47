"""Settings for the demo project: SQLite, and the in-memory channel layer unless REDIS_URL is set."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# A teaching project: the key is public on purpose. Never deploy it.
SECRET_KEY = "channels-lab-demo-not-secret"
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "daphne",  # first, so that `runserver` is daphne's ASGI server
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "channels",  # gives `manage.py runworker`
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "demo_project.urls"
LOGIN_REDIRECT_URL = "/"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# Channels starts here: ASGI_APPLICATION is what daphne's `runserver` serves.
ASGI_APPLICATION = "demo_project.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DATABASE", BASE_DIR / "db.sqlite3"),
    }
}

# How many messages a channel may hold before the layer refuses (send) or drops (group_send) more.
# Channels' default is 100; notebook 12 shows a burst in a room of 200 losing a third of its
# deliveries with it, and none with 1000.
CHANNEL_CAPACITY = int(os.environ.get("CHANNEL_CAPACITY", "1000"))

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # socket_timeout None: redis-py 8 defaults to 5 s, which kills idle consumers
                # (channels_redis issue 422); notebook 07 shows it.
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "capacity": CHANNEL_CAPACITY,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "static/"
