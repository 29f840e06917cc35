"""What deleting a record would take with it, and what stops it: the delete confirmation shows this before the
reader confirms (as NetBox and Django's admin do).

Django's own ``NestedObjects`` collector (the admin's) walks every relation the way ``Model.delete()`` will:
CASCADE rows go with the record, PROTECT and RESTRICT rows stop the delete. Many-to-many link rows (a hub's
provinces) are not listed: deleting the record only unlinks them. The history tables are not relations
(simple_history keeps no foreign-key constraint), so they are neither listed nor in the way.
"""

from dataclasses import dataclass, field

from django.contrib.admin.utils import NestedObjects
from django.db import models, router
from django.utils.text import capfirst

# Per kind of record, name this many; the rest is counted ("and 12 more").
NAMED_PER_GROUP = 10


@dataclass(frozen=True)
class Item:
    name: str
    url: str | None = None


@dataclass
class Group:
    """Records of one model: "Funding records (3)" and the first few by name."""

    label: str
    count: int
    items: list[Item] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass
class DeletionPreview:
    deleted: list[Group]  # the records that go with it (not the record itself)
    protecting: list[Group]  # the records that stop the delete

    @property
    def possible(self) -> bool:
        return not self.protecting


def _url(obj) -> str | None:
    try:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    except Exception:  # noqa: BLE001 — a record without a page is still listed, just without a link
        return None


def _groups(objects) -> list[Group]:
    by_model: dict[type, list] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    groups = []
    for model, objs in by_model.items():
        if model._meta.auto_created:  # a many-to-many link row: the record is unlinked, nothing else happens
            continue
        objs.sort(key=lambda o: (str(o), o.pk))
        label = model._meta.verbose_name if len(objs) == 1 else model._meta.verbose_name_plural
        groups.append(
            Group(
                label=capfirst(str(label)),
                count=len(objs),
                items=[Item(str(o), _url(o)) for o in objs[:NAMED_PER_GROUP]],
            )
        )
    return sorted(groups, key=lambda g: g.label)


def deletion_preview(instance: models.Model) -> DeletionPreview:
    """What ``instance.delete()`` would also delete, and what refers to it so that it cannot be deleted."""
    collector = NestedObjects(using=router.db_for_write(type(instance), instance=instance))
    collector.collect([instance])
    deleted = [
        obj
        for model, objs in collector.model_objs.items()
        for obj in objs
        if not (model is type(instance) and obj.pk == instance.pk)
    ]
    return DeletionPreview(deleted=_groups(deleted), protecting=_groups(collector.protected))
