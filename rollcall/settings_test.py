"""Test settings: the real settings with inline tasks, fast hashing and plain static files."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from rollcall.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The manifest storage 404s under live_server; tests use plain storage (STACK.md §6).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_HSTS_SECONDS = 0
# Tests share one process's cache: a test that wants the dashboard cached says so.
DASHBOARD_CACHE_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The API throttles run on every call, at rates no test reaches by accident (the counts live in
# one process's memory for the whole run); tests/api/test_api_throttling.py sets real ones.
API_THROTTLE_RATES = {"address": "100000/second", "token": "100000/second"}
