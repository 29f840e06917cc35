"""Users, roles and API tokens: every write goes through here."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.services import audited_save

from .models import ApiToken, Role, User, hash_token

if TYPE_CHECKING:  # accounts sits below registry: a user names their hub, the code never needs the class
    from registry.models import Hub

# The bureau edits every record in the admin; the other roles work in the portal and the API only.
BUREAU_APPS = ("registry", "funding", "evaluation", "reporting")
BUREAU_EXTRA_PERMISSIONS = (("accounts", "view_user"), ("accounts", "view_apitoken"), ("accounts", "change_apitoken"))


def role_groups_ensure() -> dict[str, Group]:
    """The three role groups of the contract, the bureau's with its admin permissions; idempotent."""
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    extra = Q()
    for app_label, codename in BUREAU_EXTRA_PERMISSIONS:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    wanted = set(
        Permission.objects.filter(Q(content_type__app_label__in=BUREAU_APPS) | extra).values_list("pk", flat=True)
    )
    bureau = groups[Role.BUREAU]
    if set(bureau.permissions.values_list("pk", flat=True)) != wanted:
        bureau.permissions.set(wanted)
    return groups


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None,
    hub: Hub | None = None,
    email: str = "",
    actor: User | None = None,
    validate_password: bool = True,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."})
    user = User(username=username, email=email, role=role, hub=hub, is_staff=role == Role.BUREAU)
    if password:
        if validate_password:
            password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    audited_save(user, actor=actor, reason="user created")
    user_role_sync(user=user)
    return user


def user_role_sync(*, user: User) -> None:
    """Keep the user's group membership equal to their role (the groups carry the admin permissions)."""
    groups = role_groups_ensure()
    user.groups.remove(*[g for name, g in groups.items() if name != user.role])
    if user.role:
        user.groups.add(groups[user.role])


@transaction.atomic
def api_token_create(
    *,
    user: User,
    read_only: bool = False,
    expires_days: int | None = None,
    name: str = "",
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its key. The key is not stored; this is the only time it exists."""
    if expires_days is not None and expires_days <= 0:
        raise ValidationError({"expires_days": "Expiry must be a positive number of days."})
    key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:8],
        digest=hash_token(key),
        read_only=read_only,
        expires_at=timezone.now() + timedelta(days=expires_days) if expires_days else None,
    )
    audited_save(token, actor=actor or user, reason="token created")
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        audited_save(token, actor=actor, reason="token revoked")
    return token
