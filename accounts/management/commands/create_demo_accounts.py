import os
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import ApiToken, Role, User
from accounts.services import api_token_create, api_token_revoke, user_create
from core.services import audited_save

# accounts sits below registry: the hub is reached through the user's own foreign key, not imported.
Hub = User._meta.get_field("hub").related_model

DEMO_ACCOUNTS = [
    ("demo-bureau", Role.BUREAU, None),
    ("demo-coordinator-noord", Role.COORDINATOR, "noord"),
    ("demo-hub-viewer-noord", Role.HUB_VIEWER, "noord"),
    ("demo-analyst", Role.ANALYST, None),
]
DEMO_TOKEN_NAME = "demo (make run)"
# The administrator: a superuser (every admin permission, users and groups included) who works as the bureau in
# the portal. The bureau's own accounts reach /admin/ too, with the bureau's permissions only.
DEMO_ADMIN = "demo-admin"


class Command(BaseCommand):
    help = (
        "For local use only (make run): create or refresh one demo account per role with a fresh random password, "
        "and a fresh API token for the analyst; print them. Earlier demo tokens are revoked."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"), help="Port shown in the example curl")

    @transaction.atomic
    def handle(self, *args, port="8000", **options):
        if not Hub.objects.filter(slug="noord").exists():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        lines = []
        for username, role, hub_slug in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            user = User.objects.filter(username=username).first()
            hub = Hub.objects.get(slug=hub_slug) if hub_slug else None
            if user is None:
                user = user_create(username=username, role=role, hub=hub, password=password, validate_password=False)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            lines.append(f"  {role:<12} {username:<24} {password}" + (f"   (hub {hub_slug})" if hub_slug else ""))
        admin_password = secrets.token_urlsafe(12)
        admin = User.objects.filter(username=DEMO_ADMIN).first()
        if admin is None:
            admin = user_create(username=DEMO_ADMIN, role=Role.BUREAU, password=admin_password, validate_password=False)
        else:
            admin.set_password(admin_password)
            admin.save(update_fields=["password"])
        if not (admin.is_superuser and admin.is_staff):
            admin.is_superuser = admin.is_staff = True
            audited_save(admin, actor=None, reason="superuser (make run)")
        analyst = User.objects.get(username="demo-analyst")
        for old in ApiToken.objects.filter(user=analyst, name=DEMO_TOKEN_NAME, revoked_at__isnull=True):
            api_token_revoke(token=old)
        _token, key = api_token_create(user=analyst, read_only=True, name=DEMO_TOKEN_NAME)

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /accounts/login/):"))
        self.stdout.write(f"  {'role':<12} {'username':<24} password")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Administrator (every permission; the Django admin is at /admin/):"))
        self.stdout.write(f"  {'superuser':<12} {DEMO_ADMIN:<24} {admin_password}")
        self.stdout.write(self.style.SUCCESS("Demo analyst API token (read-only):"))
        self.stdout.write(f"  {key}")
        self.stdout.write(f"  curl -H 'Authorization: Token {key}' http://127.0.0.1:{port}/api/v1/hubs/")
        self.stdout.write("")
