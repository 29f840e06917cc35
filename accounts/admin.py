from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, Role, User
from .services import api_token_revoke, user_role_sync


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "email", "role", "hub", "is_active", "is_staff", "last_login")
    list_filter = ("role", "hub", "is_active", "is_staff", "is_superuser")
    list_select_related = ("hub",)
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Role"), {"fields": ("role", "hub")}))

    def save_model(self, request, obj, form, change):
        # Django's user forms handle passwords; the staff flag and the role's group follow the role, as in the
        # services (user_create).
        obj.is_staff = obj.is_superuser or obj.role == Role.BUREAU
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_role_sync(user=form.instance)  # after the form's groups, which the role overrules


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("prefix", "user", "name", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("read_only", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        # A key is shown exactly once; create tokens with `manage.py create_api_token`.
        return False

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)
        messages.success(request, _("Revoked %(n)d token(s).") % {"n": queryset.count()})
