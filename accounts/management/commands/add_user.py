import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import HUB_ROLES, Role, User
from accounts.services import user_create

# accounts sits below registry: the hub is reached through the user's own foreign key, not imported.
Hub = User._meta.get_field("hub").related_model


class Command(BaseCommand):
    help = (
        "Create a portal user with one role. The password comes from the environment variable named by "
        "--password-env, or else from standard input (first line). Coordinators and hub viewers need --hub."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--hub", help="Hub slug (coordinators and hub viewers only), e.g. noord")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", metavar="VAR", help="Read the password from this environment variable")

    def handle(self, *args, username, role, hub=None, email="", password_env=None, **options):
        hub_obj = None
        if hub:
            try:
                hub_obj = Hub.objects.get(slug=hub)
            except Hub.DoesNotExist:
                slugs = ", ".join(Hub.objects.values_list("slug", flat=True)) or "none loaded"
                raise CommandError(f"No hub with slug {hub!r} (known: {slugs}).") from None
        if role in HUB_ROLES and hub_obj is None:
            raise CommandError(f"A {role} needs --hub SLUG: the one hub they work for.")
        if role not in HUB_ROLES and hub_obj is not None:
            raise CommandError("Only coordinators and hub viewers are linked to a hub; drop --hub.")

        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"Environment variable {password_env} is empty or not set.")
        else:
            if sys.stdin.isatty():
                self.stderr.write("Password: ", ending="")
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password given on standard input.")
        try:
            user = user_create(username=username, role=role, hub=hub_obj, email=email, password=password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        where = f" for hub {hub_obj.slug}" if hub_obj else ""
        self.stdout.write(self.style.SUCCESS(f"Created {role} {user.username}{where}."))
