"""Write helpers every app's services share: validate fully, save, and record who did it in the history."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import policy

STALE = "stale"


class StaleVersion(ValidationError):
    """The record was saved by someone else since the writer read it: nothing was written."""

    def __init__(self, instance: models.Model, expected: int):
        super().__init__(
            {
                "version": ValidationError(
                    _(
                        "This record was changed by someone else meanwhile (your version %(expected)s, saved version "
                        "%(current)s). Nothing was saved."
                    ),
                    code=STALE,
                    params={"expected": expected, "current": instance.version},
                )
            }
        )
        self.instance = instance
        self.expected = expected


def check_version(instance: models.Model, expected) -> None:
    """Refuse a write based on another version of the record than the one stored."""
    if expected is None or instance.pk is None or not hasattr(instance, "version"):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise ValidationError({"version": ValidationError(_("Enter a whole number."), code="invalid")}) from None
    if expected != instance.version:
        raise StaleVersion(instance, expected)


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
    if hasattr(instance, "version") and instance.pk is not None and not instance._state.adding:
        # Compare-and-set on the stored row: this UPDATE takes the row lock, so of two concurrent writers that
        # read the same version exactly one moves it on and the other finds no row at its version.
        moved = (
            type(instance)
            ._default_manager.filter(pk=instance.pk, version=instance.version)
            .update(version=F("version") + 1)
        )
        if not moved:
            stored = type(instance)._default_manager.get(pk=instance.pk)
            raise StaleVersion(stored, instance.version)
        instance.version += 1
    instance.save()
    return instance


def audited_delete(instance: models.Model, *, actor, reason: str | None = None) -> None:
    _attach_actor(instance, actor, reason)
    instance.delete()


def apply_changes(instance: models.Model, data: dict, *, allowed: set[str] | frozenset[str]) -> list[str]:
    """Copy the allowed keys of data onto instance; return the names of fields whose value changed.

    A ``version`` key is the version the writer read (a form's hidden field, the API's If-Match): a write based on
    another version than the stored one is refused with StaleVersion before anything changes.
    """
    data = dict(data)
    check_version(instance, data.pop("version", None))
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


# --- Generic record services: the bureau edits organisations, funders and the intervention logic through these three
# (the portal, the API, the admin and scripts alike), so validation, database rules, the refusal to delete what is
# referred to and the history with the actor hold everywhere.

BUREAU_ONLY = _("Only the programme bureau edits the registry.")


def _editable_fields(model: type[models.Model]) -> set[str]:
    return {
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "editable", False) and not f.auto_created and f.concrete and not f.primary_key
    } | {f.name for f in model._meta.many_to_many}


def _split_m2m(model, data: dict) -> tuple[dict, dict]:
    m2m_names = {f.name for f in model._meta.many_to_many}
    return {k: v for k, v in data.items() if k not in m2m_names}, {k: v for k, v in data.items() if k in m2m_names}


@transaction.atomic
def record_create(*, model: type[models.Model], actor, data: dict) -> models.Model:
    policy.require(actor, policy.Action.ADD, model, BUREAU_ONLY)
    plain, m2m = _split_m2m(model, data)
    instance = model()
    apply_changes(instance, plain, allowed=_editable_fields(model))
    audited_save(instance, actor=actor, reason="created")
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def record_update(*, instance: models.Model, actor, data: dict) -> models.Model:
    policy.require(actor, policy.Action.CHANGE, instance, BUREAU_ONLY)
    plain, m2m = _split_m2m(type(instance), data)
    changed = apply_changes(instance, plain, allowed=_editable_fields(type(instance)))
    if changed or m2m:
        audited_save(instance, actor=actor, reason="changed: " + ", ".join(changed + list(m2m)))
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def record_delete(*, instance: models.Model, actor) -> None:
    """Delete, or refuse with a ValidationError naming what still refers to the record."""
    policy.require(actor, policy.Action.DELETE, instance, BUREAU_ONLY)
    try:
        audited_delete(instance, actor=actor, reason="deleted")
    except (ProtectedError, RestrictedError) as exc:
        referencing = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects})
        raise ValidationError(
            gettext("%(name)s cannot be deleted: %(refs)s still refer to it.")
            % {"name": instance, "refs": ", ".join(str(r) for r in referencing)}
        ) from exc
