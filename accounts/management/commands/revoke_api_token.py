"""Revoke API tokens from the command line: one by its prefix, or every token of a user."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import ApiToken, User
from accounts.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke an API token by its prefix (the first 8 characters of the key), or all tokens of --user."

    def add_arguments(self, parser):
        parser.add_argument("prefix", nargs="?", help="First 8 characters of the key (shown in the admin).")
        parser.add_argument("--user", help="Revoke every active token of this username.")

    @transaction.atomic
    def handle(self, *args, prefix=None, user=None, **options):
        if bool(prefix) == bool(user):
            raise CommandError("Give either a token prefix or --user USERNAME (not both).")
        tokens = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")
        if user:
            try:
                owner = User.objects.get(username=user)
            except User.DoesNotExist:
                raise CommandError(f"No user {user!r}.") from None
            tokens = tokens.filter(user=owner)
        else:
            tokens = tokens.filter(prefix=prefix[:8])
            if tokens.count() > 1:
                raise CommandError(f"Prefix {prefix!r} matches several tokens; revoke them with --user.")
            if not tokens.exists():
                raise CommandError(f"No active token with prefix {prefix!r}.")
        revoked = [api_token_revoke(token=token) for token in tokens]
        for token in revoked:
            self.stdout.write(f"Revoked {token.prefix}… of {token.user.username}")
        self.stdout.write(self.style.SUCCESS(f"{len(revoked)} token(s) revoked."))
