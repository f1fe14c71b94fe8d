"""The one place that decides what a signed-in partner user may reach (docs/domain.md §1).

Every partner-facing view is wrapped in `partner_view`, which attaches the user's partner, role
and actor to the request; objects are then loaded through the helpers below, built on the
models' scope rules (`Customer.objects.for_partner`, `Subscription.objects.in_scope_of`), so
another partner's object is a plain 404, whatever the URL. The services apply the same rule
under their row lock and raise `OutOfScope`, which is a 404 here too.

What `partner_view` answers carries customer data, so no cache keeps it: every answer, the
404 and 403 raised inside it and the sign-in redirect included, says `private, no-store`.
"""

from functools import wraps

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from customers.actors import Actor, actor_for_partner_user
from customers.models import Customer, PartnerUser
from partnercenter import signed_out, timezones
from subscriptions.models import Operation, OutOfScope, Subscription, scope_of


def partner_view(view=None, *, may_change: bool = False):
    """Require a signed-in partner user; with `may_change`, a role allowed to change things.

    A staff account with no partner (the Django admin superuser) gets 403: it belongs in the
    admin, not in a partner's workspace.
    """

    def decorate(view_func):
        @wraps(view_func)
        def signed_in(request, *args, **kwargs):
            if not request.user.is_authenticated:
                # The sign-in page, for htmx too: `HX-Redirect`, never a 302 (signed_out.py).
                return signed_out.sign_in_answer(request)
            try:
                partner_user = request.user.partner_user
            except PartnerUser.DoesNotExist:
                raise PermissionDenied("Not a partner user.") from None
            if may_change and not partner_user.may_change:
                raise PermissionDenied("This role may not change subscriptions.")
            request.partner_user = partner_user
            request.partner = partner_user.partner
            request.actor = actor_for_request(request)
            # Timestamps in the user's zone; business dates stay UTC (docs/domain.md §3).
            timezones.activate_for(partner_user)
            try:
                return view_func(request, *args, **kwargs)
            except OutOfScope:
                # Out of reach since the page loaded it (a relationship ended meanwhile).
                raise Http404("No such subscription.") from None

        @wraps(view_func)
        def uncached(request, *args, **kwargs):
            try:
                response = signed_in(request, *args, **kwargs)
            except (Http404, PermissionDenied, BadRequest, SuspiciousOperation) as exc:
                # Turned into its page here, as Django's handler would, to get the header too.
                response = response_for_exception(request, exc)
            patch_cache_control(response, private=True, no_store=True)
            return response

        return uncached

    return decorate(view) if view is not None else decorate


def actor_for_request(request) -> Actor:
    """The actor of a page: the signed-in partner user."""
    return actor_for_partner_user(request.partner_user)


def customers_for(request):
    return Customer.objects.for_partner(request.partner)


def get_customer_or_404(request, pk) -> Customer:
    return get_object_or_404(customers_for(request), pk=pk)


def get_subscription_or_404(request, pk, *, related=("customer", "offer")) -> Subscription:
    """A subscription in the partner's scope, with `related` joined in; 404 otherwise."""
    return get_object_or_404(
        Subscription.objects.in_scope_of(request.partner).select_related(*related), pk=pk
    )


def get_operation_or_404(request, pk) -> Operation:
    """A successful upgrade (what has a report) of a subscription in the partner's scope; 404 otherwise."""
    return get_object_or_404(
        Operation.objects.filter(
            scope_of(request.partner, via="subscription__"),
            kind=Operation.Kind.UPGRADE,
            result=Operation.Result.SUCCEEDED,
        ).select_related("customer", "subscription__offer", "target_offer", "target_subscription", "actor"),
        pk=pk,
    )
