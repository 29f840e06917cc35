"""Who may do what over the API. Reads: any signed-in role. Writes: decided per view, never by analysts."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import ApiToken


class RolePermission(BasePermission):
    message = _("You do not have permission to perform this action.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return bool(user.is_superuser or user.role)
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            self.message = _("This token is read-only.")
            return False
        if user.is_superuser or user.is_bureau:
            return True
        # Coordinators may write only where a view says so (and then only for their hub's records).
        return bool(getattr(view, "coordinator_may_write", False) and user.is_coordinator)
