"""`python manage.py seed_demo`: the demo data of docs/domain.md §9 (see `subscriptions.demo`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from api import demo as api_demo
from subscriptions import demo, demo_data, demo_scale


class Command(BaseCommand):
    # argparse formats help with re.sub, which refuses a lazy string: the words are looked up, in
    # the active language, when the parser is built (create_parser reads `help`, then calls
    # add_arguments), not when the module is imported.
    @property
    def help(self):
        return _(
            "Create the demo partners, sign-ins, customers, subscriptions, users, licenses and grants "
            "(only what is missing), and print the sign-ins."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Delete the demo data (and the scale customers) first, then create it again."),
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help=_('Also give Fabrikam the customers "Scale Customer 0001" .. N, for load work.'),
        )
        parser.add_argument(
            "--allow-demo-passwords",
            action="store_true",
            help=_("Create the well-known demo passwords even though DEBUG is off."),
        )
        # The address is the server's to know, not the data's: `make run PORT=…` passes it.
        parser.add_argument(
            "--url",
            default=demo_data.SITE_URL,
            metavar="URL",
            help=_("The address the demo is served at, printed with the sign-ins."),
        )

    def handle(self, *args, reset, scale, allow_demo_passwords, url, **options):
        # The demo passwords are printed in the README: on a real server they would be a way in.
        if not settings.DEBUG and not allow_demo_passwords:
            raise CommandError(
                _(
                    "DEBUG is off: seed_demo would create sign-ins with well-known passwords. "
                    "Run it on a local demo, or pass --allow-demo-passwords if you really mean it."
                )
            )
        if scale < 0:
            raise CommandError(_("--scale takes a number of customers, 0 or more."))
        if reset:
            demo.reset_demo()
        demo.seed_demo()
        api_demo.seed_api_applications()
        added = demo_scale.seed_scale(scale) if scale else 0
        if options["verbosity"] >= 1:
            self._print_summary(scale=scale, added=added)
            self._print_logins(site_url=url.rstrip("/") + "/")

    def _print_summary(self, *, scale, added):
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data ready: %(count)d customers.") % {"count": len(demo_data.CUSTOMERS)}
            )
        )
        if scale:
            self.stdout.write(
                _("Scale customers: %(added)d added, %(total)d asked for.") % {"added": added, "total": scale}
            )

    def _print_logins(self, *, site_url):
        self.stdout.write("")
        self.stdout.write(_("Sign in at %(url)s with:") % {"url": site_url})
        self._print_table(
            (_("User"), _("Password"), _("Partner"), _("Role")),
            [
                (login.username, login.password, login.partner or _("(Django admin)"), login.role)
                for login in [*demo_data.LOGINS, demo_data.SUPERUSER]
            ],
        )
        self.stdout.write(_("Django admin: %(url)s") % {"url": site_url.rstrip("/") + reverse("admin:index")})
        self.stdout.write("")
        self.stdout.write(
            _("REST API at %(url)s (token: POST %(token)s, client credentials):")
            % {"url": site_url + "api/docs", "token": site_url + "api/oauth2/token"}
        )
        self._print_table(
            (_("Client id"), _("Client secret"), _("Partner"), _("Role")),
            [(app.client_id, app.secret, app.partner, app.role) for app in api_demo.DEMO_APPLICATIONS],
        )

    def _print_table(self, headers, rows):
        widths = [max(len(str(row[column])) for row in [headers, *rows]) for column in range(len(headers))]
        for row in [headers, *rows]:
            self.stdout.write(
                "  "
                + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
