"""The admin as one more interface on the services and the access policy: no path around the rules.

``ServiceAdmin`` asks accounts/policy.py for every permission and writes through the app's services. The form is
checked by running the service inside a transaction that is rolled back, so the admin shows exactly the verdict the
portal and the API give (closed period, wrong hub, a database rule) next to the fields, and then saves through the
same service. Workflow fields (status, reviewer, …) are read-only here: approving and returning are admin actions
that take the workflow's steps. Inlines are read-only. Bulk delete and history revert are switched off, because
they would write around the services (see settings: SIMPLE_HISTORY_REVERT_DISABLED).
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core import policy
from core.services import record_create, record_delete, record_update

__all__ = ["ReadOnlyInline", "ServiceAdmin", "workflow_admin_action"]

# Bulk "delete selected" deletes with a queryset, past the services (and their refusal to delete what is referred to).
admin.site.disable_action("delete_selected")


class _DryRun(Exception):
    """Rolls the checking transaction back."""


class ServiceAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose writes go through services and whose permissions come from the access policy.

    Subclasses may override ``service_create(actor, data)``, ``service_update(instance, actor, data)`` and
    ``service_delete(instance, actor)``; the default is the core's generic record services (bureau edits, audited).
    """

    def service_create(self, *, actor, data: dict) -> Model:
        return record_create(model=self.model, actor=actor, data=data)

    def service_update(self, *, instance: Model, actor, data: dict) -> Model:
        return record_update(instance=instance, actor=actor, data=data)

    def service_delete(self, *, instance: Model, actor) -> None:
        record_delete(instance=instance, actor=actor)

    # --- permissions: the policy's ----------------------------------------------------------------------------

    def _can(self, request, action: str, obj=None) -> bool:
        user = request.user
        return policy.can(user, policy.Action.USE_ADMIN) and policy.can(user, action, obj or self.model)

    def has_view_permission(self, request, obj=None):
        return self._can(request, policy.Action.VIEW, obj)

    def has_add_permission(self, request, *args):
        return self._can(request, policy.Action.ADD)

    def has_change_permission(self, request, obj=None):
        return self._can(request, policy.Action.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, policy.Action.DELETE, obj)

    def has_module_permission(self, request):
        return policy.can(request.user, policy.Action.USE_ADMIN)

    # --- writes: the services' --------------------------------------------------------------------------------

    def _data(self, form, change: bool) -> dict:
        names = form.changed_data if change else list(form.cleaned_data)
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def _write(self, request, form, change: bool) -> Model:
        data = self._data(form, change)
        if change:
            # A fresh copy: the form has already put the new values on form.instance.
            fresh = type(form.instance)._default_manager.get(pk=form.instance.pk)
            return self.service_update(instance=fresh, actor=request.user, data=data)
        return self.service_create(actor=request.user, data=data)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceCheckedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        model_admin._write(request, self, change=obj is not None)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):
                        for name, errors in exc.error_dict.items():
                            self.add_error(name if name in self.fields else None, errors)
                    else:
                        self.add_error(None, exc)
                except PermissionDenied as exc:
                    self.add_error(None, str(exc))

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        saved = self._write(request, form, change)
        # The admin goes on with `obj` (messages, the redirect, the log entry): give it the saved row's identity.
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Many-to-many values went through the service with the other fields (no form.save_m2m() here). Inlines
        # are read-only: saving their formsets writes nothing, but the admin's change message reads them.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An old version is shown to read; restoring it would be a write past the workflow's steps.
        if request.method == "POST":
            raise PermissionDenied(_("Old versions are read-only; change the record itself."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_model(self, request, obj):
        try:
            self.service_delete(instance=obj, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            # The admin has no form here: say why and leave the record as it is.
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            raise PermissionDenied(" ".join(getattr(exc, "messages", [str(exc)]))) from exc

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on a parent's page, changed on their own page (through their own admin and services)."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def workflow_admin_action(step: Callable, *, name: str, description: str):
    """An admin action that takes one workflow step (``step(item, actor)``) on each selected item, all or nothing."""

    @admin.action(description=description)
    def run(model_admin, request, queryset):
        try:
            with transaction.atomic():
                for item in queryset:
                    step(item, request.user)
        except (ValidationError, PermissionDenied) as exc:
            model_admin.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), level=messages.ERROR)
        else:
            model_admin.message_user(request, _("%(n)d item(s) done.") % {"n": queryset.count()})

    run.__name__ = name  # the admin tells actions apart by name
    return run
