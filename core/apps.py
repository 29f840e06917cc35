from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: abstract models and the audited save, generic record services, the filter dialect,
    tables, the paginator, base portal and API views, template tags, and the export framework. Lowest of all apps:
    it imports none of them (the access policy is reached through core/policy.py)."""

    name = "core"
    verbose_name = "Core"
