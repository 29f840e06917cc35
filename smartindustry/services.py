"""Write helpers every app's services share: validate fully, save, and record who did it in the history."""

from django.db import models


def _attach_actor(instance: models.Model, actor, reason: str | None) -> None:
    # django-simple-history reads these attributes when it writes the historical row.
    if actor is not None and getattr(actor, "pk", None):
        instance._history_user = actor
    if reason:
        instance._change_reason = reason


def audited_save(
    instance: models.Model, *, actor, reason: str | None = None, validate_constraints: bool = True
) -> models.Model:
    """full_clean() (fields, model rules and database constraints) then save, with the actor in the history.

    validate_constraints=False skips only the Python-side preview of Meta.constraints (one query each); the
    database still enforces them on save. Bulk loaders of trusted files use it; interactive writes never do.
    """
    instance.full_clean(validate_constraints=validate_constraints)
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
