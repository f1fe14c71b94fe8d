"""Display time: the signed-in partner user's zone, for the pages of one request (docs/domain.md §3).

Only what is shown moves: timestamps render in the active zone (templates, the activity log's
CSV and its date filters). Business time does not: `partnercenter.clock.today()` and every
billing date stay UTC, whatever zone is active.

`partner_view` activates the zone once it knows the partner user, so no other page pays a query
for it (`/_hello/` stays the floor). A template response renders after the view returns, so the
zone cannot be an `override` around the view: it stays active until the response is made, and
the middleware puts UTC back after every request, so no zone leaks into the next request the
thread serves.
"""

import zoneinfo

from django.utils import timezone

from customers.models import PartnerUser


def activate_for(partner_user: PartnerUser) -> None:
    try:
        timezone.activate(zoneinfo.ZoneInfo(partner_user.display_time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # A zone stored before the server's zone data dropped it: UTC rather than an error page.
        timezone.deactivate()


class TimeZoneMiddleware:
    """Every request starts and ends in the project's zone (UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
