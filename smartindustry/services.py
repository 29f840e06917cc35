"""Write helpers every app's services share: validate fully, save, and record who did it in the history."""

from django.db import models


def _attach_actor(instance: models.Model, actor, reason: str | None) -> None:
    # django-simple-history reads these attributes when it writes the historical row.
    if actor is not None and getattr(actor, "pk", None):
        instance._history_user = actor
    if reason:
        instance._change_reason = reason


def audited_save(instance: models.Model, *, actor, reason: str | None = None, validate: bool = True) -> models.Model:
    """full_clean() (fields, model rules and database constraints) then save, with the actor in the history."""
    if validate:
        instance.full_clean()
    _attach_actor(instance, actor, reason)
    instance.save()
    return instance


def audited_delete(instance: models.Model, *, actor, reason: str | None = None) -> None:
    _attach_actor(instance, actor, reason)
    instance.delete()


def apply_changes(instance: models.Model, data: dict, *, allowed: set[str] | frozenset[str]) -> list[str]:
    """Copy the allowed keys of data onto instance; return the names of fields whose value changed."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Fields not editable here: {', '.join(sorted(unknown))}")
    changed = []
    missing = object()
    for name, value in data.items():
        # A required foreign key not yet set on a new instance raises RelatedObjectDoesNotExist (an AttributeError).
        if getattr(instance, name, missing) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
