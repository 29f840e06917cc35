"""The access policy as the shared core sees it: one interface, the rules in the app that owns them.

The core's base views, API viewsets, admin and generic services must restrict by default, but the rules (roles,
hubs, which statuses are public) belong to ``accounts``, above the core. So the core asks through this module,
and the implementation is the module ``settings.ACCESS_POLICY`` names (``accounts.policy``), the way Django finds
its authentication backends. Every caller, in the core or above it, gets the same three answers:

- ``can(user, action, obj=None)``, ``require(user, action, obj=None, message=None)``,
- ``visible_to(user, queryset)``: the rows this user may see, as one SQL filter.

``Action`` is the policy's vocabulary; it lives here so both sides name actions the same way.
"""

from functools import cache
from importlib import import_module

from django.conf import settings

__all__ = ["Action", "can", "require", "visible_to"]


class Action:
    """The actions the policy knows. Strings, so templates can name them."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    SUBMIT = "submit"  # a reviewable item goes from its hub to the bureau
    APPROVE = "approve"
    RETURN = "return"
    VIEW_REPORT = "view_report"  # a hub's report with its drafts (obj: the Hub)
    ENTER_REPORT = "enter_report"  # enter figures in a hub's report (obj: the Hub)
    REVIEW = "review"  # the bureau's review queue
    MANAGE_PERIODS = "manage_periods"  # close and reopen reporting periods
    IMPORT = "import"  # spreadsheet import of funding records
    RUN_EVALUATION = "run_evaluation"
    USE_ADMIN = "use_admin"
    USE_API = "use_api"  # read the REST API (and see its docs link)
    # The site-wide change log: every model's history, drafts of every hub and figures before approval included,
    # so the bureau's alone (each record's own page shows its history to whoever may see the record).
    VIEW_CHANGE_LOG = "view_change_log"


@cache
def _implementation():
    return import_module(settings.ACCESS_POLICY)


def can(user, action: str, obj=None) -> bool:
    return _implementation().can(user, action, obj)


def require(user, action: str, obj=None, message=None) -> None:
    _implementation().require(user, action, obj, message)


def visible_to(user, queryset):
    return _implementation().visible_to(user, queryset)
