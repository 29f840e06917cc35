"""Restricted by default: the rows a base view shows are the access policy's, never a view's own choice.

The base portal list and detail views (core/views.py) and the base API viewsets (core/api/views.py) get every
queryset through ``policy.visible_to(user, ...)`` (in the manner of NetBox's ``RestrictedQuerySet.restrict`` under
its generic views), so a new view built on them cannot show a row its user may not see by forgetting to ask.

A view that must show rows beyond the policy opts out in words: ``unrestricted_because = "…"`` names why. A flag
without a reason is refused when the class is defined, and tests/core/test_restricted_by_default.py lists every
view that opts out, so a new one is a reviewed change.
"""

from django.shortcuts import get_object_or_404

from core import policy

__all__ = ["RestrictedRowsMixin", "visible_object_or_404"]


class RestrictedRowsMixin:
    """``restrict(queryset)``: the rows of ``queryset`` this request's user may see (``visible_to``)."""

    # Empty: the view's rows are the policy's. A sentence: the view shows rows beyond it, and this says why.
    unrestricted_because: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        reason = cls.__dict__.get("unrestricted_because", "")
        if not isinstance(reason, str) or (reason and not reason.strip()):
            raise TypeError(f"{cls.__qualname__}.unrestricted_because must say in words why it is unrestricted")

    def restrict(self, queryset):
        if self.unrestricted_because:
            return queryset
        # The API's schema generation builds views without a signed-in user: None sees nothing.
        user = getattr(getattr(self, "request", None), "user", None)
        return policy.visible_to(user, queryset)


def visible_object_or_404(user, queryset, **lookup):
    """``get_object_or_404`` among the rows ``user`` may see: the one lookup for a page that is not built on the
    base views (a job's page, an evaluation run's), so a row outside the policy is a 404 there too."""
    return get_object_or_404(policy.visible_to(user, queryset), **lookup)
