"""What a higher app adds to a lower app's pages, without the lower app importing it.

A fieldlab's page shows its funding, but the registry sits below funding and may not ask it. So the registry's view
names an extension point and asks this module for whatever is registered there; funding registers what it adds in its
AppConfig.ready() (NetBox's ``PluginTemplateExtension`` is the model: the page does not know who extends it).

- ``context(point, request=..., obj=...)``: extra template context for a detail page; each provider returns a dict.
- ``annotate(point, queryset)``: extra figures on a list's rows (a fieldlab's approved funding).

A point with nothing registered adds nothing. Registering the same function twice registers it once, so a second
``ready()`` (tests that reload apps) changes nothing.
"""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import QuerySet

__all__ = ["annotate", "annotation_add", "context", "context_add"]

ContextProvider = Callable[..., dict]  # provider(*, request, obj) -> dict
Annotation = Callable[[QuerySet], QuerySet]

_CONTEXT: dict[str, list[ContextProvider]] = defaultdict(list)
_ANNOTATIONS: dict[str, list[Annotation]] = defaultdict(list)


def context_add(point: str, provider: ContextProvider) -> None:
    if provider not in _CONTEXT[point]:
        _CONTEXT[point].append(provider)


def annotation_add(point: str, annotation: Annotation) -> None:
    if annotation not in _ANNOTATIONS[point]:
        _ANNOTATIONS[point].append(annotation)


def context(point: str, *, request, obj) -> dict:
    """The context every provider registered at ``point`` adds for ``obj`` (later providers win a shared key)."""
    extra = {}
    for provider in _CONTEXT.get(point, ()):
        extra.update(provider(request=request, obj=obj))
    return extra


def annotate(point: str, queryset: QuerySet) -> QuerySet:
    for annotation in _ANNOTATIONS.get(point, ()):
        queryset = annotation(queryset)
    return queryset
