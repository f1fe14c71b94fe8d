"""Who calls the API: the application behind a bearer token (docs/api.md).

The token's application gives the request its partner and actor, as `partner_view` does for a
page, so the same scoped loaders (`partnercenter.tenancy`) answer every door.
"""

from django.utils import timezone
from ninja.security import HttpBearer

from api.models import ApiToken, token_digest
from customers.actors import Actor, ActorKind


def actor_for_api_application(application) -> Actor:
    """An API application acting through the REST API."""
    return Actor(
        kind=ActorKind.API_APPLICATION,
        partner=application.partner,
        role=application.role,
        application_name=application.name,
    )


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("application__partner")
            .filter(digest=token_digest(token), expires_at__gt=timezone.now(), application__enabled=True)
            .first()
        )
        if found is None:
            return None
        application = found.application
        request.api_application = application
        request.partner = application.partner
        request.actor = actor_for_api_application(application)
        return application
