from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and API tokens")

    def ready(self):
        post_migrate.connect(_ensure_role_groups, sender=self)


def _ensure_role_groups(sender, **kwargs):
    # After every migrate, so the groups and the bureau's permissions exist before anyone is added to them.
    # Imported here because the framework needs it: services import models, which the app registry is still
    # loading when this module is imported.
    from .services import role_groups_ensure

    role_groups_ensure()
