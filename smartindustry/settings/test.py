"""Test settings: fast hashing, no login lockout surprises across tests."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-not-secret")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
LANGUAGE_CODE = "en"

# Tests run Celery tasks in-process even when REDIS_URL is set; the worker test switches this off itself.
CELERY_TASK_ALWAYS_EAGER = True
# Per-process cache in tests: throttle counters must not leak between tests or runs through Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Job progress on the test's own connection (a test may only query the aliases it names); the worker tests name
# the "jobs" connection themselves, as production uses it.
JOBS_PROGRESS_DATABASE = env("JOBS_PROGRESS_DATABASE", default="default")

# Synthetic volume for benchmarks and the scale tests (manage.py generate_scale_data); never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
