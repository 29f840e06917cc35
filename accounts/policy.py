"""The one access policy: who may see and do what. Every interface asks here, nothing decides on its own.

- ``can(user, action, obj=None)``: may this user do this action (to this object, or to this model class)?
- ``require(user, action, obj=None)``: the same, raising PermissionDenied with a message for people.
- ``visible_to(user, queryset)``: the rows of a queryset this user may see, as one SQL filter (in the spirit of
  NetBox's ``RestrictedQuerySet.restrict(user, action)``).

Views, API permissions, templates (``{% can "change" object as may_change %}`` from the ``policy`` tag library),
the admin and the services all call these three. The rules come from two tables below: what each role may do
(``ROLE_RULES``) and what each action needs (``_RULES``). Adding a role means one ``Role`` value and one row in
``ROLE_RULES``.

Objects are of two kinds:
- *reviewable* items (funding records, measurements): their model names ``policy_hub_lookups``, the paths from
  the item to the hub that reports it (``("hub", "fieldlab__hub")``), and carries ``status`` and
  ``recipient_hub_id``. Others than the bureau and the hub's own roles see it only in its model's
  ``policy_public_statuses`` (funding records once submitted, measurements once approved). Its hub's coordinators
  change, delete and submit it while it is with the hub; the bureau approves and returns it.
- *owned* objects (background jobs): their model names ``policy_owner_field``; only the owner and the bureau see
  them, so a job's file, result and error never reach another user.
- everything else (organisations, funders, the intervention logic …): every role reads it, the bureau edits it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.policy import Action

from .models import Role

__all__ = ["ROLE_RULES", "Action", "RoleRules", "can", "require", "visible_to"]


@dataclass(frozen=True)
class RoleRules:
    """What a role may do. A hub role's rights hold for its own hub only."""

    everything: bool = False  # the programme bureau
    hub_drafts: bool = False  # sees its hub's items while they are with the hub (and the hub's report)
    reports: bool = False  # creates, changes, deletes, submits and imports its hub's items


ROLE_RULES: dict[str, RoleRules] = {
    Role.BUREAU: RoleRules(everything=True),
    Role.COORDINATOR: RoleRules(hub_drafts=True, reports=True),
    Role.HUB_VIEWER: RoleRules(hub_drafts=True),
    Role.ANALYST: RoleRules(),
}

MESSAGES = {
    Action.VIEW: _("This item is still with another hub."),
    Action.ADD: _("You may not add this here; hub coordinators report only for their own hub."),
    Action.CHANGE: _("You may not change this record."),
    Action.DELETE: _("You may not delete this record."),
    Action.SUBMIT: _("You may not submit this record."),
    Action.APPROVE: _("Only the programme bureau approves reports."),
    Action.RETURN: _("Only the programme bureau returns reports."),
    Action.VIEW_REPORT: _("Only this hub's own people and the programme bureau see its report."),
    Action.ENTER_REPORT: _("Only this hub's coordinators and the programme bureau enter its report."),
    Action.REVIEW: _("Only the programme bureau reviews reports."),
    Action.MANAGE_PERIODS: _("Only the programme bureau closes and reopens reporting periods."),
    Action.IMPORT: _("Only the bureau and hub coordinators import funding records."),
    Action.RUN_EVALUATION: _("Only the programme bureau starts evaluation runs."),
    Action.USE_ADMIN: _("Only the programme bureau uses the admin."),
    Action.USE_API: _("Your account has no role in the registry."),
    Action.VIEW_CHANGE_LOG: _("Only the programme bureau reads the site-wide change log."),
}


def _rules(user) -> RoleRules | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ROLE_RULES[Role.BUREAU]
    return ROLE_RULES.get(user.role)


def _is_reviewable(obj) -> bool:
    return bool(getattr(obj, "policy_hub_lookups", None))


def _own_hub(user, hub_id) -> bool:
    return hub_id is not None and hub_id == user.hub_id


def _with_hub(item) -> bool:
    # A reviewable item says itself whether it is still with its hub (draft or returned).
    return isinstance(item, Model) and item.is_with_hub


def _hub_id(obj):
    """The hub an object belongs to for the policy: a Hub itself, or the hub that reports an item."""
    if isinstance(obj, Model) and obj._meta.label_lower == "registry.hub":
        return obj.pk
    return getattr(obj, "recipient_hub_id", None)


def _owner_field(obj) -> str | None:
    return getattr(obj, "policy_owner_field", None)


def _may_view(user, rules: RoleRules, obj) -> bool:
    if _owner_field(obj):
        return not isinstance(obj, Model) or getattr(obj, f"{_owner_field(obj)}_id") == user.pk
    if not _is_reviewable(obj) or not isinstance(obj, Model) or obj.status in obj.policy_public_statuses:
        return True
    return rules.hub_drafts and _own_hub(user, obj.recipient_hub_id)


def _may_add(user, rules: RoleRules, obj) -> bool:
    if not (_is_reviewable(obj) and rules.reports):
        return False
    # A model class: may add some (the service checks the instance). An instance: only for the own hub.
    return not isinstance(obj, Model) or _own_hub(user, obj.recipient_hub_id)


def _may_work_on(user, rules: RoleRules, obj) -> bool:
    """Change, delete, submit: a hub's own coordinators, while the item is still with the hub."""
    if not (_is_reviewable(obj) and rules.reports):
        return False
    return not isinstance(obj, Model) or (_with_hub(obj) and _own_hub(user, obj.recipient_hub_id))


_RULES = {
    Action.VIEW: _may_view,
    Action.ADD: _may_add,
    Action.CHANGE: _may_work_on,
    Action.DELETE: _may_work_on,
    Action.SUBMIT: _may_work_on,
    Action.VIEW_REPORT: lambda user, rules, hub: rules.hub_drafts and _own_hub(user, _hub_id(hub)),
    Action.ENTER_REPORT: lambda user, rules, hub: rules.reports and _own_hub(user, _hub_id(hub)),
    Action.IMPORT: lambda user, rules, obj: rules.reports,
    Action.USE_API: lambda user, rules, obj: True,
}


def can(user, action: str, obj=None) -> bool:
    """May ``user`` do ``action`` to ``obj`` (a model instance, a model class, or nothing)?"""
    rules = _rules(user)
    if rules is None:
        return False
    if rules.everything:
        return True
    rule = _RULES.get(action)
    # Actions without a rule (approve, return, review, periods, evaluation runs, admin) are the bureau's alone.
    return bool(rule and rule(user, rules, obj))


def require(user, action: str, obj=None, message=None) -> None:
    """``can`` or PermissionDenied with a message that says who may."""
    if not can(user, action, obj):
        raise PermissionDenied(message or MESSAGES.get(action, MESSAGES[Action.CHANGE]))


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may see, as one SQL filter (no row-by-row checks)."""
    rules = _rules(user)
    if rules is None:
        return queryset.none()
    if _owner_field(queryset.model) and not rules.everything:
        return queryset.filter(**{_owner_field(queryset.model): user})
    lookups = getattr(queryset.model, "policy_hub_lookups", None)
    if rules.everything or not lookups:
        return queryset
    visible = Q(status__in=queryset.model.policy_public_statuses)
    if rules.hub_drafts and user.hub_id:
        for lookup in lookups:
            visible |= Q(**{f"{lookup}_id": user.hub_id})
    return queryset.filter(visible)
