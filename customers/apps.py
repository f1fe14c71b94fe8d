from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    # The admin's section heading, in the active language.
    verbose_name = _("Customers")
