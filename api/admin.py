"""Django admin for API applications: the client secret is shown once, at creation or rotation."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api.models import ApiApplication, new_secret


@admin.register(ApiApplication)
class ApiApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "partner", "role", "enabled", "client_id", "created_at")
    list_filter = ("partner", "role", "enabled")
    search_fields = ("name", "client_id")
    readonly_fields = ("created_at",)
    actions = ["rotate_secrets"]

    def save_model(self, request, obj, form, change):
        if not change:
            secret = new_secret()
            obj.set_secret(secret)
            self._show_secret(request, obj, secret)
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Rotate the client secret"))
    def rotate_secrets(self, request, queryset):
        for application in queryset:
            secret = application.rotate_secret()
            application.save(update_fields=["secret_hash", "previous_secret_hash", "previous_secret_until"])
            self._show_secret(request, application, secret)

    @staticmethod
    def _show_secret(request, application, secret: str) -> None:
        messages.warning(
            request,
            _("Client secret of %(name)s (client id %(client_id)s): %(secret)s. It is shown only now.")
            % {"name": application.name, "client_id": application.client_id, "secret": secret},
        )
