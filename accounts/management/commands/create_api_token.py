from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once. Only its hash is stored: keep the printed key."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="The token may read but never write.")
        parser.add_argument("--expires-days", type=int, metavar="N", help="The token stops working after N days.")
        parser.add_argument("--name", default="", help="What the token is for (shown in the admin).")

    def handle(self, *args, username, read_only=False, expires_days=None, name="", **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        try:
            token, key = api_token_create(user=user, read_only=read_only, expires_days=expires_days, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if options["verbosity"] >= 2:
            scope = "read-only" if token.read_only else "read-write"
            expiry = token.expires_at.isoformat() if token.expires_at else "never"
            self.stderr.write(f"Token {token.prefix}… for {user.username}: {scope}, expires {expiry}.")
        self.stdout.write(key)
