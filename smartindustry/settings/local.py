"""Developer machine: debug on, an insecure key is acceptable here and nowhere else."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")

# Synthetic volume for benchmarks (manage.py generate_scale_data): a developer tool, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
