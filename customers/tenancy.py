"""The one place that decides what a signed-in partner user may reach.

Every partner-facing view is wrapped in `partner_view`, which attaches the user's partner and
role to the request; objects are then loaded through the partner-scoped querysets below, so
another partner's object is a plain 404, whatever the URL.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from customers.models import Customer, PartnerUser


def partner_view(view=None, *, may_change: bool = False):
    """Require a signed-in partner user; with `may_change`, a role allowed to change things.

    A staff account with no partner (the Django admin superuser) gets 403: it belongs in the
    admin, not in a partner's workspace.
    """

    def decorate(view_func):
        @login_required
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            try:
                partner_user = request.user.partner_user
            except PartnerUser.DoesNotExist:
                raise PermissionDenied("Not a partner user.") from None
            if may_change and not partner_user.may_change:
                raise PermissionDenied("This role may not change subscriptions.")
            request.partner_user = partner_user
            request.partner = partner_user.partner
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


def customers_for(request):
    return Customer.objects.for_partner(request.partner)


def get_customer_or_404(request, pk) -> Customer:
    return get_object_or_404(customers_for(request), pk=pk)
