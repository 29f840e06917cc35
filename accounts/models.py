"""Users with one role each, and hashed API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The portal's roles; each has a Django group of the same name (DESIGN contract)."""

    BUREAU = "bureau", _("Programme bureau")
    COORDINATOR = "coordinator", _("Hub coordinator")
    HUB_VIEWER = "hub_viewer", _("Hub viewer")
    ANALYST = "analyst", _("Ministry analyst")


# Roles bound to exactly one hub (the database enforces it); what each may do there is accounts/policy.py's business.
HUB_ROLES = (Role.COORDINATOR, Role.HUB_VIEWER)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    # PROTECT: a hub with coordinators must not vanish from under them.
    hub = models.ForeignKey(
        "registry.Hub",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
        verbose_name=_("hub"),
        help_text=_("The one hub a coordinator or hub viewer works for; empty for every other role."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(role__in=Role.values), name="%(app_label)s_%(class)s_role_valid"
            ),
            # A hub role is bound to exactly one hub; nobody else is bound to any.
            models.CheckConstraint(
                condition=(Q(role__in=HUB_ROLES) & Q(hub__isnull=False))
                | (~Q(role__in=HUB_ROLES) & Q(hub__isnull=True)),
                name="%(app_label)s_%(class)s_hub_role_has_one_hub",
                violation_error_message=_(
                    "A hub coordinator or hub viewer needs exactly one hub; other roles have none."
                ),
            ),
        ]

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """An API token. Only its SHA-256 digest is stored; the key itself is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(
        _("prefix"), max_length=8, editable=False, help_text=_("First characters, to recognise it")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read-only"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="%(app_label)s_%(class)s_digest"),
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
