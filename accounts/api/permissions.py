"""Who may do what over the API: the access policy's answer (accounts/policy.py), never a decision of its own.

Reads need a role; a read-only token never writes; a write asks the policy for the action on the view's model (to
reach the endpoint) and on the object (to touch it). The services ask again, with the data.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import policy
from accounts.models import ApiToken

# HTTP method → the policy's action on a model or object. Extra actions (approve, close …) name their own.
METHOD_ACTIONS = {
    "POST": policy.Action.ADD,
    "PUT": policy.Action.CHANGE,
    "PATCH": policy.Action.CHANGE,
    "DELETE": policy.Action.DELETE,
}


def _action(request, view) -> str:
    # Extra actions: the view says which policy action they are (submit, approve, manage_periods …).
    named = getattr(view, "policy_actions", {}).get(getattr(view, "action", None))
    return named or METHOD_ACTIONS.get(request.method, policy.Action.CHANGE)


def _model(view):
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


class RolePermission(BasePermission):
    message = _("You do not have permission to perform this action.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not policy.can(user, policy.Action.USE_API):
            return False
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            self.message = _("This token is read-only.")
            return False
        action = _action(request, view)
        # On the model class: may this user do this kind of write at all (a coordinator may add funding records).
        allowed = policy.can(user, action, _model(view))
        if not allowed:
            self.message = policy.MESSAGES.get(action, self.message)
        return allowed

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return policy.can(request.user, policy.Action.VIEW, obj)
        action = _action(request, view)
        allowed = policy.can(request.user, action, obj)
        if not allowed:
            self.message = policy.MESSAGES.get(action, self.message)
        return allowed
