from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    # The admin's section heading, in the active language.
    verbose_name = _("Subscriptions")

    def ready(self):
        # Connects the signals that bump the catalog's stamp at every catalog write, whichever
        # door (the Django admin, a command) makes it.
        from subscriptions import catalog_cache  # noqa: F401
