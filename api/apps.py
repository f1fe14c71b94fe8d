from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    # The admin's section heading, in the active language.
    verbose_name = _("REST API")
