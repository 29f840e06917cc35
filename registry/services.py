"""Writes to the registry's organisations: atomic, fully validated and audited.

The bureau edits these records; the same three functions serve the portal, the API and scripts, so the rules
(validation, database constraints, refusal to delete what is referenced, history with the actor) hold everywhere.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from accounts.models import User
from smartindustry.services import apply_changes, audited_delete, audited_save

BUREAU_ONLY = gettext_lazy("Only the programme bureau edits the registry.")


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
def registry_record_create(*, model: type[models.Model], actor: User, data: dict) -> models.Model:
    policy.require(actor, policy.Action.ADD, model, BUREAU_ONLY)
    plain, m2m = _split_m2m(model, data)
    instance = model()
    apply_changes(instance, plain, allowed=_editable_fields(model))
    audited_save(instance, actor=actor, reason="created")
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def registry_record_update(*, instance: models.Model, actor: User, data: dict) -> models.Model:
    policy.require(actor, policy.Action.CHANGE, instance, BUREAU_ONLY)
    plain, m2m = _split_m2m(type(instance), data)
    changed = apply_changes(instance, plain, allowed=_editable_fields(type(instance)))
    if changed or m2m:
        audited_save(instance, actor=actor, reason="changed: " + ", ".join(changed + list(m2m)))
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def registry_record_delete(*, instance: models.Model, actor: User) -> None:
    """Delete, or refuse with a ValidationError naming what still refers to the record."""
    policy.require(actor, policy.Action.DELETE, instance, BUREAU_ONLY)
    try:
        audited_delete(instance, actor=actor, reason="deleted")
    except (ProtectedError, RestrictedError) as exc:
        referencing = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects})
        raise ValidationError(
            _("%(name)s cannot be deleted: %(refs)s still refer to it.")
            % {"name": instance, "refs": ", ".join(str(r) for r in referencing)}
        ) from exc
